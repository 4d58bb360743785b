//! The HTML evidence report as a browser renders it: headless Chromium (Debian's `chromium`)
//! loads the demo estate's golden report from disk, with the network closed by the page's own
//! Content-Security-Policy, and the test checks what the auditor must see.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{repo_root, scratch_dir};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 3000;

/// Chromium as the machine's probe runs it: headless, no sandbox as root, and nothing that
/// reaches out to Google's hosts on this closed network.
fn chromium(profile: &Path) -> Command {
    let mut command = Command::new("chromium");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn report() -> PathBuf {
    repo_root().join("tests/golden/demo/report.html")
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn screenshot(page: &str, dir: &Path, name: &str) -> Vec<u8> {
    let png = dir.join(name);
    let output = chromium(&dir.join(format!("profile-{name}")))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(page)
        .output()
        .expect("chromium runs (Debian package `chromium`; scripts/test installs it)");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&png).expect("screenshot written")
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (be(16), be(20))
}

#[test]
fn chromium_renders_the_report_with_every_control_its_verdict_and_what_was_not_verified() {
    let dir = scratch_dir("html-report");
    let output = chromium(&dir.join("profile-dom"))
        .args(["--dump-dom", &url(&report())])
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    // The DOM after parsing and layout: what a reader sees, not only what the file says.
    let audit: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/golden/demo/audit.json"))
            .expect("the recorded audit"),
    )
    .expect("json");
    let controls = audit["controls"].as_array().expect("controls");
    assert_eq!(controls.len(), 12, "the TOM's twelve controls");
    for control in controls.iter().filter_map(|c| c["id"].as_str()) {
        assert!(
            dom.contains(&format!("<section class=\"control\" id=\"{control}\">")),
            "no section for {control}"
        );
    }
    for expected in [
        "<h1>TOM evidence report</h1>",
        "<section id=\"summary\">",
        "<span class=\"badge fail\">FAIL</span>",
        "BSI C5:2020",
        "ISO/IEC 27001:2022 Annex A",
        "<section id=\"suppressions\">",
        "<section id=\"not-verified\">",
        "Random UUIDs as identifiers",
        "Remediation: ",
        "FAIL (suppressed)",
    ] {
        assert!(dom.contains(expected), "the rendered page lacks {expected}");
    }
    assert!(!dom.contains("<script"), "the report must run no script");
}

#[test]
fn the_screenshot_shows_a_page_not_an_empty_window() {
    let dir = scratch_dir("html-screenshot");
    let blank_page = dir.join("blank.html");
    std::fs::write(&blank_page, "<!DOCTYPE html><html><body></body></html>").expect("write");
    let report = screenshot(&url(&report()), &dir, "report.png");
    let blank = screenshot(&url(&blank_page), &dir, "blank.png");
    assert_eq!(png_size(&report), (WIDTH, HEIGHT));
    // Text, tables and badges compress far worse than an empty white window of the same size.
    assert!(
        report.len() > 10 * blank.len(),
        "the report's screenshot ({} bytes) is not much more than a blank page's ({} bytes): it did not render",
        report.len(),
        blank.len()
    );
}
