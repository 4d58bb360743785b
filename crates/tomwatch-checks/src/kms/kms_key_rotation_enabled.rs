use super::per_key;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::KmsKey;

check! {
    title: "Customer-managed KMS keys rotate automatically",
    resource_type: "AWS::KMS::Key",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_key(&CHECK.meta, ctx, |_, key| judge(key))
}

fn judge(key: &KmsKey) -> Verdict {
    let details = match &key.details {
        Ok(details) => details,
        Err(error) => return Verdict::not_collected(error),
    };
    if !details.can_encrypt() {
        return Verdict::not_applicable(format!(
            "key {} is {}: it cannot encrypt, so automatic rotation does not apply",
            key.key_id, details.key_state
        ));
    }
    if !details.rotation_applies() {
        return Verdict::not_applicable(format!(
            "key {} is {} {} {} ({}): automatic rotation does not apply",
            key.key_id,
            details.key_manager.to_lowercase(),
            details.key_spec,
            details.origin,
            details.key_state
        ));
    }
    match &key.rotation_enabled {
        Some(Ok(true)) => Verdict::pass(format!("key {} rotates automatically", key.key_id)),
        Some(Ok(false)) => {
            Verdict::fail(format!("key {} does not rotate automatically", key.key_id))
        }
        Some(Err(error)) => Verdict::not_collected(error),
        // The collector asks for every key where rotation applies; a missing answer means it
        // could not ask, which is not evidence either way.
        None => Verdict::not_applicable(format!(
            "rotation status of key {} was not collected",
            key.key_id
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::KmsKeyDetails;
    use tomwatch_model::{Collected, Status};

    fn key(manager: &str, spec: &str, rotation: Option<Collected<bool>>) -> KmsKey {
        KmsKey {
            arn: format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/k1"),
            key_id: "k1".into(),
            details: Ok(KmsKeyDetails {
                key_manager: manager.into(),
                key_state: "Enabled".into(),
                key_spec: spec.into(),
                origin: "AWS_KMS".into(),
            }),
            rotation_enabled: rotation,
        }
    }

    #[test]
    fn customer_keys_pass_with_rotation_and_fail_without() {
        assert_eq!(
            judge(&key("CUSTOMER", "SYMMETRIC_DEFAULT", Some(Ok(true)))).status,
            Status::Pass
        );
        assert_eq!(
            judge(&key("CUSTOMER", "SYMMETRIC_DEFAULT", Some(Ok(false)))).status,
            Status::Fail
        );
    }

    #[test]
    fn aws_managed_and_asymmetric_keys_are_not_applicable() {
        assert_eq!(
            judge(&key("AWS", "SYMMETRIC_DEFAULT", None)).status,
            Status::NotApplicable
        );
        assert_eq!(
            judge(&key("CUSTOMER", "RSA_2048", None)).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn keys_that_cannot_encrypt_are_not_applicable_and_say_why() {
        for state in ["Disabled", "PendingDeletion"] {
            let mut k = key("CUSTOMER", "SYMMETRIC_DEFAULT", None);
            if let Ok(details) = &mut k.details {
                details.key_state = state.into();
            }
            let verdict = judge(&k);
            assert_eq!(verdict.status, Status::NotApplicable, "{state}");
            assert!(verdict.message.contains("cannot encrypt"), "{}", verdict.message);
        }
    }

    #[test]
    fn unreadable_rotation_or_details_are_unknown() {
        let denied_rotation = Some(Err(denied("kms", "GetKeyRotationStatus", "eu-central-1")));
        assert_eq!(
            judge(&key("CUSTOMER", "SYMMETRIC_DEFAULT", denied_rotation)).status,
            Status::Unknown
        );
        let mut k = key("CUSTOMER", "SYMMETRIC_DEFAULT", None);
        k.details = Err(denied("kms", "DescribeKey", "eu-central-1"));
        assert_eq!(judge(&k).status, Status::Unknown);
    }

    #[test]
    fn findings_carry_the_key_arn() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").kms.keys =
            Ok(vec![key("CUSTOMER", "SYMMETRIC_DEFAULT", Some(Ok(false)))]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(
            (finding.resource_id.as_str(), status),
            (
                format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/k1").as_str(),
                Status::Fail
            )
        );
    }
}
