//! Hand-built findings for the engine's unit tests.

use tomwatch_model::{Finding, Severity, Status};

/// A TOM-NET finding of `check` on `resource` in eu-central-1 of account 111111111111.
pub fn finding(check: &'static str, resource: &str, status: Status) -> Finding {
    Finding {
        check_id: check,
        control: "TOM-NET".into(),
        status,
        severity: Severity::High,
        account_id: "111111111111".into(),
        region: "eu-central-1".into(),
        resource_type: "AWS::EC2::SecurityGroup",
        resource_id: resource.into(),
        message: String::new(),
        suppressed: false,
        suppression: None,
    }
}
