use crate::cli::{DiffArgs, DiffFormat};
use crate::exit;
use std::path::Path;
use tomwatch_report::diff::AuditDiff;
use tomwatch_report::AuditDocument;

pub fn run(args: DiffArgs) -> u8 {
    let (Some(old), Some(new)) = (read(&args.old), read(&args.new)) else {
        return exit::USAGE;
    };
    let diff = AuditDiff::between(&old, &new);
    match args.format {
        DiffFormat::Text => print!("{}", diff.to_text()),
        DiffFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diff).unwrap_or_default()
        ),
    }
    if diff.has_new_failures() {
        exit::FAILING
    } else {
        exit::COMPLIANT
    }
}

fn read(path: &Path) -> Option<AuditDocument> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| eprintln!("error: cannot read {}: {e}", path.display()))
        .ok()?;
    AuditDocument::from_json(&text)
        .map_err(|e| {
            eprintln!(
                "error: {}: {e} (write one with `tomwatch audit --format json`)",
                path.display()
            )
        })
        .ok()
}
