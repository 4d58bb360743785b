//! `tomwatch audit` against the demo estate seeded into LocalStack: two accounts (one through
//! AssumeRole), several regions, a planted violation and a compliant twin for every check.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use support::{run, Estate, ENABLE_BEYOND_TOM};

fn estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| Estate::seed("audit"))
}

fn audit_json(
    estate: &Estate,
    config_extra: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, Value, String) {
    let config = estate.config(config_extra);
    let mut command = estate.tomwatch();
    command
        .args(["audit", "--format", "json", "--config"])
        .arg(&config)
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let (code, stdout, stderr) = run(&mut command);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, report, stderr)
}

type Key = (String, String);

fn by_check_and_resource(findings: &[Value]) -> BTreeMap<Key, &Value> {
    let mut map = BTreeMap::new();
    for finding in findings {
        let key = (
            finding["check_id"].as_str().unwrap_or_default().to_string(),
            finding["resource_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        assert!(
            map.insert(key.clone(), finding).is_none(),
            "duplicate finding for {key:?}"
        );
    }
    map
}

#[test]
fn every_planted_verdict_is_reported_exactly_and_nothing_else_fails() {
    let estate = estate();
    // The estate plants S3 data events, backup plans and week-long retention both ways, so the
    // test's baseline requires them (as config/demo.yaml does).
    // It also plants the checks that go beyond the TOM (off by default), so it enables them.
    let config = format!("regions: all\nbaseline:\n  parameters:\n    s3_data_events_required: true\n    backup_plan_required: true\n    min_backup_retention_days: 7\n{ENABLE_BEYOND_TOM}");
    let (code, report, stderr) = audit_json(estate, &config, &[], &[]);
    assert_eq!(code, 1, "FAILs are planted, so exit 1; stderr: {stderr}");
    assert_eq!(report["schema"], "tomwatch.audit.v1");
    // Evidence says which tool and which baseline produced it, and what to do about a FAIL.
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["baseline"]["name"], "tom");
    assert_eq!(report["baseline"]["format_version"], 1);
    assert_eq!(
        report["baseline"]["sha256"].as_str().map(str::len),
        Some(64),
        "{}",
        report["baseline"]
    );
    for finding in report["findings"].as_array().expect("findings") {
        let has_remediation = finding["remediation"]
            .as_str()
            .is_some_and(|r| !r.is_empty());
        assert_eq!(
            has_remediation,
            finding["status"] == "FAIL",
            "a FAIL, and only a FAIL, carries its remediation: {finding}"
        );
    }
    assert!(
        report["errors"].as_array().is_some_and(Vec::is_empty),
        "{}",
        report["errors"]
    );

    let accounts = report["accounts"].as_array().expect("accounts");
    let ids: Vec<&str> = accounts
        .iter()
        .filter_map(|a| a["account_id"].as_str())
        .collect();
    assert_eq!(ids, vec![estate.prod.as_str(), estate.dev.as_str()]);
    for account in accounts {
        let regions = account["regions"].as_array().expect("regions");
        assert!(
            regions.len() >= 10,
            "DescribeRegions should give every enabled region: {regions:?}"
        );
        assert!(
            regions
                .iter()
                .all(|r| !r.as_str().unwrap_or_default().starts_with("cn-")),
            "{regions:?}"
        );
    }

    let findings = report["findings"].as_array().expect("findings");
    let actual = by_check_and_resource(findings);
    let mut checks_with = BTreeMap::<&str, BTreeSet<&str>>::new();
    for want in &estate.expected {
        let key = (
            want["check_id"].as_str().unwrap_or_default().to_string(),
            want["resource_id"].as_str().unwrap_or_default().to_string(),
        );
        let got = actual
            .get(&key)
            .unwrap_or_else(|| panic!("no finding for {key:?}"));
        for field in ["status", "account_id", "region"] {
            assert_eq!(
                got[field], want[field],
                "{field} of {key:?}: {}",
                got["message"]
            );
        }
        checks_with
            .entry(want["check_id"].as_str().unwrap_or_default())
            .or_default()
            .insert(want["status"].as_str().unwrap_or_default());
    }
    // The estate really plants both sides of every check of the catalogue.
    let (_, catalogue, _) = run(estate.tomwatch().args(["checks", "--format", "json"]));
    let catalogue: Vec<Value> = serde_json::from_str(&catalogue).expect("catalogue JSON");
    let ids: BTreeSet<&str> = catalogue.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(
        checks_with.keys().copied().collect::<BTreeSet<_>>(),
        ids,
        "every check is planted"
    );
    for (check, statuses) in &checks_with {
        // AWS offers no way to a PASS here: CreateCacheCluster has no at-rest option, and a
        // standalone cluster that does encrypt does not report its key (UNKNOWN).
        let only_fails_in_aws = *check == "elasticache_cluster_encrypted_at_rest";
        assert!(
            statuses.contains("FAIL") && (statuses.contains("PASS") || only_fails_in_aws),
            "{check}: {statuses:?}"
        );
    }
    // No false FAIL and no UNKNOWN anywhere: every FAIL is a planted one.
    let planted: BTreeSet<Key> = estate
        .expected
        .iter()
        .map(|w| {
            (
                w["check_id"].as_str().unwrap_or_default().to_string(),
                w["resource_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (key, finding) in &actual {
        if finding["status"] == "FAIL" || finding["status"] == "UNKNOWN" {
            assert!(
                planted.contains(key),
                "unplanted {} for {key:?}: {}",
                finding["status"],
                finding["message"]
            );
        }
    }
}

#[test]
fn an_unreachable_service_makes_its_findings_unknown_and_spoils_nothing_else() {
    let estate = estate();
    // KMS points at a closed port; everything else still answers. Two attempts, not one: on a
    // loaded machine LocalStack has failed an AssumeRole once, which made a whole account UNKNOWN.
    let (code, report, _) = audit_json(
        estate,
        "regions: [eu-central-1, eu-west-1]\nscan:\n  api_max_attempts: 2\nbaseline:\n  enable: [kms_key_rotation_enabled]\n",
        &[],
        &[("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:9")],
    );
    assert_eq!(code, 1, "the planted FAILs of other services still count");
    let findings = report["findings"].as_array().expect("findings");
    let kms: Vec<&Value> = findings
        .iter()
        .filter(|f| f["check_id"] == "kms_key_rotation_enabled")
        .collect();
    assert_eq!(kms.len(), 4, "one UNKNOWN per account x region: {kms:?}");
    assert!(kms.iter().all(|f| f["status"] == "UNKNOWN"), "{kms:?}");
    assert!(kms
        .iter()
        .any(|f| f["resource_id"] == format!("arn:aws:kms:eu-west-1:{}:key/*", estate.dev)));

    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 4, "{errors:?}");
    for error in errors {
        assert_eq!(error["service"], "kms");
        assert_eq!(error["operation"], "ListKeys");
        assert_eq!(error["error_type"], "other");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Connection refused"),
            "{error}"
        );
    }
    // Other services were collected as usual.
    let planted_sg_fail = findings.iter().any(|f| {
        f["check_id"] == "ec2_security_group_world_ingress_web_only" && f["status"] == "FAIL"
    });
    assert!(planted_sg_fail);
}

#[test]
fn table_shows_failures_first_within_100_columns() {
    let estate = estate();
    let config = estate.config("regions: [eu-central-1, eu-west-1, us-east-1]\n");
    // By default only the problems, then the summary per control.
    let (code, default, stderr) = run(estate.tomwatch().args(["audit", "--config"]).arg(&config));
    assert_eq!(code, 1, "{stderr}");
    let rows: Vec<&str> = default
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| ["FAIL", "UNKNOWN", "PASS", "N/A", "SUPPR"].contains(w))
        .collect();
    assert!(
        rows.contains(&"FAIL") && !rows.contains(&"PASS") && !rows.contains(&"N/A"),
        "{default}"
    );
    assert!(
        default.contains("PASS and N/A rows not listed; --all lists them"),
        "{default}"
    );
    for control in ["TOM-REGION", "TOM-NET", "TOM-WAF"] {
        assert!(
            default
                .lines()
                .any(|l| l.starts_with(control) && l.ends_with("violated")),
            "{control} in the per-control summary:\n{default}"
        );
    }
    let (code, stdout, stderr) = run(estate
        .tomwatch()
        .args(["audit", "--all", "--config"])
        .arg(&config));
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.iter().all(|l| l.chars().count() <= 100),
        "a line is wider than 100 columns:\n{stdout}"
    );
    // A section starts at a line of its own: finding messages may say "Account" too.
    let framed = format!("\n{stdout}");
    let sections: Vec<&str> = framed.split("\nAccount ").skip(1).collect();
    assert_eq!(sections.len(), 2, "one section per account:\n{stdout}");
    assert!(
        sections[0].starts_with(&format!("{} (production)", estate.prod)),
        "{stdout}"
    );
    assert!(
        sections[1].starts_with(&format!("{} (dev)", estate.dev)),
        "{stdout}"
    );
    for section in sections {
        let statuses: Vec<&str> = section
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| ["FAIL", "UNKNOWN", "PASS", "N/A"].contains(w))
            .collect();
        let first_pass = statuses
            .iter()
            .position(|s| *s == "PASS")
            .expect("some PASS");
        assert!(
            first_pass > 0 && statuses[..first_pass].iter().all(|s| *s == "FAIL"),
            "failures first: {statuses:?}"
        );
        assert!(
            statuses[first_pass..].iter().all(|s| *s != "FAIL"),
            "{statuses:?}"
        );
    }
    assert!(
        stdout.contains("(ssh-from-internet) is open to the internet on tcp/22"),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL, 0 UNKNOWN"), "{stdout}");
}

