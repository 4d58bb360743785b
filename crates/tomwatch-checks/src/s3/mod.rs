checks! {
    s3_bucket_default_encryption_kms,
    s3_bucket_secure_transport,
}
mod transport_policy;

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::S3Bucket;
use tomwatch_model::GLOBAL_REGION;

/// Evaluates `judge` on every bucket of the account; buckets are listed account-wide and each
/// finding carries the bucket's own region where it is known.
fn per_bucket(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&S3Bucket) -> Verdict,
) -> Vec<Evidence> {
    let kind = &kinds::S3_BUCKET;
    match (kind.select)(ctx.account) {
        Ok(buckets) => buckets
            .iter()
            .map(|bucket| {
                let region = (kind.region)(bucket).unwrap_or(GLOBAL_REGION);
                meta.evidence(region, bucket.arn.clone(), judge(bucket))
            })
            .collect(),
        Err(error) => {
            vec![meta.evidence(
                GLOBAL_REGION,
                kind.wildcard.into(),
                Verdict::not_collected(error),
            )]
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::*;
    use tomwatch_model::inventory::{BucketEncryption, S3Bucket};
    use tomwatch_model::Collected;

    pub fn bucket(name: &str, region: &str, sse: Option<&str>) -> S3Bucket {
        S3Bucket {
            arn: format!("arn:aws:s3:::{name}"),
            name: name.into(),
            region: Ok(region.into()),
            encryption: Ok(sse.map(|algorithm| BucketEncryption {
                sse_algorithm: algorithm.into(),
                kms_key_id: algorithm
                    .starts_with("aws:kms")
                    .then(|| "alias/data".into()),
            })),
            tags: Ok(Default::default()),
            policy: Ok(None),
        }
    }

    pub fn denied_for_bucket<T>(operation: &'static str) -> Collected<T> {
        Err(denied("s3", operation, "eu-central-1"))
    }
}
