use crate::{Collected, CollectionError};

/// AWS Organizations membership: global, collected once per account.
#[derive(Debug, Clone)]
pub struct OrganizationsInventory {
    /// `None`: the account is not a member of any organization.
    pub organization: Collected<Option<Organization>>,
}

impl OrganizationsInventory {
    pub fn failed(error: CollectionError) -> Self {
        OrganizationsInventory {
            organization: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
}
