//! The command line without AWS: usage errors, config errors, credentials errors, the catalogue.

mod support;

use support::{repo_root, run, scratch_dir, tomwatch};

/// `tomwatch config validate` on a config file with `yaml` in a scratch directory of its own.
fn validate(name: &str, yaml: &str) -> (i32, String, String) {
    let path = scratch_dir(name).join("tomwatch.yaml");
    std::fs::write(&path, yaml).expect("write config");
    run(tomwatch()
        .args(["config", "validate", "--config"])
        .arg(&path))
}

#[test]
fn no_credentials_exits_2_and_says_how_to_provide_them() {
    let (code, stdout, stderr) = run(tomwatch().args(["audit", "--format", "json"]));
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("no AWS credentials found: set AWS_PROFILE"),
        "{stderr}"
    );
}

/// tomwatch with credentials and an endpoint where nothing listens: an answer can only come
/// from tomwatch itself, so these tests need no AWS.
fn unreachable_aws(args: &[&str]) -> std::process::Command {
    let mut command = tomwatch();
    command
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "111111111111")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_REGION", "eu-central-1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    command
}

#[test]
fn malformed_endpoint_exits_2_naming_the_variable() {
    let (code, _, stderr) =
        run(unreachable_aws(&["audit"]).env("AWS_ENDPOINT_URL_S3", "localhost:4566"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("AWS_ENDPOINT_URL_S3=`localhost:4566` is not an http(s) URL"),
        "{stderr}"
    );
}

#[test]
fn a_home_region_that_is_no_region_name_exits_2_before_any_call() {
    let (code, _, stderr) = run(unreachable_aws(&["audit"]).env("AWS_REGION", "Frankfurt"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the region `Frankfurt` (from AWS_REGION")
            && stderr.contains("not an AWS region name"),
        "{stderr}"
    );
}

#[test]
fn a_storage_path_that_is_a_file_exits_2_naming_the_flag() {
    let dir = scratch_dir("storage-file");
    let file = dir.join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let config = dir.join("tomwatch.yaml");
    std::fs::write(&config, "# the ambient account\n").expect("write");
    let (code, _, stderr) = run(
        unreachable_aws(&["serve", "--web.listen-address", "127.0.0.1:0"])
            .arg("--config")
            .arg(&config)
            .arg("--storage.path")
            .arg(&file),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("not-a-dir") && stderr.contains("Give --storage.path a directory"),
        "{stderr}"
    );
}

#[test]
fn bad_config_exits_2_with_file_line_and_column() {
    let dir = scratch_dir("badconfig");
    let path = dir.join("tomwatch.yaml");
    std::fs::write(&path, "accounts:\n  - id: \"111111111111\"\n    role: x\n").expect("write");
    for args in [
        vec!["audit", "--config"],
        vec!["config", "validate", "--config"],
    ] {
        let (code, _, stderr) = run(tomwatch().args(&args).arg(&path));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("{}:3:5: unknown field `role`", path.display())),
            "{stderr}"
        );
    }
}

#[test]
fn every_semantic_problem_is_reported_at_once() {
    let (code, _, stderr) = validate(
        "semantic",
        "accounts:\n  - id: \"1234\"\n  - id: \"222222222222\"\n    role_arn: arn:aws:iam::333333333333:role/r\nregions: [eu-central-1, mars-1]\n",
    );
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(
        stderr.contains(":2:9: account id `1234` is not 12 digits"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":4:15: role_arn belongs to account 333333333333"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":5:25: `mars-1` is not an AWS region name"),
        "{stderr}"
    );
}

#[test]
fn type_errors_in_several_sections_are_reported_at_once() {
    let (code, _, stderr) = validate(
        "typeerrors",
        "accounts:\n  - id: \"111111111111\"\n    rolearn: x\nscan:\n  concurrency: many\nschedule:\n  jitter: 0.1\n  interval: 5x\n",
    );
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(stderr.contains(":3:5: unknown field `rolearn`"), "{stderr}");
    assert!(
        stderr.contains(":5:16: `scan.concurrency` must be a whole number, 0 or more"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":8:13: schedule.interval `5x` is not a duration"),
        "{stderr}"
    );
}

/// Checks that ask more than the TOM's words are marked, off by default, and one line turns
/// one on.
#[test]
fn checks_beyond_the_tom_are_marked_and_off_until_enabled() {
    const CHECK: &str = "cognito_user_pool_threat_protection";
    let listing = |config: Option<&std::path::Path>| {
        let mut command = tomwatch();
        command.args(["checks", "--format", "json"]);
        if let Some(path) = config {
            command.arg("--config").arg(path);
        }
        let (code, stdout, stderr) = run(&mut command);
        assert_eq!(code, 0, "{stderr}");
        let all: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("json");
        all.into_iter().find(|c| c["id"] == CHECK).expect("listed")
    };
    let default = listing(None);
    assert_eq!(default["enabled"], false, "{default}");
    assert!(default["beyond_tom"]
        .as_str()
        .is_some_and(|why| why.contains("Cognito")));

    let (_, table, _) = run(tomwatch().args(["checks", "--control", "tom-authn"]));
    let row = table.lines().find(|l| l.starts_with(CHECK)).expect("row");
    assert!(
        row.contains("+ ") && row.contains("[off: beyond the TOM]"),
        "{table}"
    );
    assert!(!table
        .lines()
        .any(|l| l.starts_with("cognito_user_pool_mfa_required") && l.contains("off")));

    let dir = scratch_dir("enable");
    let path = dir.join("tomwatch.yaml");
    std::fs::write(&path, format!("baseline:\n  enable: [{CHECK}]\n")).expect("write");
    assert_eq!(listing(Some(&path))["enabled"], true);

    let (code, _, stderr) = validate(
        "enable-default",
        "baseline:\n  enable: [rds_instance_not_public]\n",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":2:12: check `rds_instance_not_public` already runs by default"),
        "{stderr}"
    );
}

