use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct S3Inventory {
    pub buckets: Collected<Vec<S3Bucket>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct S3Bucket {
    pub arn: String,
    pub name: String,
    /// The bucket's location constraint, normalised (`us-east-1` for the legacy empty value).
    pub region: Collected<String>,
    /// `None` when the bucket has no default-encryption configuration at all.
    pub encryption: Collected<Option<BucketEncryption>>,
    /// The bucket policy document (JSON); `None` when the bucket has no policy.
    pub policy: Collected<Option<String>>,
    /// The bucket's tags (GetBucketTagging); a bucket without any has an empty set.
    pub tags: Collected<Tags>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub sse_algorithm: String,
    pub kms_key_id: Option<String>,
}

impl BucketEncryption {
    pub fn is_kms(&self) -> bool {
        self.sse_algorithm.starts_with("aws:kms")
    }
}