#[test]
fn ambient_credentials_of_another_account_are_a_usage_error() {
    let estate = estate();
    let config = estate.config("");
    let (code, _, stderr) = run(estate
        .tomwatch()
        .env("AWS_ACCESS_KEY_ID", &estate.dev)
        .args(["audit", "--config"])
        .arg(&config));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("account {} has no role_arn", estate.prod)),
        "{stderr}"
    );
}

#[test]
fn exit_code_is_0_when_compliant_and_3_when_something_could_not_be_seen() {
    let compliant = Estate::seed_compliant("compliant");
    // Two attempts, not one: on a loaded machine LocalStack has failed a call of this compliant
    // estate once (an UNKNOWN); the unreachable endpoint below is refused twice as fast.
    let scope = format!(
        "regions: [eu-central-1, eu-west-1]\nscan:\n  api_max_attempts: 2\nbaseline:\n{ENABLE_BEYOND_TOM}"
    );
    let config = compliant.compliant_config(&scope);

    let (code, stdout, stderr) = run(compliant
        .tomwatch()
        .args(["audit", "-f", "json", "--config"])
        .arg(&config));
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let statuses: BTreeSet<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["status"].as_str())
        .collect();
    let not_passed: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "FAIL" || f["status"] == "UNKNOWN")
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f["status"], f["check_id"], f["resource_id"], f["message"]
            )
        })
        .collect();
    assert_eq!(code, 0, "{statuses:?}\n{not_passed:#?}\n{stderr}");
    assert!(
        statuses.contains("PASS") && !statuses.contains("FAIL") && !statuses.contains("UNKNOWN"),
        "{statuses:?}"
    );
    let scanned = ["eu-central-1", "eu-west-1", "global"];
    for want in compliant
        .expected
        .iter()
        .filter(|w| scanned.iter().any(|r| w["region"] == *r))
    {
        let found = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| {
                f["check_id"] == want["check_id"]
                    && f["resource_id"] == want["resource_id"]
                    && f["status"] == want["status"]
            });
        assert!(found, "{want}");
    }

    let (code, stdout, _) = run(compliant
        .tomwatch()
        .env("AWS_ENDPOINT_URL_CLOUDTRAIL", "http://127.0.0.1:9")
        .args(["audit", "--config"])
        .arg(&config));
    assert_eq!(
        code, 3,
        "no FAIL but UNKNOWN is an incomplete audit:\n{stdout}"
    );
    assert!(
        stdout.contains("UNKNOWN ") && stdout.contains("Could not collect (2)"),
        "{stdout}"
    );
}

