//! The file format of a baseline and its resolution against the check registry.

use super::{Baseline, BaselineError, Control, Framework, Rule, UnverifiedMeasure};
use crate::params::{ParameterOverrides, Parameters};
use crate::registry::find_check;
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use tomwatch_model::Severity;
use tomwatch_yaml::syntax_error;

/// A baseline file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineSpec {
    /// Short name shown in reports, e.g. `tom`.
    name: String,
    /// Format version; only 1 exists.
    version: Spanned<u32>,
    /// Values of the baseline's thresholds; omitted ones keep tomwatch's defaults.
    #[serde(default)]
    parameters: ParameterOverrides,
    /// The catalogues the controls cite (`references`), each with the names of its requirements.
    #[serde(default)]
    frameworks: Vec<FrameworkSpec>,
    controls: Vec<ControlSpec>,
    /// Measures of the TOM document that no AWS API can show, each with the reason.
    #[serde(default)]
    not_verified: Vec<UnverifiedMeasure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkSpec {
    /// The key controls cite it by, e.g. `c5_2020`.
    id: Spanned<String>,
    /// As an auditor names it, e.g. `BSI C5:2020`.
    name: String,
    /// Requirement ID -> its name in the catalogue.
    requirements: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlSpec {
    /// `TOM-...`, unique within the baseline.
    id: Spanned<String>,
    title: String,
    /// Where in the TOM document the promise is made.
    section: String,
    /// Why the promise matters, in a paragraph.
    rationale: String,
    /// What of the promise the checks cannot see, in a sentence (shown beside the verdict).
    #[serde(default)]
    limits: Option<String>,
    /// Framework ID -> the requirements of that catalogue this control gives evidence for.
    #[serde(default)]
    references: BTreeMap<String, Vec<Spanned<String>>>,
    /// The checks that give evidence for the control.
    checks: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    /// A check ID from `tomwatch checks`.
    id: Spanned<String>,
    severity: Severity,
    /// What to do about a FAIL.
    remediation: String,
    /// Set on a check that asks more than the TOM document's words promise, saying what it
    /// adds. Such a check is off until a config turns it on (`baseline.enable`).
    #[serde(default)]
    beyond_tom: Option<String>,
}

pub(super) fn parse(text: &str) -> Result<Baseline, Vec<BaselineError>> {
    let spec: BaselineSpec =
        serde_saphyr::from_str(text).map_err(|e| vec![syntax_error(&e, text).into()])?;
    let mut problems = Vec::new();
    if spec.version.value != 1 {
        problems.push(BaselineError::at(
            &spec.version.referenced,
            format!(
                "baseline version {} is not supported (only 1)",
                spec.version.value
            ),
        ));
    }
    let params = match spec.parameters.apply(Parameters::default()) {
        Ok(params) => params,
        Err(errors) => {
            problems.extend(errors);
            Parameters::default()
        }
    };
    let mut controls = Vec::new();
    let mut rules = Vec::new();
    let mut control_seen: HashMap<String, Location> = HashMap::new();
    let mut check_seen: HashMap<String, String> = HashMap::new();
    let frameworks = frameworks(spec.frameworks, &mut problems);
    for control in spec.controls {
        let id = control.id.value.clone();
        if !is_control_id(&id) {
            problems.push(BaselineError::at(
                &control.id.referenced,
                format!("control id `{id}` must look like TOM-NAME (upper case, digits, dashes)"),
            ));
        }
        if let Some(first) = control_seen.insert(id.clone(), control.id.referenced) {
            problems.push(BaselineError::at(
                &control.id.referenced,
                format!(
                    "control {id} is defined twice (first at line {})",
                    first.line()
                ),
            ));
        }
        if control.checks.is_empty() {
            problems.push(BaselineError::at(
                &control.id.referenced,
                format!("control {id} has no checks: a promise without evidence cannot be audited"),
            ));
        }
        for rule in control.checks {
            let check_id = &rule.id.value;
            let Some(check) = find_check(check_id) else {
                problems.push(BaselineError::at(
                    &rule.id.referenced,
                    format!("unknown check `{check_id}` (`tomwatch checks` lists them)"),
                ));
                continue;
            };
            if let Some(other) = check_seen.insert(check_id.clone(), id.clone()) {
                problems.push(BaselineError::at(
                    &rule.id.referenced,
                    format!("check {check_id} is already in control {other}: a check belongs to exactly one control"),
                ));
                continue;
            }
            rules.push(Rule {
                check,
                control: id.as_str().into(),
                severity: rule.severity,
                remediation: rule.remediation,
                disabled: rule
                    .beyond_tom
                    .as_ref()
                    .map(|_| super::BEYOND_TOM_OFF.to_string()),
                beyond_tom: rule.beyond_tom,
            });
        }
        let references = references(&id, control.references, &frameworks, &mut problems);
        controls.push(Control {
            id,
            title: control.title,
            section: control.section,
            rationale: control.rationale,
            limits: control.limits,
            references,
        });
    }
    if problems.is_empty() {
        Ok(Baseline {
            name: spec.name,
            format_version: spec.version.value,
            sha256: format!("{:x}", sha2::Sha256::digest(text.as_bytes())),
            controls,
            rules,
            params,
            frameworks,
            not_verified: spec.not_verified,
        })
    } else {
        Err(problems)
    }
}

fn frameworks(specs: Vec<FrameworkSpec>, problems: &mut Vec<BaselineError>) -> Vec<Framework> {
    let mut seen = HashMap::new();
    let mut frameworks = Vec::new();
    for spec in specs {
        if let Some(first) = seen.insert(spec.id.value.clone(), spec.id.referenced) {
            problems.push(BaselineError::at(
                &spec.id.referenced,
                format!(
                    "framework {} is defined twice (first at line {})",
                    spec.id.value,
                    first.line()
                ),
            ));
            continue;
        }
        frameworks.push(Framework {
            id: spec.id.value,
            name: spec.name,
            requirements: spec.requirements,
        });
    }
    frameworks
}

/// A control's citations, each checked against its framework's catalogue: a typo in a
/// requirement ID would send an auditor to the wrong page.
fn references(
    control: &str,
    cited: BTreeMap<String, Vec<Spanned<String>>>,
    frameworks: &[Framework],
    problems: &mut Vec<BaselineError>,
) -> BTreeMap<String, Vec<String>> {
    let mut references = BTreeMap::new();
    for (framework_id, requirements) in cited {
        let Some(framework) = frameworks.iter().find(|f| f.id == framework_id) else {
            let known: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
            let place = requirements
                .first()
                .map_or(Location::UNKNOWN, |r| r.referenced);
            problems.push(BaselineError::at(
                &place,
                format!(
                    "control {control} cites framework `{framework_id}`, which `frameworks` does not define (defined: {})",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
            ));
            continue;
        };
        let mut ids = Vec::new();
        for requirement in requirements {
            if framework.requirements.contains_key(&requirement.value) {
                ids.push(requirement.value);
            } else {
                problems.push(BaselineError::at(
                    &requirement.referenced,
                    format!(
                        "control {control} cites `{}`, which is not among the requirements of {} in `frameworks`",
                        requirement.value, framework.name
                    ),
                ));
            }
        }
        references.insert(framework_id, ids);
    }
    references
}

fn is_control_id(id: &str) -> bool {
    id.strip_prefix("TOM-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    })
}
