//! Invariant 3, enforced: a collector never turns a missing value into a default.
//!
//! A field AWS documents as always present is read with `ok_or_else(|| caller.missing(..))` (a missing one is a
//! collection error, so the findings that need it are UNKNOWN). Every other `unwrap_or*` in the
//! collectors must say on its line (or in a comment line just above) why a default is right there: `// default: <why>` (a display
//! name, AWS's documented default, a message text).

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_default_in_a_collector_says_why() {
    let mut files = Vec::new();
    sources(&manifest_dir().join("src"), &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut unexplained = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        // Test code builds values by hand; only the production part of a file is held to this.
        // A test module in a file of its own says so with `#![cfg(test)]`.
        if text.contains("\n#![cfg(test)]") {
            continue;
        }
        let production = text.split("#[cfg(test)]").next().unwrap_or_default();
        let lines: Vec<&str> = production.lines().collect();
        for (number, line) in lines.iter().enumerate() {
            let said_above =
                number > 0 && lines[number - 1].trim_start().starts_with("// default: ");
            if line.contains(".unwrap_or") && !line.contains("// default: ") && !said_above {
                unexplained.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "read a field AWS always sends with `.ok_or_else(|| caller.missing(OP, \"Field\"))`, or say `// default: <why>`:\n{}",
        unexplained.join("\n")
    );
}

/// The crate's directory as cargo hands it to the running test: `env!` would bake in the path of
/// the checkout that built the binary, which a target directory shared between checkouts (CI's,
/// under `$HOME/.cache`) reuses for another checkout without rebuilding.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}