#[test]
fn suppressions_hide_a_fail_from_the_exit_code_until_they_expire_and_disabled_checks_do_not_run() {
    let estate = Estate::seed_compliant("suppress");
    let volume = estate.python(
        "ec2 = client('ec2')\n\
         v = ec2.create_volume(AvailabilityZone='eu-central-1a', Size=1, Encrypted=False, \
         TagSpecifications=[{'ResourceType': 'volume', 'Tags': [{'Key': 'managed-by', 'Value': 'terraform'}]}])\n\
         print(v['VolumeId'])",
    );
    let arn = format!("arn:aws:ec2:eu-central-1:{}:volume/{volume}", estate.prod);
    let scope = "regions: [eu-central-1]\n";
    let audit = |extra: &str| {
        let config = estate.compliant_config(&format!("{scope}{extra}"));
        let (code, stdout, stderr) = run(estate
            .tomwatch()
            .args(["audit", "-f", "json", "--config"])
            .arg(&config));
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        (code, report)
    };
    let finding = |report: &Value| {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["check_id"] == "ec2_volume_encrypted" && f["resource_id"] == arn.as_str())
            .cloned()
            .expect("the planted volume is judged")
    };

    let (code, report) = audit("");
    assert_eq!(code, 1, "the unencrypted volume fails the audit");
    assert_eq!(finding(&report)["status"], "FAIL");

    let suppression = |expires: &str| {
        format!(
            "suppressions:\n  - check: \"ec2_volume_*\"\n    resource: \"arn:aws:ec2:*:*:volume/{volume}\"\n    reason: scratch disk of a migration\n    owner: platform-team\n    expires: {expires}\n"
        )
    };
    let (code, report) = audit(&suppression("2099-12-31"));
    let suppressed = finding(&report);
    assert_eq!(
        code, 0,
        "a suppressed FAIL does not fail the audit: {suppressed}"
    );
    assert_eq!(suppressed["status"], "FAIL", "it stays a FAIL");
    assert_eq!(suppressed["suppressed"], true);
    assert_eq!(
        suppressed["suppression"]["reason"],
        "scratch disk of a migration"
    );
    assert_eq!(report["suppressed"], 1);
    assert_eq!(report["suppressions"][0]["expired"], false);
    assert_eq!(report["suppressions"][0]["matched"], 1);

    let (code, report) = audit(&suppression("2020-01-31"));
    let expired = finding(&report);
    assert_eq!(code, 1, "an expired suppression hides nothing");
    assert_eq!(expired["suppressed"], false);
    assert_eq!(expired["suppression"]["expired"], true);
    assert_eq!(report["suppressions"][0]["expired"], true);
    let config = estate.compliant_config(&format!("{scope}{}", suppression("2020-01-31")));
    let (_, table, _) = run(estate.tomwatch().args(["audit", "--config"]).arg(&config));
    assert!(
        table.contains("Expired suppressions (1)")
            && table.contains("suppression EXPIRED on 2020-01-31"),
        "{table}"
    );

    // A suppression that hides nothing is named on stderr, as the table lists it.
    let unused = estate.compliant_config(&format!(
        "{scope}{}",
        suppression("2099-12-31").replace(&volume, "vol-0gone")
    ));
    let (_, _, stderr) = run(estate
        .tomwatch()
        .args(["audit", "-f", "json", "--config"])
        .arg(&unused));
    assert!(
        stderr.contains("warning: the suppression of ec2_volume_* on arn:aws:ec2:*:*:volume/vol-0gone (owner platform-team) matched no FAIL"),
        "{stderr}"
    );

    let (code, report) = audit(
        "baseline:\n  disable:\n    - check: ec2_volume_encrypted\n      reason: judged by the backup team\n",
    );
    assert_eq!(code, 0);
    assert!(report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["check_id"] != "ec2_volume_encrypted"));
}

