use super::per_bucket;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "S3 buckets encrypt by default with SSE-KMS",
    resource_type: "AWS::S3::Bucket",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_bucket(&CHECK.meta, ctx, |bucket| match &bucket.encryption {
        Ok(Some(sse)) if sse.is_kms() => {
            let subject = format!("bucket {}", bucket.name);
            // A bucket's key is in the bucket's region; where that is unknown, an ARN still says.
            let region = bucket.region.as_deref().unwrap_or_default(); // default: the key ARN's region decides
            match required_key(ctx, &subject, region, sse.kms_key_id.as_deref(), "aws/s3") {
                Ok(key) => Verdict::pass(format!(
                    "{subject} encrypts by default with {} ({key})",
                    sse.sse_algorithm
                )),
                Err(verdict) => verdict,
            }
        }
        Ok(Some(sse)) => Verdict::fail(format!(
            "bucket {} encrypts by default with {}, not SSE-KMS",
            bucket.name, sse.sse_algorithm
        )),
        Ok(None) => Verdict::fail(format!("bucket {} has no default encryption", bucket.name)),
        Err(error) => Verdict::not_collected(error),
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn kms_passes_aes256_and_none_fail() {
        let mut account = account(&["eu-central-1"]);
        account.s3.buckets = Ok(vec![
            bucket("kms", "eu-central-1", Some("aws:kms")),
            bucket("dsse", "eu-central-1", Some("aws:kms:dsse")),
            bucket("sse-s3", "eu-central-1", Some("AES256")),
            bucket("bare", "eu-central-1", None),
        ]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Pass, Status::Fail, Status::Fail]
        );
        assert!(findings[2].message.contains("AES256, not SSE-KMS"));
        assert!(findings[3].message.contains("no default encryption"));
    }

    #[test]
    fn a_baseline_that_asks_for_customer_keys_fails_the_aws_managed_one() {
        let mut account = account(&["eu-central-1"]);
        let mut own = bucket("own-key", "eu-central-1", Some("aws:kms"));
        own.encryption.as_mut().expect("read").as_mut().expect("set").kms_key_id =
            Some("arn:aws:kms:eu-central-1:999999999999:key/shared".into());
        // No KMSMasterKeyID: S3 uses the AWS managed key aws/s3.
        let mut aws_key = bucket("aws-key", "eu-central-1", Some("aws:kms"));
        aws_key.encryption.as_mut().expect("read").as_mut().expect("set").kms_key_id = None;
        account.s3.buckets = Ok(vec![own, aws_key]);
        let params = crate::params::Parameters {
            at_rest_kms_keys: crate::params::KmsKeyRequirement::CustomerManaged,
            ..Default::default()
        };
        let findings = run_with(&CHECK, &account, &params);
        assert_eq!(findings[0].status, Status::Pass, "{}", findings[0].message);
        assert_eq!(findings[1].status, Status::Fail);
        assert!(findings[1].message.contains("aws/s3"), "{}", findings[1].message);
    }

    #[test]
    fn denied_get_bucket_encryption_is_unknown_not_fail() {
        let mut account = account(&["eu-central-1"]);
        let mut b = bucket("locked", "eu-central-1", None);
        b.encryption = denied_for_bucket("GetBucketEncryption");
        account.s3.buckets = Ok(vec![b]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(
            finding
                .message
                .contains("GetBucketEncryption failed (access_denied)"),
            "{}",
            finding.message
        );
    }
}
