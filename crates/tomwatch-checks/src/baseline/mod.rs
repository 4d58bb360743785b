//! The baseline: which checks run, in which control, with what severity, remediation and
//! parameters. The built-in one is `config/baselines/tom.yaml`; a user can bring their own file
//! in the same format, override parameters and disable checks with a reason.

mod spec;
#[cfg(test)]
mod tests;

use crate::check::{Check, EvalContext, Evidence};
use crate::params::{ParameterOverrides, Parameters};
use crate::registry::find_check;
use serde_saphyr::Location;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use tomwatch_model::{AccountInventory, Finding, Severity};

/// The text of the built-in baseline, compiled in so the binary needs no data files.
pub const BUILTIN_BASELINE: &str = include_str!("../../../../config/baselines/tom.yaml");

/// A resolved baseline: every rule refers to a check of the registry.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub name: String,
    /// The file format's version (`version:`).
    pub format_version: u32,
    /// SHA-256 of the baseline file as read: which baseline an audit applied, for its evidence.
    pub sha256: String,
    pub controls: Vec<Control>,
    /// In baseline order: by control, then as listed.
    pub rules: Vec<Rule>,
    pub params: Parameters,
    /// The catalogues the controls cite, e.g. BSI C5:2020 and ISO/IEC 27001:2022 Annex A.
    pub frameworks: Vec<Framework>,
    /// Measures of the TOM document no AWS API can show: a report lists them as not verified.
    pub not_verified: Vec<UnverifiedMeasure>,
}

/// A catalogue of requirements a certification is made against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// The key controls cite it by, e.g. `c5_2020`.
    pub id: String,
    /// As an auditor names it, e.g. `BSI C5:2020`.
    pub name: String,
    /// Requirement ID -> its name in the catalogue.
    pub requirements: BTreeMap<String, String>,
}

/// A measure of the TOM document that tomwatch cannot verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnverifiedMeasure {
    pub measure: String,
    pub reason: String,
}

/// A promise of the TOM document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// The section of the TOM document the promise comes from.
    pub section: String,
    pub rationale: String,
    /// What of the promise the checks cannot see.
    pub limits: Option<String>,
    /// Framework ID -> the requirements of that catalogue the control gives evidence for.
    pub references: BTreeMap<String, Vec<String>>,
}

/// A check placed in a control.
#[derive(Debug, Clone)]
pub struct Rule {
    pub check: &'static Check,
    /// Shared with every finding of the rule.
    pub control: Arc<str>,
    pub severity: Severity,
    pub remediation: String,
    /// Why this check does not run: the reason the user gave, or `BEYOND_TOM_OFF`.
    pub disabled: Option<String>,
    /// What the check asks beyond the TOM document's words; such checks are off by default.
    pub beyond_tom: Option<String>,
}

impl Rule {
    /// Off only because it goes beyond the TOM's words and no config enabled it.
    pub fn is_off_beyond_tom(&self) -> bool {
        self.disabled.as_deref() == Some(BEYOND_TOM_OFF)
    }

    /// A check's evidence as a finding of this rule's control and severity.
    pub fn finding(&self, account_id: &Arc<str>, evidence: Evidence) -> Finding {
        Finding {
            check_id: evidence.check_id,
            control: Arc::clone(&self.control),
            status: evidence.status,
            severity: self.severity,
            account_id: Arc::clone(account_id),
            region: evidence.region,
            resource_type: evidence.resource_type,
            resource_id: evidence.resource_id,
            message: evidence.message,
            suppressed: false,
            suppression: None,
        }
    }
}

/// Why a check marked `beyond_tom` does not run until a config enables it.
pub const BEYOND_TOM_OFF: &str =
    "goes beyond the TOM's words, off by default (turn it on with `baseline.enable`)";

/// A problem in a baseline or in the overrides of one, where the user has to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError {
    /// 1-based; `None` when the problem has no single place.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl BaselineError {
    /// A problem at a place in a YAML document; `Location::UNKNOWN` (a defaulted value) has none.
    pub fn at(location: &Location, message: String) -> Self {
        let known = *location != Location::UNKNOWN;
        BaselineError {
            line: known.then(|| location.line() as u32),
            column: known.then(|| location.column() as u32),
            message,
        }
    }
}

impl From<tomwatch_yaml::YamlError> for BaselineError {
    fn from(error: tomwatch_yaml::YamlError) -> Self {
        BaselineError {
            line: error.line,
            column: error.column,
            message: error.message,
        }
    }
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{line}:{column}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl Baseline {
    /// The built-in TOM baseline. Its validity is a unit test, so this cannot fail at run time.
    pub fn builtin() -> Baseline {
        Baseline::parse(BUILTIN_BASELINE).expect("the built-in baseline is valid (unit-tested)")
    }

    /// Parses and resolves a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, Vec<BaselineError>> {
        spec::parse(text)
    }

    /// Applies a config's parameter overrides on top of the baseline's own values.
    pub fn override_parameters(
        &mut self,
        overrides: &ParameterOverrides,
    ) -> Result<(), Vec<BaselineError>> {
        self.params = overrides.apply(self.params.clone())?;
        Ok(())
    }

    /// Stops a check from running; the reason is shown wherever the check is listed.
    pub fn disable(&mut self, check_id: &str, reason: &str) -> Result<(), String> {
        match self.rules.iter_mut().find(|r| r.check.meta.id == check_id) {
            Some(rule) => {
                rule.disabled = Some(reason.to_string());
                Ok(())
            }
            None if find_check(check_id).is_some() => Err(format!(
                "check `{check_id}` is not part of baseline `{}`, so it cannot be disabled",
                self.name
            )),
            None => Err(format!(
                "unknown check `{check_id}` (`tomwatch checks` lists them)"
            )),
        }
    }

    /// Turns on a check that is off by default because it goes beyond the TOM's words.
    pub fn enable(&mut self, check_id: &str) -> Result<(), String> {
        match self.rules.iter_mut().find(|r| r.check.meta.id == check_id) {
            Some(rule) if rule.beyond_tom.is_some() => {
                if rule.is_off_beyond_tom() {
                    rule.disabled = None;
                }
                Ok(())
            }
            Some(_) => Err(format!(
                "check `{check_id}` already runs by default; `baseline.enable` is for checks marked beyond the TOM"
            )),
            None if find_check(check_id).is_some() => Err(format!(
                "check `{check_id}` is not part of baseline `{}`, so it cannot be enabled",
                self.name
            )),
            None => Err(format!(
                "unknown check `{check_id}` (`tomwatch checks` lists them)"
            )),
        }
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn rule(&self, check_id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.check.meta.id == check_id)
    }

    /// The rules that run.
    pub fn enabled_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.disabled.is_none())
    }

    /// Runs every enabled check on one account's inventory, and places its evidence as the
    /// check's rule says: in its control, with its severity.
    pub fn evaluate(&self, account: &AccountInventory) -> Vec<Finding> {
        let ctx = EvalContext {
            account,
            params: &self.params,
        };
        let account_id: Arc<str> = Arc::from(account.account_id.as_str());
        let mut findings: Vec<Finding> = self
            .enabled_rules()
            .flat_map(|rule| {
                (rule.check.evaluate)(&ctx)
                    .into_iter()
                    .map(|evidence| rule.finding(&account_id, evidence))
            })
            .collect();
        // Grown by doubling, the buffer can be twice what it holds (11 MB for 7 MB of findings
        // at 10,000 resources), and findings live as long as the report or the snapshot.
        findings.shrink_to_fit();
        findings
    }
}
