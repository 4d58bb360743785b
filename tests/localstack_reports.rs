//! `tomwatch audit` writing every report format in one run against the demo estate in
//! LocalStack: signed, verified, tampered with, compared with `tomwatch diff`, and the FAILs
//! exported to Security Hub (moto's, served by the project's LocalStack extension).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{repo_root, run, scratch_dir, tomwatch, Estate};

fn estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| Estate::seed("reports"))
}

fn key(name: &str) -> PathBuf {
    repo_root().join("crates/tomwatch-report/tests").join(name)
}

struct Reports {
    dir: PathBuf,
    code: i32,
    stdout: String,
    stderr: String,
}

impl Reports {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn json(&self, name: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(name)).expect("report written"))
            .expect("JSON")
    }
}

/// One audit writing all formats, signed, with the FAILs sent to Security Hub.
fn reports() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let estate = estate();
        let dir = scratch_dir("reports");
        let mut command = estate.tomwatch();
        command
            .arg("audit")
            .arg("--config")
            .arg(estate.config(""))
            .arg("--format")
            .arg(format!("json={}", dir.join("audit.json").display()))
            .args(["--format", "ocsf", "--output"])
            .arg(dir.join("audit.ocsf.json"))
            .args(["--format", "junit", "--output"])
            .arg(dir.join("audit.junit.xml"))
            .arg("--format")
            .arg(format!("csv={}", dir.join("audit.csv").display()))
            .arg("--format")
            .arg(format!("html={}", dir.join("audit.html").display()))
            .args(["--format", "table", "--sign"])
            .arg(key("test-signing-key.pem"))
            .args(["--export", "securityhub"]);
        let (code, stdout, stderr) = run(&mut command);
        Reports {
            dir,
            code,
            stdout,
            stderr,
        }
    })
}

#[test]
fn one_run_writes_every_format_and_they_agree_on_the_findings() {
    let reports = reports();
    assert_eq!(reports.code, 1, "planted FAILs: {}", reports.stderr);
    assert!(reports.stdout.contains("TOM-"), "the table goes to stdout");
    let audit = reports.json("audit.json");
    let findings = audit["findings"].as_array().expect("findings").len();
    assert!(findings > 500, "{findings} findings");
    assert_eq!(
        reports.json("audit.ocsf.json").as_array().map(Vec::len),
        Some(findings)
    );
    let csv = std::fs::read_to_string(reports.path("audit.csv")).expect("csv");
    // Header, one row per finding, the integrity line (no field spans lines in the demo).
    assert_eq!(csv.lines().count(), findings + 2);
    let junit = std::fs::read_to_string(reports.path("audit.junit.xml")).expect("junit");
    assert_eq!(junit.matches("<testcase ").count(), findings);
    let html = std::fs::read_to_string(reports.path("audit.html")).expect("html");
    for control in audit["controls"].as_array().expect("controls") {
        let id = control["id"].as_str().expect("id");
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "{id} missing in the HTML"
        );
    }
    let config = audit["config"]["sha256"].as_str().expect("config digest");
    assert_eq!(config.len(), 64);
    assert_eq!(audit["integrity"]["config_sha256"], config);
    assert_eq!(
        audit["integrity"]["baseline_sha256"],
        audit["baseline"]["sha256"]
    );
}

fn verify(report: &Path) -> (i32, String, String) {
    run(tomwatch()
        .arg("verify")
        .arg(report)
        .arg("--public-key")
        .arg(key("test-signing-key.pub.pem")))
}

#[test]
fn every_report_verifies_and_an_edited_one_does_not() {
    let reports = reports();
    for name in [
        "audit.json",
        "audit.ocsf.json",
        "audit.junit.xml",
        "audit.csv",
        "audit.html",
    ] {
        let (code, stdout, stderr) = verify(&reports.path(name));
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");
        assert!(
            stdout.contains("intact") && stdout.contains("the given key"),
            "{stdout}"
        );
        let text = std::fs::read_to_string(reports.path(name)).expect("report");
        let edited = reports.path(&format!("edited-{name}"));
        // The kind of edit someone would make: one failure turned into a pass (JUnit spells a
        // failure as an element).
        let changed = if text.contains("<failure ") {
            text.replacen("<failure ", "<skipped ", 1)
        } else {
            text.replacen("FAIL", "PASS", 1)
        };
        assert_ne!(changed, text, "{name}: nothing to edit");
        std::fs::write(&edited, changed).expect("write");
        let (code, _, stderr) = verify(&edited);
        assert_eq!(code, 1, "{name}: the edit went unnoticed");
        assert!(stderr.contains("NOT intact"), "{stderr}");
    }
}

