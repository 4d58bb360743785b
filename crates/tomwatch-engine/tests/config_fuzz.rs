//! Fuzzes the config loader: every text a user could write (or mangle) loads, or fails with
//! problems located at a line and column of the file, and never panics.
//!
//! The seeds are the config fixtures (`config/fixtures/`, `config/*.yaml`) and the kept corpus
//! (`tests/config_fuzz/corpus/`, inputs that once broke the loader or hit its edges). Each case
//! mangles a seed with YAML-aware edits. CI runs the default number of cases (a few seconds);
//! `TOMWATCH_FUZZ_CASES=200000 cargo test -p tomwatch-engine --test config_fuzz` runs longer.
//! A failing case is shrunk and its seed kept in `config_fuzz.proptest-regressions`, which is
//! committed and replayed first on every run; move the shrunk input into the corpus with a name.

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, FileFailurePersistence};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tomwatch_engine::config::{Config, ConfigError, Regions};

fn repo() -> PathBuf {
    manifest_dir().join("../..")
}

/// (path, text) of every seed. The path is the seed's own, so a baseline file it names resolves.
fn seeds() -> &'static [(PathBuf, String)] {
    static SEEDS: std::sync::OnceLock<Vec<(PathBuf, String)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let dirs = [
            repo().join("config/fixtures"),
            repo().join("config"),
            manifest_dir().join("tests/config_fuzz/corpus"),
        ];
        let mut seeds: Vec<_> = dirs
            .iter()
            .flat_map(|dir| std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")))
            .map(|entry| entry.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("seed readable");
                (p, text)
            })
            .collect();
        seeds.sort();
        assert!(seeds.len() >= 30, "{} seeds", seeds.len());
        seeds
    })
}

/// Pieces a mangled config is made of: YAML syntax, the config's keys, and values at the edges
/// of their types.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "\t",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "!custom ",
    "---\n",
    "...\n",
    "# ",
    "|\n",
    ">-\n",
    "? ",
    "%YAML 1.1\n",
    "accounts:",
    "regions:",
    "scan:",
    "schedule:",
    "baseline:",
    "suppressions:",
    "id:",
    "role_arn:",
    "external_id:",
    "environment:",
    "concurrency:",
    "region_concurrency:",
    "unit_timeout_seconds:",
    "api_attempt_timeout_seconds:",
    "api_max_attempts:",
    "interval:",
    "jitter:",
    "file:",
    "enable:",
    "disable:",
    "parameters:",
    "check:",
    "resource:",
    "reason:",
    "owner:",
    "expires:",
    "-1",
    "0",
    "1",
    "4294967296",
    "18446744073709551616",
    "1e309",
    "-0.0",
    ".nan",
    ".inf",
    "null",
    "~",
    "true",
    "0x10",
    "0o17",
    "012345678901",
    "\"012345678901\"",
    "1ns",
    "999999999999999999d",
    "59m 61s",
    "eu-central-1",
    "EU-CENTRAL-1",
    "all",
    "*",
    "arn:aws:iam::111111111111:role/x",
    "arn:aws-cn:iam::111111111111:role/x",
    "2026-02-30",
    "9999-12-31",
    "é",
    "\u{200b}",
    "\u{feff}",
    "\u{1F600}",
    "\u{0}",
    "\u{7f}",
    "\\u0000",
    "\r\n",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert { at: usize, token: usize },
    Delete { at: usize, len: usize },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Indent { line: usize, by: usize },
    Truncate { at: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Edit::Insert { at, token }),
        2 => (any::<usize>(), 1usize..12).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
        1 => (any::<usize>(), 1usize..5).prop_map(|(line, by)| Edit::Indent { line, by }),
        1 => any::<usize>().prop_map(|at| Edit::Truncate { at }),
    ]
}

/// Applies `edit` on character boundaries, so the text stays UTF-8 as a file read with
/// `read_to_string` would.
fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let pos = |at: usize| {
        if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        }
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    let line = |i: usize| i % lines.len().max(1);
    match edit {
        Edit::Insert { at, token } => {
            let at = pos(*at);
            let mut out: String = chars[..at].iter().collect();
            out.push_str(TOKENS[*token]);
            out.extend(&chars[at..]);
            out
        }
        Edit::Delete { at, len } => {
            let at = pos(*at);
            let end = (at + len).min(chars.len());
            chars[..at].iter().chain(&chars[end..]).collect()
        }
        Edit::Truncate { at } => chars[..pos(*at)].iter().collect(),
        Edit::DuplicateLine { line: i } => {
            let i = line(*i);
            lines.insert(i, lines[i]);
            lines.join("\n")
        }
        Edit::SwapLines { a, b } => {
            let (a, b) = (line(*a), line(*b));
            lines.swap(a, b);
            lines.join("\n")
        }
        Edit::Indent { line: i, by } => {
            let i = line(*i);
            let indented = format!("{}{}", " ".repeat(*by), lines[i]);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out[i] = indented;
            out.join("\n")
        }
    }
}

