use super::per_bucket;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};
use crate::verdict::Verdict;

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3_bucket_allowed_region",
        title: "S3 buckets are located only in allowed regions",
        resource_type: "AWS::S3::Bucket",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_bucket(&CHECK.meta, ctx, |bucket| match &bucket.region {
        Ok(region) => region_verdict(ctx, &format!("bucket {}", bucket.name), region),
        Err(error) => Verdict::unknown(error),
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn verdict_follows_the_bucket_location_not_the_scanned_region() {
        let mut account = account(&["eu-central-1"]);
        account.s3.buckets = Ok(vec![
            bucket("eu-data", "eu-central-1", None),
            bucket("us-data", "us-east-1", None),
        ]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(findings[1].region, "us-east-1");
    }

    #[test]
    fn unknown_location_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut b = bucket("mystery", "eu-central-1", None);
        b.region = denied_for_bucket("GetBucketLocation");
        account.s3.buckets = Ok(vec![b]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(
            (status, finding.region.as_str()),
            (Status::Unknown, "global")
        );
    }

    #[test]
    fn unlistable_buckets_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        account.s3.buckets = denied_for_bucket("ListBuckets");
        assert_eq!(only(run(&CHECK, &account)).0.resource_id, "arn:aws:s3:::*");
    }
}
