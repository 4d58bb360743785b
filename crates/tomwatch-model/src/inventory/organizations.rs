use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// AWS Organizations membership: global, collected once per account.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct OrganizationsInventory {
    /// `None`: the account is not a member of any organization.
    pub organization: Collected<Option<Organization>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
}
