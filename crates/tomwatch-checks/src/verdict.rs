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

    /// The only way to say UNKNOWN: always with the error that made the value unknowable.
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
