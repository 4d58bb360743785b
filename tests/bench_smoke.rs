//! The benchmark harness (bench/) once, at its smallest size, as a smoke test: it must seed,
//! audit with and without latency, replay, cross-check the counters and find exactly the
//! planted violations. Not a timed test: the figures are BENCHMARKS.md's, from `bench/run`.

mod support;

use serde_json::Value;
use std::process::Command;
use support::{localstack, repo_root, run, scratch_dir};

#[test]
fn the_benchmark_runs_at_its_smallest_size_and_its_verdicts_are_exact() {
    localstack();
    let out = scratch_dir("bench-smoke");
    // Accounts of their own, so that a second run on the same LocalStack seeds anew.
    let base = 600_000_000_000u64 + u64::from(std::process::id()) * 10_000_000;
    let (code, table, stderr) = run(
        Command::new(repo_root().join("localstack/.venv/bin/python"))
            .arg(repo_root().join("bench/run.py"))
            .args(["--sizes", "1000x1", "--latency-ms", "40", "--repeat", "2"])
            .args(["--binary", env!("CARGO_BIN_EXE_tomwatch")])
            .arg("--out")
            .arg(&out)
            .args(["--account-base", &base.to_string()]),
    );
    assert_eq!(code, 0, "{table}\n{stderr}");
    assert!(table.contains("| 1,000 × 1 | 40ms |"), "{table}");
    let results = std::fs::read_dir(&out)
        .expect("results")
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "json"))
        .expect("a results file");
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(results.path()).expect("read"))
            .expect("json");
    let row = &results["results"][0];
    assert_eq!(row["resources"], 1000);
    for latency in ["40ms", "0ms"] {
        let run = &row[latency];
        assert_eq!(run["verdicts_exact"], true, "{latency}: {run}");
        assert_eq!(
            run["unknown"], 0,
            "{latency}: nothing is UNKNOWN on a healthy emulator"
        );
        assert!(run["requests"].as_u64().is_some_and(|n| n > 100), "{run}");
        assert!(run["emulator_bound"]["best_wall"]
            .as_f64()
            .is_some_and(|w| w > 0.0));
    }
    // tomwatch's own counters and the proxy count the same requests (AssumeRole aside).
    assert_eq!(row["40ms"]["counters_agree"], true, "{}", row["40ms"]);
    // With latency, the replay is sent through the proxy as well, every request answered.
    let via_proxy = &row["40ms"]["emulator_bound_via_proxy"];
    assert_eq!(
        via_proxy["requests"], row["40ms"]["proxy_requests"],
        "{via_proxy}"
    );
    assert!(via_proxy["best_wall"].as_f64().is_some_and(|w| w > 0.0));
    // Two rounds: the table's ratio is the median of the rounds' ratios, each kept beside it.
    for (latency, ratio) in [
        ("40ms", "ratio_to_emulator"),
        ("40ms", "ratio_via_proxy"),
        ("0ms", "ratio_to_emulator"),
    ] {
        let run = &row[latency];
        let rounds: Vec<f64> = run[format!("{ratio}_rounds")]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        assert_eq!(rounds.len(), 2, "{latency} {ratio}: {run}");
        let median = (rounds[0] + rounds[1]) / 2.0;
        let reported = run[ratio].as_f64().expect("a ratio");
        assert!(
            (reported - median).abs() < 0.011,
            "{latency} {ratio}: {run}"
        );
        assert_eq!(run["rounds"].as_array().map(Vec::len), Some(2), "{run}");
    }
}