fn mangled() -> impl Strategy<Value = (PathBuf, String)> {
    (0..seeds().len(), prop::collection::vec(edit(), 1..8)).prop_map(|(seed, edits)| {
        let (path, text) = &seeds()[seed];
        let text = edits.iter().fold(text.clone(), |t, e| apply(&t, e));
        (path.clone(), text)
    })
}

/// What must hold of every outcome of the loader, for any text.
fn check_outcome(path: &Path, text: &str, outcome: &Result<Config, Vec<ConfigError>>) {
    match outcome {
        Ok(config) => {
            // Everything the daemon derives from a loaded config can be built: no overflow,
            // no semaphore over its ceiling, no zero that would stall a scan.
            let interval = config.schedule.interval();
            assert!(interval >= Duration::from_secs(1), "{interval:?}");
            let jitter = config.schedule.jitter.value;
            assert!((0.0..=1.0).contains(&jitter), "{jitter}");
            let longest = interval.mul_f64(1.0 + jitter);
            assert!(Instant::now().checked_add(longest).is_some());
            let scan = &config.scan;
            for permits in [scan.concurrency.value, scan.region_concurrency.value] {
                assert!((1..=tokio::sync::Semaphore::MAX_PERMITS).contains(&permits));
                let semaphore = tokio::sync::Semaphore::new(permits);
                assert_eq!(semaphore.available_permits(), permits);
            }
            for seconds in [
                scan.unit_timeout_seconds.value,
                scan.api_attempt_timeout_seconds.value,
            ] {
                assert!(seconds >= 1);
                assert!(Instant::now()
                    .checked_add(Duration::from_secs(seconds))
                    .is_some());
            }
            assert!(scan.api_max_attempts.value >= 1);
            for account in &config.accounts {
                let id = &account.id.value;
                assert!(
                    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
                    "{id}"
                );
            }
            if let Regions::List(list) = &config.regions {
                assert!(list.iter().all(|r| r.value.is_ascii()));
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "an error without a problem");
            let lines = text.split('\n').count() as u32;
            for problem in problems {
                let shown = problem.to_string();
                assert!(!problem.message.trim().is_empty(), "empty message");
                assert!(!shown.contains("panicked"), "{shown}");
                // A problem in a baseline file the config names is located in that file.
                if problem.file != path {
                    assert!(problem.line.is_some(), "{shown}");
                    continue;
                }
                let (Some(line), Some(column)) = (problem.line, problem.column) else {
                    panic!("a problem without line and column: {shown}\n--- config:\n{text}");
                };
                assert!(
                    (1..=lines + 1).contains(&line) && column >= 1,
                    "{shown} is outside the {lines}-line file:\n{text}"
                );
            }
        }
    }
}

fn runner_config() -> RunnerConfig {
    let cases = std::env::var("TOMWATCH_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    RunnerConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..RunnerConfig::default()
    }
}

proptest! {
    #![proptest_config(runner_config())]

    #[test]
    fn a_mangled_config_loads_or_says_where_it_is_wrong((path, text) in mangled()) {
        let outcome = Config::parse(&path, &text);
        check_outcome(&path, &text, &outcome);
        // The same text, the same answer: no state leaks from one load into the next.
        let again = Config::parse(&path, &text);
        prop_assert_eq!(
            outcome.as_ref().err().cloned(),
            again.as_ref().err().cloned()
        );
    }
}

/// The seeds themselves, unmangled: each loads or fails as checked above, so a new fixture is
/// held to the same rule even before a mutation reaches it.
#[test]
fn every_seed_loads_or_says_where_it_is_wrong() {
    for (path, text) in seeds() {
        check_outcome(path, text, &Config::parse(path, text));
    }
}

/// The crate's directory as cargo hands it to the running test: `env!` would bake in the path of
/// the checkout that built the binary, which a target directory shared between checkouts (CI's,
/// under `$HOME/.cache`) reuses for another checkout without rebuilding.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}
