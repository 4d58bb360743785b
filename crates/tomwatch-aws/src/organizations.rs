use crate::attempts::sdk_client;
use crate::caller::Caller;
use crate::session::AwsSession;
use aws_sdk_organizations::Client;
use tomwatch_model::inventory::{Organization, OrganizationsInventory};
use tomwatch_model::GLOBAL_REGION;

impl AwsSession {
    pub async fn collect_organizations(&self) -> OrganizationsInventory {
        let client = sdk_client!(
            self,
            &self.home_region(),
            "organizations",
            aws_sdk_organizations
        );
        collect(&client, &self.caller(GLOBAL_REGION, "organizations")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> OrganizationsInventory {
    const OPERATION: &str = "DescribeOrganization";
    let organization = async {
        let output = caller
            .call_absent_ok(
                OPERATION,
                client.describe_organization().send(),
                &["AWSOrganizationsNotInUseException"],
            )
            .await?;
        let Some(organization) = output.and_then(|o| o.organization) else {
            return Ok(None);
        };
        Ok(Some(Organization {
            id: organization
                .id
                .ok_or_else(|| caller.missing(OPERATION, "Id"))?,
            arn: organization
                .arn
                .ok_or_else(|| caller.missing(OPERATION, "Arn"))?,
            management_account_id: organization
                .master_account_id
                .ok_or_else(|| caller.missing(OPERATION, "MasterAccountId"))?,
        }))
    };
    OrganizationsInventory {
        organization: organization.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_organizations::operation::describe_organization::{
        DescribeOrganizationError, DescribeOrganizationOutput,
    };
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    #[tokio::test]
    async fn membership_absence_and_denial_are_three_different_answers() {
        let member = mocked_client!(
            aws_sdk_organizations,
            mock!(Client::describe_organization).then_output(|| {
                DescribeOrganizationOutput::builder()
                    .organization(
                        aws_sdk_organizations::types::Organization::builder()
                            .id("o-abc")
                            .arn("arn:aws:organizations::999999999999:organization/o-abc")
                            .master_account_id("999999999999")
                            .build(),
                    )
                    .build()
            })
        );
        let found = collect(&member, &caller(GLOBAL_REGION, "organizations"))
            .await
            .organization
            .expect("collected")
            .expect("member");
        assert_eq!(found.management_account_id, "999999999999");

        let alone = mocked_client!(
            aws_sdk_organizations,
            mock!(Client::describe_organization).then_error(|| {
                DescribeOrganizationError::generic(aws_error("AWSOrganizationsNotInUseException"))
            })
        );
        let none = collect(&alone, &caller(GLOBAL_REGION, "organizations")).await;
        assert_eq!(none.organization, Ok(None));

        let denied = mocked_client!(
            aws_sdk_organizations,
            mock!(Client::describe_organization).then_error(|| {
                DescribeOrganizationError::generic(aws_error("AccessDeniedException"))
            })
        );
        let error = collect(&denied, &caller(GLOBAL_REGION, "organizations"))
            .await
            .organization
            .expect_err("denied is not `no organization`");
        assert_eq!(error.kind, ErrorKind::AccessDenied);
    }
}
