//! What deploy/ ships is valid, tested, and agrees with the code: the rules (promtool), the
//! routing (amtool), the PrometheusRule, the dashboard, the Kubernetes base, the systemd units,
//! the IAM policy and the cross-account role (deployed to LocalStack's CloudFormation).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{repo_root, run, scratch_dir, tomwatch, Estate};

fn deploy(path: &str) -> PathBuf {
    repo_root().join("deploy").join(path)
}

/// Runs a tool and returns its combined output, asserting it succeeded.
fn succeeds(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run ({e}); scripts/test installs the tools"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{said}");
    said
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn deploy_python() -> PathBuf {
    let python = deploy(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run deploy/venv (scripts/test does)",
        python.display()
    );
    python
}

#[test]
fn the_rules_are_clean_and_their_unit_tests_pass() {
    let rules = deploy("prometheus/tomwatch.rules.yml");
    let said = succeeds(
        Command::new("promtool")
            .args(["check", "rules"])
            .arg(&rules),
        "promtool check rules",
    );
    assert!(said.contains("SUCCESS"), "{said}");
    let tests: Vec<PathBuf> = std::fs::read_dir(deploy("prometheus/tests"))
        .expect("rule tests")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.yml"))
        .collect();
    assert!(tests.len() >= 2, "{tests:?}");
    succeeds(
        Command::new("promtool")
            .args(["test", "rules"])
            .args(&tests),
        "promtool test rules",
    );
}

#[test]
fn every_alert_is_labelled_annotated_and_has_a_runbook_section() {
    let rules = yaml(&deploy("prometheus/tomwatch.rules.yml"));
    let runbook = std::fs::read_to_string(repo_root().join("docs/RUNBOOK.md")).expect("runbook");
    let sections: Vec<String> = runbook
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut alerts = 0;
    for group in rules["groups"].as_array().expect("groups") {
        for rule in group["rules"].as_array().expect("rules") {
            let Some(name) = rule["alert"].as_str() else {
                continue;
            };
            alerts += 1;
            let severity = rule["labels"]["severity"].as_str().unwrap_or_default();
            assert!(
                ["page", "ticket"].contains(&severity),
                "{name}: severity {severity:?}"
            );
            for key in ["summary", "description", "runbook_url"] {
                assert!(
                    rule["annotations"][key]
                        .as_str()
                        .is_some_and(|s| !s.is_empty()),
                    "{name} lacks {key}"
                );
            }
            let url = rule["annotations"]["runbook_url"]
                .as_str()
                .unwrap_or_default();
            let anchor = url.rsplit_once("docs/RUNBOOK.md#").map(|(_, a)| a);
            assert_eq!(anchor, Some(name.to_lowercase().as_str()), "{name}: {url}");
            assert!(
                sections.contains(&name.to_lowercase()),
                "docs/RUNBOOK.md has no section `## {name}`"
            );
        }
    }
    assert!(alerts >= 11, "{alerts} alerts");
}

#[test]
fn the_prometheusrule_carries_exactly_the_tested_rules() {
    let rules = yaml(&deploy("prometheus/tomwatch.rules.yml"));
    let resource = yaml(&deploy("kubernetes/base/prometheusrule.yaml"));
    assert_eq!(resource["kind"], "PrometheusRule");
    assert_eq!(
        resource["spec"]["groups"], rules["groups"],
        "deploy/kubernetes/base/prometheusrule.yaml differs from the rules: run deploy/kubernetes/generate-prometheusrule"
    );
}

#[test]
fn the_alertmanager_config_is_valid_and_routes_pages_by_environment() {
    let config = deploy("alertmanager/alertmanager.yml");
    succeeds(
        Command::new("amtool").arg("check-config").arg(&config),
        "amtool check-config",
    );
    let route = |labels: &[&str]| {
        let said = succeeds(
            Command::new("amtool")
                .args(["config", "routes", "test", "--config.file"])
                .arg(&config)
                .args(labels),
            "amtool config routes test",
        );
        said.lines()
            .filter(|l| !l.starts_with("Warning"))
            .collect::<Vec<_>>()
            .join("")
            .trim()
            .to_string()
    };
    let page = ["alertname=TomwatchControlViolated", "severity=page"];
    assert_eq!(
        route(&[page[0], page[1], "environment=production"]),
        "pager"
    );
    assert_eq!(
        route(&[page[0], page[1], "environment=development"]),
        "tickets"
    );
    assert_eq!(
        route(&[
            "alertname=TomwatchFailureOpenTooLong",
            "severity=ticket",
            "environment=production"
        ]),
        "tickets"
    );
    assert_eq!(
        route(&["alertname=TomwatchDown", "severity=ticket"]),
        "tickets"
    );
}

#[test]
fn the_dashboard_is_generated_from_its_source() {
    succeeds(
        Command::new(deploy_python())
            .arg(deploy("grafana/generate.py"))
            .arg("--check"),
        "deploy/grafana/generate.py --check (the committed dashboard is out of date)",
    );
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(deploy("grafana/dashboards/tomwatch.json")).expect("dashboard"),
    )
    .expect("dashboard JSON");
    let variables: Vec<&str> = dashboard["templating"]["list"]
        .as_array()
        .expect("variables")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(
        variables,
        ["datasource", "environment", "account", "control"]
    );
    let provisioning = yaml(&deploy("grafana/provisioning/dashboards/tomwatch.yaml"));
    assert_eq!(provisioning["providers"][0]["type"], "file");
}

