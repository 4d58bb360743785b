//! A control's verdict over its findings, as the HTML and the diff state it.

use crate::document::{FindingRecord, Status};

/// What an audit says about one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControlVerdict {
    /// At least one FAIL nobody accepted.
    Fail,
    /// No open FAIL, but some evidence could not be collected.
    Unknown,
    /// Every FAIL is covered by a suppression; the rest passed.
    PassWithExceptions,
    Pass,
    /// No resource the control's checks apply to.
    NotApplicable,
}

impl ControlVerdict {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a FindingRecord>) -> ControlVerdict {
        let (mut open, mut unknown, mut accepted, mut pass) = (false, false, false, false);
        for finding in findings {
            match finding.status {
                Status::Fail if finding.suppressed => accepted = true,
                Status::Fail => open = true,
                Status::Unknown => unknown = true,
                Status::Pass => pass = true,
                Status::NotApplicable => {}
            }
        }
        if open {
            ControlVerdict::Fail
        } else if unknown {
            ControlVerdict::Unknown
        } else if accepted {
            ControlVerdict::PassWithExceptions
        } else if pass {
            ControlVerdict::Pass
        } else {
            ControlVerdict::NotApplicable
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ControlVerdict::Fail => "FAIL",
            ControlVerdict::Unknown => "UNKNOWN",
            ControlVerdict::PassWithExceptions => "PASS with accepted exceptions",
            ControlVerdict::Pass => "PASS",
            ControlVerdict::NotApplicable => "NOT APPLICABLE",
        }
    }

    /// The CSS class of the verdict's badge.
    pub fn class(self) -> &'static str {
        match self {
            ControlVerdict::Fail => "fail",
            ControlVerdict::Unknown => "unknown",
            ControlVerdict::PassWithExceptions => "accepted",
            ControlVerdict::Pass => "pass",
            ControlVerdict::NotApplicable => "na",
        }
    }
}
