use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Lambda in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct LambdaInventory {
    pub functions: Collected<Vec<LambdaFunction>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct LambdaFunction {
    pub arn: String,
    pub name: String,
    /// From `ListTags`, one call per function (the listing carries none).
    pub tags: Collected<Tags>,
}
