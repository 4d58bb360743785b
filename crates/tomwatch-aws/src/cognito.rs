use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_cognitoidentityprovider::Client;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{
    CognitoInventory, UserPool, UserPoolDetails, UserPoolPasswordPolicy,
};
use tomwatch_model::Collected;

const POOL_CONCURRENCY: usize = 4;

impl RegionalCollection for CognitoInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(
            session,
            region,
            "cognito-idp",
            aws_sdk_cognitoidentityprovider
        );
        collect(&client, &session.caller(region, "cognito-idp")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> CognitoInventory {
    let (account, region) = (&caller.scope.account_id, caller.scope.region.as_str());
    let user_pools = async {
        let pages = all_pages!(
            caller,
            "ListUserPools",
            client.list_user_pools().max_results(60)
        )
        .await?;
        let mut listed = Vec::new();
        for pool in pages.iter().flat_map(|p| p.user_pools()) {
            let id = pool
                .id()
                .ok_or_else(|| caller.missing("ListUserPools", "Id"))?;
            // default: display name
            listed.push((id.to_string(), pool.name().unwrap_or_default().to_string()));
        }
        Ok(stream::iter(listed)
            .map(|(id, name)| async move {
                UserPool {
                    arn: format!("arn:aws:cognito-idp:{region}:{account}:userpool/{id}"),
                    details: details(client, caller, &id).await,
                    id,
                    name,
                }
            })
            .buffered(POOL_CONCURRENCY)
            .collect()
            .await)
    };
    CognitoInventory {
        user_pools: user_pools.await,
    }
}

async fn details(client: &Client, caller: &Caller, id: &str) -> Collected<UserPoolDetails> {
    let output = caller
        .call(
            "DescribeUserPool",
            client.describe_user_pool().user_pool_id(id).send(),
        )
        .await?;
    let pool = output
        .user_pool()
        .ok_or_else(|| caller.missing("DescribeUserPool", "UserPool"))?;
    Ok(UserPoolDetails {
        // AWS omits MfaConfiguration for pools that never configured MFA: that is OFF.
        mfa: pool
            .mfa_configuration()
            .map_or("OFF", |m| m.as_str())
            .to_string(),
        password_policy: pool.policies().and_then(|p| p.password_policy()).map(|p| {
            UserPoolPasswordPolicy {
                minimum_length: p.minimum_length().unwrap_or(8), // default: Cognito's documented default length
                require_uppercase: p.require_uppercase(),
                require_lowercase: p.require_lowercase(),
                require_numbers: p.require_numbers(),
                require_symbols: p.require_symbols(),
            }
        }),
        advanced_security: pool
            .user_pool_add_ons()
            .map(|a| a.advanced_security_mode().as_str().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_cognitoidentityprovider::operation::describe_user_pool::{
        DescribeUserPoolError, DescribeUserPoolOutput,
    };
    use aws_sdk_cognitoidentityprovider::operation::list_user_pools::ListUserPoolsOutput;
    use aws_sdk_cognitoidentityprovider::types::{
        AdvancedSecurityModeType, PasswordPolicyType, UserPoolAddOnsType, UserPoolDescriptionType,
        UserPoolMfaType, UserPoolPolicyType, UserPoolType,
    };
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn listing() -> ListUserPoolsOutput {
        ListUserPoolsOutput::builder()
            .user_pools(
                UserPoolDescriptionType::builder()
                    .id("eu-central-1_abc")
                    .name("customers")
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn pool_settings_are_collected_and_a_failed_describe_stays_on_its_pool() {
        let client = mocked_client!(
            aws_sdk_cognitoidentityprovider,
            mock!(Client::list_user_pools).then_output(listing),
            mock!(Client::describe_user_pool).then_output(|| DescribeUserPoolOutput::builder()
                .user_pool(
                    UserPoolType::builder()
                        .mfa_configuration(UserPoolMfaType::On)
                        .policies(
                            UserPoolPolicyType::builder()
                                .password_policy(
                                    PasswordPolicyType::builder()
                                        .minimum_length(12)
                                        .require_uppercase(true)
                                        .require_lowercase(true)
                                        .require_numbers(true)
                                        .require_symbols(false)
                                        .build()
                                )
                                .build()
                        )
                        .user_pool_add_ons(
                            UserPoolAddOnsType::builder()
                                .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                                .build()
                                .expect("valid")
                        )
                        .build()
                )
                .build()),
        );
        let pools = collect(&client, &caller("eu-central-1", "cognito-idp"))
            .await
            .user_pools
            .expect("listed");
        assert_eq!(
            pools[0].arn,
            "arn:aws:cognito-idp:eu-central-1:111111111111:userpool/eu-central-1_abc"
        );
        let details = pools[0].details.as_ref().expect("described");
        assert_eq!(details.mfa, "ON");
        assert_eq!(details.advanced_security.as_deref(), Some("ENFORCED"));
        let policy = details.password_policy.as_ref().expect("policy");
        assert!(policy.minimum_length == 12 && !policy.require_symbols);

        let denied = mocked_client!(
            aws_sdk_cognitoidentityprovider,
            mock!(Client::list_user_pools).then_output(listing),
            mock!(Client::describe_user_pool)
                .then_error(|| DescribeUserPoolError::generic(aws_error("AccessDeniedException"))),
        );
        let pools = collect(&denied, &caller("eu-central-1", "cognito-idp"))
            .await
            .user_pools
            .expect("the listing itself worked");
        assert_eq!(
            pools[0].details.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied)
        );
    }
}
