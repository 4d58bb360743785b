use tomwatch_model::{CollectionError, Status};

/// A status with the sentence that explains it to a human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub message: String,
}

impl Verdict {
    pub fn pass(message: impl Into<String>) -> Self {
        Verdict {
            status: Status::Pass,
            message: message.into(),
        }
    }

    pub fn fail(message: impl Into<String>) -> Self {
        Verdict {
            status: Status::Fail,
            message: message.into(),
        }
    }

    pub fn not_applicable(message: impl Into<String>) -> Self {
        Verdict {
            status: Status::NotApplicable,
            message: message.into(),
        }
    }

    /// UNKNOWN because AWS's API does not show what decides it (an engine that enforces TLS on
    /// its host), said with that reason: never a guess at PASS, FAIL or NOT_APPLICABLE.
    pub fn undecidable(reason: impl Into<String>) -> Self {
        Verdict {
            status: Status::Unknown,
            message: format!("cannot be decided: {}", reason.into()),
        }
    }

    /// UNKNOWN because a value could not be collected: always with the error that hid it.
    pub fn unknown(error: &CollectionError) -> Self {
        Verdict {
            status: Status::Unknown,
            message: format!(
                "could not be evaluated: {} {} failed ({}) in {}",
                error.scope.service, error.operation, error.kind, error.scope.region
            ),
        }
    }
}