#[test]
fn shipped_example_config_validates() {
    let path = repo_root().join("config/tomwatch.example.yaml");
    let (code, stdout, stderr) = run(tomwatch()
        .args(["config", "validate", "--config"])
        .arg(&path));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ok (2 accounts; baseline tom: "),
        "{stdout}"
    );
}

#[test]
fn bad_region_flag_exits_2() {
    let (code, _, stderr) = run(tomwatch().args(["audit", "--region", "frankfurt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--region `frankfurt` is not an AWS region name"),
        "{stderr}"
    );
}

/// The SDK clients share one HTTP client that tomwatch builds itself; it must still go
/// through the proxy of HTTP_PROXY (as the SDK's own default does), or tomwatch would stop
/// working behind a corporate proxy.
#[test]
fn calls_go_through_the_proxy_of_the_environment() {
    use std::io::{BufRead, BufReader, Write};
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = proxy.local_addr().expect("address");
    let (seen, requests) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in proxy.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_ok() {
                let _ = seen.send(line.trim_end().to_string());
            }
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let (code, _, stderr) = run(unreachable_aws(&["audit"])
        .env("AWS_ENDPOINT_URL", "http://aws.tomwatch-proxy-test.invalid")
        .env("HTTP_PROXY", format!("http://{address}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy"));
    assert_eq!(code, 2, "{stderr}");
    let first = requests
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("a request reached the proxy");
    assert!(
        first.starts_with("POST http://aws.tomwatch-proxy-test.invalid/"),
        "{first}"
    );
}

/// A shard that cannot be is refused with what to fix, before any call: by clap for the flag
/// and TOMWATCH_SHARD alike (exit 2), and by tomwatch for a config without accounts to split.
#[test]
fn a_bad_shard_exits_2_before_any_call() {
    for args in [
        &["audit", "--shard", "2/2"][..],
        &["serve", "--config", "x.yaml", "--shard", "0/0"],
    ] {
        let (code, _, stderr) = run(&mut unreachable_aws(args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("is not INDEX/COUNT"), "{args:?}: {stderr}");
    }
    let (code, _, stderr) = run(unreachable_aws(&["audit"]).env("TOMWATCH_SHARD", "one/3"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("TOMWATCH_SHARD") && stderr.contains("`one/3` is not INDEX/COUNT"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&mut unreachable_aws(&["audit", "--shard", "1/3"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--shard 1/3 splits the config's accounts among replicas, but the config lists no `accounts:`"),
        "{stderr}"
    );
    // Replicas that shared one event queue would take each other's events.
    let config = scratch_dir("shard-events").join("tomwatch.yaml");
    std::fs::write(
        &config,
        "accounts:\n  - id: \"111111111111\"\n  - id: \"222222222222\"\n    role_arn: arn:aws:iam::222222222222:role/audit\n\
         events:\n  queue_url: https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events\n",
    )
    .expect("write config");
    let (code, _, stderr) =
        run(unreachable_aws(&["serve", "--shard", "0/2", "--config"]).arg(&config));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--shard 0/2: every replica would read the one queue of events.queue_url")
            && stderr.contains("tomwatch-events-{shard}"),
        "{stderr}"
    );
}

#[test]
fn checks_lists_the_catalogue_and_filters_by_control() {
    let (code, stdout, _) = run(tomwatch().args(["checks", "--format", "json"]));
    assert_eq!(code, 0);
    let all: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("json");
    assert!(all.len() >= 13);
    assert!(all
        .iter()
        .any(|c| c["id"] == "s3_bucket_default_encryption_kms" && c["control"] == "TOM-ENC-REST"));

    // The table's columns line up, the longest check ID included.
    let (_, table, _) = run(tomwatch().args(["checks"]));
    let control_column: std::collections::BTreeSet<Option<usize>> = table
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.find(" TOM-").or_else(|| l.find(" CONTROL")))
        .collect();
    assert_eq!(control_column.len(), 1, "{table}");

    for typed in ["TOM-NET", "tom-net"] {
        let (code, stdout, stderr) = run(tomwatch().args(["checks", "--control", typed]));
        assert_eq!(code, 0, "{typed}: {stderr}");
        assert!(
            stdout.contains("rds_instance_not_public")
                && !stdout.contains("kms_key_rotation_enabled"),
            "{typed}: {stdout}"
        );
    }

    let (code, _, stderr) = run(tomwatch().args(["checks", "--control", "TOM-NOPE"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown control `TOM-NOPE`; known controls: TOM-REGION"),
        "{stderr}"
    );
}

#[test]
fn iam_policy_covers_every_collector_call() {
    let (code, stdout, _) = run(tomwatch().arg("iam-policy"));
    assert_eq!(code, 0);
    let policy: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let actions = policy["Statement"][0]["Action"]
        .as_array()
        .expect("actions");
    for needed in [
        "s3:GetEncryptionConfiguration",
        "rds:DescribeDBInstances",
        "cloudtrail:GetTrailStatus",
    ] {
        assert!(
            actions.iter().any(|a| a == needed),
            "{needed} missing from {actions:?}"
        );
    }
}

#[test]
fn iam_policy_grants_the_event_queue_only_when_named_and_only_that_queue() {
    let queue = "arn:aws:sqs:eu-central-1:111111111111:tomwatch-events";
    let (code, stdout, stderr) = run(tomwatch().args(["iam-policy", "--event-queue-arn", queue]));
    assert_eq!(code, 0, "{stderr}");
    let policy: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let events = &policy["Statement"][1];
    assert_eq!(events["Resource"], queue);
    assert_eq!(
        events["Action"],
        serde_json::json!(tomwatch_aws::permissions::EVENT_QUEUE_ACTIONS)
    );
    let (_, plain, _) = run(tomwatch().arg("iam-policy"));
    let plain: serde_json::Value = serde_json::from_str(&plain).expect("json");
    assert_eq!(plain["Statement"].as_array().map(Vec::len), Some(1));

    let (code, _, stderr) = run(tomwatch().args([
        "iam-policy",
        "--event-queue-arn",
        "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not an SQS queue ARN"), "{stderr}");
}

#[test]
fn iam_policy_grants_the_security_hub_import_only_when_asked() {
    let (code, stdout, stderr) = run(tomwatch().args(["iam-policy", "--security-hub-export"]));
    assert_eq!(code, 0, "{stderr}");
    let policy: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let export = &policy["Statement"][1];
    assert_eq!(
        export["Action"],
        serde_json::json!(["securityhub:BatchImportFindings"])
    );
    assert_eq!(
        export["Resource"],
        "arn:aws:securityhub:*:*:product/*/default"
    );
    let read_only = policy["Statement"][0]["Action"].to_string();
    assert!(!read_only.contains("securityhub"), "{read_only}");
}

#[test]
fn verify_and_diff_say_what_is_wrong_with_their_input() {
    let dir = std::env::temp_dir().join(format!("tomwatch-cli-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let plain = dir.join("plain.json");
    std::fs::write(&plain, r#"{"schema":"tomwatch.audit.v1"}"#).expect("write");
    let (code, _, stderr) = run(tomwatch().arg("verify").arg(&plain));
    assert_eq!(code, 1);
    assert!(stderr.contains("carries no integrity record"), "{stderr}");
    let (code, _, stderr) = run(tomwatch().args(["verify", "/nonexistent/report.html"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read /nonexistent/report.html"),
        "{stderr}"
    );
    let (code, _, stderr) = run(tomwatch().arg("diff").arg(&plain).arg(&plain));
    assert_eq!(code, 2, "an incomplete document is refused");
    assert!(stderr.contains("plain.json"), "{stderr}");
    let (code, _, stderr) = run(tomwatch().args(["audit", "--format", "xml"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown format `xml`"), "{stderr}");
    let (code, _, stderr) = run(tomwatch().args(["audit", "--sign", "/nonexistent/key.pem"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the signing key"), "{stderr}");
}

#[test]
fn an_expired_suppression_validates_with_a_warning_that_says_how_long_ago() {
    let ended = (time::OffsetDateTime::now_utc() - time::Duration::days(10)).date();
    let (code, stdout, stderr) = validate(
        "expired",
        &format!(
            "suppressions:\n  - check: iam_user_console_mfa\n    resource: \"arn:aws:iam::111111111111:user/bob\"\n    reason: left\n    owner: it-ops\n    expires: {ended}\n"
        ),
    );
    assert_eq!(code, 0, "an expired suppression is valid config: {stderr}");
    assert!(stdout.contains(": ok"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "expired on {ended} (10 days ago) and hides nothing any more"
        )),
        "{stderr}"
    );
}

/// `crates/tomwatch/Cargo.toml` turns off test discovery (these files are not in its own
/// directory), so a test file it does not name would silently never run.
#[test]
fn every_end_to_end_test_file_is_a_target() {
    let manifest = std::fs::read_to_string(repo_root().join("crates/tomwatch/Cargo.toml"))
        .expect("crates/tomwatch/Cargo.toml");
    let entries = std::fs::read_dir(repo_root().join("tests")).expect("tests/");
    let mut files = 0;
    for entry in entries {
        let entry = entry.expect("tests/ entry");
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // A test split into modules is a directory with its root in main.rs; `support` is the
        // shared code those roots include, not a test of its own.
        let root = if name.ends_with(".rs") {
            name.to_string()
        } else if entry.path().join("main.rs").is_file() {
            format!("{name}/main.rs")
        } else {
            continue;
        };
        files += 1;
        let target = format!("path = \"../../tests/{root}\"");
        assert!(
            manifest.contains(&target),
            "tests/{root} is not a [[test]] target"
        );
    }
    assert!(files >= 9, "found {files} test files");
}

/// "EU-Raum" is the European Union: the catalogue names the regions the default admits and why,
/// and a config's own list replaces them.
#[test]
fn the_catalogue_says_which_regions_tom_region_admits() {
    let (code, table, _) = run(tomwatch().args(["checks", "--control", "TOM-REGION"]));
    assert_eq!(code, 0);
    let line = table
        .lines()
        .find(|l| l.starts_with("TOM-REGION allows"))
        .expect("an allowed-regions line");
    assert!(
        line.starts_with("TOM-REGION allows eu-central-1, eu-west-1, eu-west-3, eu-north-1, eu-south-1, eu-south-2 ")
            && line.contains("London") && line.contains("Zurich"),
        "{line}"
    );
    let path = scratch_dir("regions").join("tomwatch.yaml");
    std::fs::write(
        &path,
        "baseline:\n  parameters:\n    allowed_regions: [\"eu-central-1\"]\n",
    )
    .expect("write");
    let (_, table, _) = run(tomwatch()
        .args(["checks", "--control", "TOM-REGION", "--config"])
        .arg(&path));
    assert!(
        table.contains(
            "TOM-REGION allows eu-central-1 (as baseline.parameters.allowed_regions sets them)"
        ),
        "{table}"
    );
    // Other controls' listings do not carry it.
    let (_, table, _) = run(tomwatch().args(["checks", "--control", "TOM-NET"]));
    assert!(!table.contains("TOM-REGION allows"), "{table}");
}
