use super::Tags;
use crate::{Collected, CollectionError};

/// Lambda in one region.
#[derive(Debug, Clone)]
pub struct LambdaInventory {
    pub functions: Collected<Vec<LambdaFunction>>,
}

impl LambdaInventory {
    pub fn failed(error: CollectionError) -> Self {
        LambdaInventory {
            functions: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaFunction {
    pub arn: String,
    pub name: String,
    /// From `ListTags`, one call per function (the listing carries none).
    pub tags: Collected<Tags>,
}