#[test]
fn the_kubernetes_base_and_sharded_overlay_validate_offline_and_the_config_is_valid() {
    let said = succeeds(
        Command::new(deploy_python()).arg(deploy("kubernetes/validate.py")),
        "deploy/kubernetes/validate.py",
    );
    assert!(said.contains("base 7, sharded 7 resources valid"), "{said}");
    let (code, out, err) = run(tomwatch()
        .args(["config", "validate", "--config"])
        .arg(deploy("kubernetes/base/tomwatch.yaml")));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn the_systemd_units_verify_and_are_hardened() {
    let dir = scratch_dir("systemd");
    let binary = env!("CARGO_BIN_EXE_tomwatch");
    let mut units = Vec::new();
    for unit in [
        "tomwatch.service",
        "tomwatch-audit.service",
        "tomwatch-audit.timer",
    ] {
        let text = std::fs::read_to_string(deploy(&format!("systemd/{unit}"))).expect("unit");
        // Verified against the binary under test, wherever cargo put it.
        let path = dir.join(unit);
        std::fs::write(&path, text.replace("/usr/local/bin/tomwatch", binary)).expect("write");
        units.push(path);
    }
    succeeds(
        Command::new("systemd-analyze").arg("verify").args(&units),
        "systemd-analyze verify",
    );
    // systemd counts exposure in tenths: 20 is an overall exposure of 2.0 of 10 ("OK").
    for service in &units[..2] {
        let said = succeeds(
            Command::new("systemd-analyze")
                .args(["security", "--offline=yes", "--threshold=20"])
                .arg(service),
            "systemd-analyze security (exposure above 2.0 of 10)",
        );
        assert!(said.contains("Overall exposure level"), "{said}");
    }
}

#[test]
fn the_iam_files_are_the_codes_policy_and_the_audit_role_deploys() {
    let (code, printed, err) = run(tomwatch().arg("iam-policy"));
    assert_eq!(code, 0, "{err}");
    let policy: Value = serde_json::from_str(&printed).expect("policy JSON");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(deploy("iam/tomwatch-readonly-policy.json")).expect("policy file"),
    )
    .expect("committed policy JSON");
    assert_eq!(
        committed, policy,
        "deploy/iam/tomwatch-readonly-policy.json differs from `tomwatch iam-policy`: run deploy/iam/generate"
    );
    let template_path = deploy("iam/audit-role.cfn.yaml");
    let template = yaml(&template_path);
    let role = &template["Resources"]["AuditRole"]["Properties"];
    assert_eq!(
        role["Policies"][0]["PolicyDocument"], policy,
        "audit-role.cfn.yaml's policy differs from `tomwatch iam-policy`: run deploy/iam/generate"
    );
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"]["Ref"],
        "ExternalId"
    );

    // The template deploys, and the role it makes holds the policy.
    let estate = Estate::seed_compliant("iam-role");
    let auditor = format!("arn:aws:iam::{}:role/tomwatch", estate.prod);
    let outputs = estate.deploy_stack(
        "PROD",
        "eu-central-1",
        "tomwatch-audit-role",
        &template_path,
        &[
            ("AuditorPrincipalArn", &auditor),
            ("ExternalId", "tomwatch-tests-external-id"),
        ],
    );
    assert_eq!(
        outputs["RoleArn"],
        format!("arn:aws:iam::{}:role/tomwatch-audit", estate.prod)
    );
    let answer = estate.python(
        "import json\n\
         document = client('iam').get_role_policy(RoleName='tomwatch-audit', PolicyName='tomwatch-readonly')['PolicyDocument']\n\
         print(json.dumps({'policy': document}))",
    );
    let answer: Value = serde_json::from_str(&answer).expect("role policy");
    assert_eq!(
        answer["policy"]["Statement"][0]["Action"], policy["Statement"][0]["Action"],
        "{answer}"
    );
}

#[test]
fn the_event_templates_carry_the_codes_pattern_and_grant_only_the_queue_actions() {
    let (code, printed, err) = run(tomwatch().arg("event-pattern"));
    assert_eq!(code, 0, "{err}");
    let pattern: Value = serde_json::from_str(&printed).expect("pattern JSON");
    assert_eq!(
        pattern["source"][0]["prefix"], "aws.",
        "only AWS itself may trigger work"
    );
    let sources = pattern["detail"]["eventSource"]
        .as_array()
        .expect("event sources");
    for events in tomwatch_model::change_events::CHANGE_EVENTS {
        assert!(
            sources.iter().any(|s| s == events.event_source),
            "{} is missing from the pattern",
            events.event_source
        );
    }
    let central = yaml(&deploy("events/central.cfn.yaml"));
    let member = yaml(&deploy("events/member.cfn.yaml"));
    let rules = [
        &central["Resources"]["LocalChangesRule"],
        &central["Resources"]["ForwardedChangesRule"],
        &member["Resources"]["ForwardRule"],
    ];
    for rule in rules {
        assert_eq!(
            rule["Properties"]["EventPattern"], pattern,
            "a rule's pattern differs from `tomwatch event-pattern`: run deploy/events/generate"
        );
    }
    // The queue accepts messages from the two rules alone, and tomwatch may only read and
    // delete them: exactly the actions the queue reader calls.
    let statement =
        &central["Resources"]["QueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(statement["Action"], "sqs:SendMessage");
    let senders = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        .as_array()
        .expect("source ARNs");
    assert_eq!(senders.len(), 2, "{senders:?}");
    let reader =
        &central["Resources"]["ReaderPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    let granted: Vec<&str> = reader["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(granted, tomwatch_aws::permissions::EVENT_QUEUE_ACTIONS);
    assert_eq!(reader["Resource"]["Fn::GetAtt"][0], "Queue");
}