/// A configured region is checked against ec2:DescribeRegions: a name that is no region stops
/// the audit before any scan, naming the closest one; an opt-in region the account has not
/// enabled is not scanned and the report says so.
#[test]
fn configured_regions_are_real_and_enabled_or_said_to_be_not_scanned() {
    let estate = estate();
    let config = estate.config("regions: [eu-central-1, eu-centrall-1]\n");
    let (code, stdout, stderr) = run(estate
        .tomwatch()
        .args(["audit", "--format", "json", "--config"])
        .arg(&config));
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "nothing is audited: {stdout}");
    assert!(
        stderr.contains(
            "`eu-centrall-1` is not an AWS region of this partition; did you mean eu-central-1?"
        ),
        "{stderr}"
    );

    // The emulator, like AWS for a new account, lists eu-south-2 (Spain) as not opted in.
    let (_, report, stderr) = audit_json(estate, "regions: [eu-central-1, eu-south-2]\n", &[], &[]);
    for account in report["accounts"].as_array().expect("accounts") {
        assert_eq!(
            account["regions"],
            serde_json::json!(["eu-central-1"]),
            "{stderr}"
        );
        assert_eq!(
            account["regions_not_scanned"],
            serde_json::json!([{"region": "eu-south-2", "reason": "not_enabled"}])
        );
    }
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["region"] != "eu-south-2"));
}

