use crate::cli::{ChecksArgs, Format};
use crate::commands::config::load;
use crate::exit;
use tomwatch_engine::config::Config;

/// Lists the catalogue as the effective baseline places it: control, severity, and whether a
/// config disabled the check (and why).
pub fn run(args: ChecksArgs) -> u8 {
    let config = match &args.config {
        Some(path) => match load(path) {
            Some(config) => config,
            None => return exit::USAGE,
        },
        None => Config::default(),
    };
    let baseline = &config.policy.baseline;
    // Control IDs are matched as the baseline spells them, whatever the case typed.
    let control = match &args.control {
        Some(typed) => match baseline
            .controls
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(typed))
        {
            Some(control) => Some(control.id.as_str()),
            None => {
                let known: Vec<&str> = baseline.controls.iter().map(|c| c.id.as_str()).collect();
                eprintln!(
                    "error: unknown control `{typed}`; known controls: {}",
                    known.join(", ")
                );
                return exit::USAGE;
            }
        },
        None => None,
    };
    let rules: Vec<_> = baseline
        .rules
        .iter()
        .filter(|r| control.is_none_or(|c| &*r.control == c))
        .collect();
    match args.format {
        Format::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    let control = baseline.control(&r.control);
                    serde_json::json!({
                        "id": r.check.meta.id,
                        "control": r.control,
                        "control_title": control.map(|c| c.title.as_str()),
                        "section": control.map(|c| c.section.as_str()),
                        "severity": r.severity,
                        "title": r.check.meta.title,
                        "resource_type": r.check.meta.resource_type,
                        "remediation": r.remediation,
                        "enabled": r.disabled.is_none(),
                        "disabled_reason": r.disabled,
                        "beyond_tom": r.beyond_tom,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        Format::Table => {
            // IDs are printed whole (suppressions and `disable` name them): the column fits the longest.
            let id_width = rules
                .iter()
                .map(|r| r.check.meta.id.len())
                .max()
                .unwrap_or_default()
                .max("CHECK".len());
            println!(
                "{:<id_width$} {:<15} {:<9} TITLE",
                "CHECK", "CONTROL", "SEVERITY"
            );
            for r in &rules {
                // `+` marks a check that asks more than the TOM's words (off unless enabled).
                let mark = if r.beyond_tom.is_some() { "+ " } else { "" };
                let title = match &r.disabled {
                    Some(_) if r.is_off_beyond_tom() => {
                        format!("{mark}{} [off: beyond the TOM]", r.check.meta.title)
                    }
                    Some(reason) => format!("{mark}{} [disabled: {reason}]", r.check.meta.title),
                    None => format!("{mark}{}", r.check.meta.title),
                };
                println!(
                    "{:<id_width$} {:<15} {:<9} {title}",
                    r.check.meta.id,
                    r.control,
                    r.severity.as_str(),
                );
            }
            if baseline.rules.iter().any(|r| r.beyond_tom.is_some()) {
                println!(
                    "\n+ goes beyond the TOM's words: off by default, turn on with `baseline.enable: [<check>]` (`--format json` says what each adds)"
                );
            }
            if rules.iter().any(|r| &*r.control == "TOM-REGION") {
                println!(
                    "\n{}",
                    allowed_regions_line(&baseline.params.allowed_regions)
                );
            }
        }
    }
    exit::COMPLIANT
}

/// Which regions TOM-REGION admits, and why when it is the built-in default.
fn allowed_regions_line(regions: &tomwatch_checks::RegionPolicy) -> String {
    let why = if regions.patterns() == tomwatch_checks::EU_MEMBER_STATE_REGIONS {
        "the AWS regions in member states of the European Union; eu-west-2 (London) and \
         eu-central-2 (Zurich) are outside it"
    } else {
        "as baseline.parameters.allowed_regions sets them"
    };
    format!("TOM-REGION allows {} ({why})", regions.describe())
}
