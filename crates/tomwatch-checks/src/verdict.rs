use tomwatch_model::{CollectionError, ErrorKind, Status};

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

    /// What is said of a value that was not collected: UNKNOWN with the error that hid it, or
    /// NOT_APPLICABLE where the service is one AWS does not offer in that region (nothing of
    /// it can exist there, so nothing was hidden).
    pub fn not_collected(error: &CollectionError) -> Self {
        if error.kind == ErrorKind::NotOffered {
            return Verdict::not_applicable(format!(
                "{} is not offered in {} (AWS's published service availability)",
                error.scope.service, error.scope.region
            ));
        }
        Verdict {
            status: Status::Unknown,
            message: format!(
                "could not be evaluated: {} {} failed ({}) in {}",
                error.scope.service, error.operation, error.kind, error.scope.region
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomwatch_model::Scope;

    fn error(kind: ErrorKind) -> CollectionError {
        CollectionError {
            scope: Scope {
                account_id: "111111111111".into(),
                region: "mx-central-1".into(),
                service: "cognito-idp",
            },
            operation: "ListUserPools",
            kind,
            message: "m".into(),
        }
    }

    #[test]
    fn a_failed_call_is_unknown_and_a_service_not_offered_is_not_applicable() {
        for kind in ErrorKind::ALL {
            let verdict = Verdict::not_collected(&error(kind));
            assert_eq!(verdict.status, Status::Unknown, "{kind}");
            assert!(
                verdict.message.contains(kind.as_str()),
                "{}",
                verdict.message
            );
        }
        let verdict = Verdict::not_collected(&error(ErrorKind::NotOffered));
        assert_eq!(verdict.status, Status::NotApplicable);
        assert_eq!(
            verdict.message,
            "cognito-idp is not offered in mx-central-1 (AWS's published service availability)"
        );
    }
}