/// Credentials never reach the output, even at trace level, where the SDK logs every request it
/// signs and every response it reads: neither the ambient secret key and session token nor the
/// credentials AssumeRole returns for the second account.
#[test]
fn credentials_never_reach_the_logs_or_the_report_even_at_trace_level() {
    const SECRET: &str = "SecretKeyCanary7f3b9c1d2e";
    const TOKEN: &str = "SessionTokenCanary4a8e6b0c";
    let estate = estate();
    let (_, report, stderr) = audit_json(
        estate,
        "regions: [eu-central-1]\n",
        &[],
        &[
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", TOKEN),
            ("RUST_LOG", "trace"),
        ],
    );
    // The run really traced the SDK, through AssumeRole, and audited both accounts.
    assert!(
        stderr.contains("TRACE") && stderr.contains("STS.AssumeRole"),
        "no SDK trace: {}",
        &stderr[..stderr.len().min(2000)]
    );
    assert_eq!(report["accounts"].as_array().map(Vec::len), Some(2));
    let report = report.to_string();
    for (what, text) in [("stderr", stderr.as_str()), ("report", report.as_str())] {
        for canary in [SECRET, TOKEN] {
            assert!(!text.contains(canary), "{what} contains {canary}");
        }
        // What AssumeRole returned: its XML elements, or a signed request's token header.
        for shape in [
            "<SecretAccessKey>",
            "<SessionToken>",
            "(\"x-amz-security-token\", \"",
        ] {
            assert!(!text.contains(shape), "{what} contains {shape}");
        }
    }
}

/// `--shard INDEX/COUNT` (or TOMWATCH_SHARD) splits the configured accounts: every account is
/// audited by exactly one shard, with exactly the findings the unsharded audit gives it, and
/// the split is the consistent hash every replica computes alike.
#[test]
fn shards_split_the_accounts_and_together_give_the_whole_audit() {
    let estate = estate();
    let config = "regions: [eu-central-1]\n";
    let (_, whole, stderr) = audit_json(estate, config, &[], &[]);
    let whole_findings = by_check_and_resource(whole["findings"].as_array().expect("findings"));
    assert!(!whole_findings.is_empty(), "{stderr}");
    for count in [2u32, 3] {
        let mut audited: Vec<String> = Vec::new();
        for index in 0..count {
            let shard = format!("{index}/{count}");
            // The flag and the environment variable (a StatefulSet's) are the same setting.
            let (flag, env): (Vec<&str>, Vec<(&str, &str)>) = if index % 2 == 0 {
                (vec!["--shard", &shard], vec![])
            } else {
                (vec![], vec![("TOMWATCH_SHARD", &shard)])
            };
            let (_, report, stderr) = audit_json(estate, config, &flag, &env);
            let ids: Vec<String> = report["accounts"]
                .as_array()
                .expect("accounts")
                .iter()
                .filter_map(|a| a["account_id"].as_str().map(str::to_string))
                .collect();
            for id in &ids {
                assert_eq!(
                    tomwatch_engine::Shard::of_account(id, count),
                    index,
                    "{id} in shard {shard}"
                );
            }
            assert!(
                stderr.contains(&format!(
                    "shard {shard}: auditing {} of the config's 2 accounts",
                    ids.len()
                )),
                "{stderr}"
            );
            let findings = by_check_and_resource(report["findings"].as_array().expect("findings"));
            let expected: BTreeMap<&Key, &Value> = whole_findings
                .iter()
                .filter(|(_, f)| ids.iter().any(|id| f["account_id"] == id.as_str()))
                .map(|(key, finding)| (key, *finding))
                .collect();
            assert_eq!(findings.len(), expected.len(), "shard {shard}");
            for (key, finding) in &findings {
                assert_eq!(
                    expected.get(key).map(|f| &f["status"]),
                    Some(&finding["status"]),
                    "{key:?} in shard {shard}"
                );
            }
            audited.extend(ids);
        }
        audited.sort();
        let mut both = vec![estate.prod.clone(), estate.dev.clone()];
        both.sort();
        assert_eq!(
            audited, both,
            "every account exactly once among {count} shards"
        );
    }
}
