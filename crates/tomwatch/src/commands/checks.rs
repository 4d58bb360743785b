use crate::cli::{ChecksArgs, Format};
use crate::exit;
use tomwatch_checks::{all_checks, controls};

pub fn run(args: ChecksArgs) -> u8 {
    if let Some(control) = &args.control {
        if controls::find(control).is_none() {
            let known: Vec<&str> = controls::ALL.iter().map(|c| c.id).collect();
            eprintln!(
                "error: unknown control `{control}`; known controls: {}",
                known.join(", ")
            );
            return exit::USAGE;
        }
    }
    let checks: Vec<_> = all_checks()
        .iter()
        .filter(|c| {
            args.control
                .as_deref()
                .is_none_or(|control| c.meta.control == control)
        })
        .collect();
    match args.format {
        Format::Json => {
            let list: Vec<_> = checks
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.meta.id, "control": c.meta.control, "severity": c.meta.severity,
                        "title": c.meta.title, "resource_type": c.meta.resource_type,
                        "remediation": c.meta.remediation,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        Format::Table => {
            println!("{:<44} {:<13} {:<9} TITLE", "CHECK", "CONTROL", "SEVERITY");
            for c in checks {
                println!(
                    "{:<44} {:<13} {:<9} {}",
                    c.meta.id,
                    c.meta.control,
                    c.meta.severity.as_str(),
                    c.meta.title
                );
            }
        }
    }
    exit::COMPLIANT
}