#[test]
fn diff_lists_what_changed_between_two_audits() {
    let reports = reports();
    let mut later = reports.json("audit.json");
    let findings = later["findings"].as_array_mut().expect("findings");
    // Both chosen before either changes, or the fixed one would be the first PASS.
    let fixed = findings
        .iter()
        .position(|f| f["status"] == "FAIL" && f["suppressed"] == false)
        .expect("a FAIL");
    let broken = findings
        .iter()
        .position(|f| f["status"] == "PASS")
        .expect("a PASS");
    findings[fixed]["status"] = "PASS".into();
    findings[broken]["status"] = "FAIL".into();
    let later_path = reports.path("later.json");
    std::fs::write(&later_path, later.to_string()).expect("write");
    let (code, stdout, stderr) = run(tomwatch()
        .arg("diff")
        .arg(reports.path("audit.json"))
        .arg(&later_path)
        .args(["--format", "json"]));
    assert_eq!(code, 1, "something newly fails: {stderr}");
    let diff: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(diff["fixed"].as_array().map(Vec::len), Some(1));
    assert_eq!(diff["newly_failing"].as_array().map(Vec::len), Some(1));
    assert_eq!(diff["newly_failing"][0]["before"], "PASS");
    let (code, _, stderr) = run(tomwatch()
        .arg("diff")
        .arg(reports.path("audit.csv"))
        .arg(&later_path));
    assert_eq!(code, 2);
    assert!(stderr.contains("tomwatch audit --format json"), "{stderr}");
}

#[test]
fn the_fails_of_each_account_are_in_its_security_hub() {
    let reports = reports();
    let estate = estate();
    let audit = reports.json("audit.json");
    for account in [&estate.prod, &estate.dev] {
        // Account-wide findings go to the home region (AWS_REGION, eu-central-1).
        let expected = audit["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["status"] == "FAIL" && f["account_id"] == account.as_str())
            .filter(|f| f["region"] == "eu-central-1" || f["region"] == "global")
            .count();
        let imported = estate.python(&format!(
            "hub = client('securityhub', account='{account}')\n\
             pages = hub.get_paginator('get_findings').paginate()\n\
             print(sum(len(p['Findings']) for p in pages))"
        ));
        assert!(expected > 0);
        assert_eq!(
            imported.trim(),
            expected.to_string(),
            "account {account}: {}",
            reports.stderr
        );
    }
    assert!(
        reports.stderr.contains("Security Hub:"),
        "{}",
        reports.stderr
    );
}

#[test]
fn progress_shows_on_a_terminal_and_never_in_a_pipe() {
    let estate = estate();
    let config = estate.config("");
    let audit = format!(
        "{} audit --config {} --region eu-central-1 --format json=/dev/null",
        env!("CARGO_BIN_EXE_tomwatch"),
        config.display()
    );
    // `script` gives the audit a terminal, as an operator's shell would.
    let mut on_tty = Command::new("script");
    on_tty.args(["-qec", &audit, "/dev/null"]);
    for (name, value) in estate.tomwatch().get_envs() {
        if let Some(value) = value {
            on_tty.env(name, value);
        }
    }
    let (_, terminal, _) = run(&mut on_tty);
    assert!(
        terminal.contains("units ("),
        "no progress on a terminal: {terminal}"
    );
    let (_, _, piped) = run(estate
        .tomwatch()
        .args([
            "audit",
            "--region",
            "eu-central-1",
            "--format",
            "json=/dev/null",
            "--config",
        ])
        .arg(&config));
    assert!(!piped.contains("units ("), "progress in a pipe: {piped}");
}
