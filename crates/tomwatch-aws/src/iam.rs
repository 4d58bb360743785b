use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::AwsSession;
use aws_sdk_iam::types::SummaryKeyType;
use aws_sdk_iam::Client;
use futures::{future, stream, StreamExt};
use tomwatch_model::inventory::{
    AccessKey, IamAccountSummary, IamInventory, IamUser, PasswordPolicy,
};
use tomwatch_model::{Collected, GLOBAL_REGION};

const USER_CONCURRENCY: usize = 4;

impl AwsSession {
    /// IAM is global; its endpoint is reached through the home region's client.
    pub async fn collect_iam(&self) -> IamInventory {
        let client = sdk_client!(self, &self.home_region(), "iam", aws_sdk_iam);
        collect(&client, &self.caller(GLOBAL_REGION, "iam"), now()).await
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default() // default: a clock before 1970 reads as 0
}

pub(crate) async fn collect(client: &Client, caller: &Caller, collected_at: i64) -> IamInventory {
    let account_summary = async {
        let output = caller
            .call("GetAccountSummary", client.get_account_summary().send())
            .await?;
        let summary = output.summary_map();
        let flag = |key: SummaryKeyType| -> Collected<bool> {
            summary
                .and_then(|m| m.get(&key))
                .map(|v| *v > 0)
                .ok_or_else(|| caller.missing("GetAccountSummary", key.as_str()))
        };
        // Reported since centralized root access (2024); an older response or an emulator may
        // leave them out, and then nothing shows the credentials are gone.
        let reported = |key: SummaryKeyType| summary.and_then(|m| m.get(&key)).map(|v| *v > 0);
        Ok(IamAccountSummary {
            root_mfa_enabled: flag(SummaryKeyType::AccountMfaEnabled)?,
            root_access_keys_present: flag(SummaryKeyType::AccountAccessKeysPresent)?,
            root_password_present: reported(SummaryKeyType::AccountPasswordPresent),
            root_signing_certificates_present: reported(
                SummaryKeyType::AccountSigningCertificatesPresent,
            ),
        })
    };
    let password_policy = async {
        let output = caller
            .call_absent_ok(
                "GetAccountPasswordPolicy",
                client.get_account_password_policy().send(),
                &["NoSuchEntity"],
            )
            .await?;
        Ok(output
            .and_then(|o| o.password_policy)
            .map(|p| PasswordPolicy {
                minimum_length: p.minimum_password_length.unwrap_or(6), // default: IAM's documented default length
                require_symbols: p.require_symbols,
                require_numbers: p.require_numbers,
                require_uppercase: p.require_uppercase_characters,
                require_lowercase: p.require_lowercase_characters,
                reuse_prevention: p.password_reuse_prevention,
                max_age_days: p.max_password_age,
            }))
    };
    let users = async {
        let pages = all_pages!(caller, "ListUsers", client.list_users()).await?;
        let listed: Vec<(String, String)> = pages
            .iter()
            .flat_map(|p| p.users())
            .map(|u| (u.arn().to_string(), u.user_name().to_string()))
            .collect();
        Ok(stream::iter(listed)
            .map(|(arn, name)| describe_user(client, caller, arn, name))
            .buffered(USER_CONCURRENCY)
            .collect()
            .await)
    };
    let (account_summary, password_policy, users) =
        tokio::join!(account_summary, password_policy, users);
    IamInventory {
        collected_at,
        account_summary,
        password_policy,
        users,
    }
}

/// A user's password and access keys are read together; its MFA devices only once it is known
/// to have a password (the only sign-in MFA guards here), so a machine user costs two calls
/// and a console user with keys still costs two round trips.
async fn describe_user(client: &Client, caller: &Caller, arn: String, name: String) -> IamUser {
    let console_password_and_mfa = async {
        let console_password = caller
            .call_absent_ok(
                "GetLoginProfile",
                client.get_login_profile().user_name(&name).send(),
                &["NoSuchEntity"],
            )
            .await
            .map(|profile| profile.is_some());
        let mfa_devices = match console_password {
            Ok(true) => Some(
                all_pages!(
                    caller,
                    "ListMFADevices",
                    client.list_mfa_devices().user_name(&name)
                )
                .await
                .map(|pages| pages.iter().map(|p| p.mfa_devices().len()).sum()),
            ),
            Ok(false) | Err(_) => None,
        };
        (console_password, mfa_devices)
    };
    let access_keys = async {
        let pages = all_pages!(
            caller,
            "ListAccessKeys",
            client.list_access_keys().user_name(&name)
        )
        .await?;
        let listed = pages.iter().flat_map(|p| p.access_key_metadata());
        let keys = listed.map(|key| async move {
            let id = key
                .access_key_id()
                .ok_or_else(|| caller.missing("ListAccessKeys", "AccessKeyId"))?;
            let created_at = key
                .create_date()
                .ok_or_else(|| caller.missing("ListAccessKeys", "CreateDate"))?
                .secs();
            let last_used_at = caller
                .call(
                    "GetAccessKeyLastUsed",
                    client.get_access_key_last_used().access_key_id(id).send(),
                )
                .await
                .map(|o| {
                    o.access_key_last_used()
                        .and_then(|u| u.last_used_date())
                        .map(|d| d.secs())
                });
            Ok(AccessKey {
                id: id.to_string(),
                active: key.status().is_some_and(|s| s.as_str() == "Active"),
                created_at,
                last_used_at,
            })
        });
        // A user holds at most two keys: their last-used reads go out together.
        future::join_all(keys).await.into_iter().collect()
    };
    let ((console_password, mfa_devices), access_keys) =
        tokio::join!(console_password_and_mfa, access_keys);
    IamUser {
        arn,
        name: name.clone(),
        console_password,
        mfa_devices,
        access_keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_iam::operation::get_access_key_last_used::GetAccessKeyLastUsedError;
    use aws_sdk_iam::operation::get_account_password_policy::GetAccountPasswordPolicyError;
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
    use aws_sdk_iam::operation::get_login_profile::{GetLoginProfileError, GetLoginProfileOutput};
    use aws_sdk_iam::operation::list_access_keys::ListAccessKeysOutput;
    use aws_sdk_iam::operation::list_mfa_devices::ListMfaDevicesOutput;
    use aws_sdk_iam::operation::list_users::ListUsersOutput;
    use aws_sdk_iam::types::{AccessKeyMetadata, LoginProfile, MfaDevice, StatusType, User};
    use aws_smithy_mocks::mock;
    use aws_smithy_types::DateTime;
    use tomwatch_model::ErrorKind;

    fn user(name: &str) -> User {
        User::builder()
            .path("/")
            .user_name(name)
            .user_id(format!("AID{name}"))
            .arn(format!("arn:aws:iam::111111111111:user/{name}"))
            .create_date(DateTime::from_secs(0))
            .build()
            .expect("valid user")
    }

    #[tokio::test]
    async fn users_keys_and_absent_settings_are_collected_and_a_denied_detail_stays_per_user() {
        let client = mocked_client!(
            aws_sdk_iam,
            mock!(Client::get_account_summary).then_output(|| GetAccountSummaryOutput::builder()
                .summary_map(SummaryKeyType::AccountMfaEnabled, 1)
                .summary_map(SummaryKeyType::AccountAccessKeysPresent, 0)
                .build()),
            mock!(Client::get_account_password_policy).then_error(|| {
                GetAccountPasswordPolicyError::generic(aws_error("NoSuchEntity"))
            }),
            mock!(Client::list_users).then_output(|| ListUsersOutput::builder()
                .users(user("alice"))
                .build()
                .expect("valid")),
            mock!(Client::get_login_profile)
                .then_error(|| GetLoginProfileError::generic(aws_error("AccessDenied"))),
            mock!(Client::list_mfa_devices).then_output(|| ListMfaDevicesOutput::builder()
                .set_mfa_devices(Some(vec![]))
                .build()
                .expect("valid")),
            mock!(Client::list_access_keys).then_output(|| ListAccessKeysOutput::builder()
                .access_key_metadata(
                    AccessKeyMetadata::builder()
                        .access_key_id("AKIAOLD")
                        .status(StatusType::Active)
                        .create_date(DateTime::from_secs(1_000))
                        .build()
                )
                .build()
                .expect("valid")),
            mock!(Client::get_access_key_last_used)
                .then_error(|| GetAccessKeyLastUsedError::generic(aws_error("Throttling"))),
        );
        let iam = collect(&client, &caller(GLOBAL_REGION, "iam"), 5_000).await;
        assert_eq!(
            iam.account_summary,
            Ok(IamAccountSummary {
                root_mfa_enabled: true,
                root_access_keys_present: false,
                root_password_present: None,
                root_signing_certificates_present: None,
            }),
            "keys the summary leaves out are not read as absent"
        );
        assert_eq!(
            iam.password_policy,
            Ok(None),
            "NoSuchEntity means no policy"
        );
        let users = iam.users.expect("listed");
        let alice = &users[0];
        assert_eq!(alice.name, "alice");
        assert_eq!(
            alice.console_password.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied),
            "a denied GetLoginProfile is an error, not `no password`"
        );
        assert_eq!(
            alice.mfa_devices, None,
            "whether alice has a password is unknown, so her MFA devices are not asked for"
        );
        let keys = alice.access_keys.as_ref().expect("listed");
        assert_eq!(keys[0].id, "AKIAOLD");
        assert!(keys[0].active);
        assert_eq!(keys[0].created_at, 1_000);
        assert_eq!(
            keys[0].last_used_at.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::Throttled)
        );
    }

    #[tokio::test]
    async fn only_a_user_with_a_console_password_has_its_mfa_devices_read() {
        let devices = mock!(Client::list_mfa_devices)
            .match_requests(|r| r.user_name() == Some("alice"))
            .then_output(|| {
                ListMfaDevicesOutput::builder()
                    .mfa_devices(
                        MfaDevice::builder()
                            .user_name("alice")
                            .serial_number("arn:aws:iam::111111111111:mfa/alice")
                            .enable_date(DateTime::from_secs(0))
                            .build()
                            .expect("valid device"),
                    )
                    .build()
                    .expect("valid")
            });
        let client = mocked_client!(
            aws_sdk_iam,
            mock!(Client::get_account_summary)
                .then_output(|| GetAccountSummaryOutput::builder().build()),
            mock!(Client::get_account_password_policy).then_error(|| {
                GetAccountPasswordPolicyError::generic(aws_error("NoSuchEntity"))
            }),
            mock!(Client::list_users).then_output(|| ListUsersOutput::builder()
                .users(user("alice"))
                .users(user("ci"))
                .build()
                .expect("valid")),
            mock!(Client::get_login_profile)
                .match_requests(|r| r.user_name() == Some("alice"))
                .then_output(|| GetLoginProfileOutput::builder()
                    .login_profile(
                        LoginProfile::builder()
                            .user_name("alice")
                            .create_date(DateTime::from_secs(0))
                            .build()
                            .expect("valid profile")
                    )
                    .build()),
            mock!(Client::get_login_profile)
                .then_error(|| GetLoginProfileError::generic(aws_error("NoSuchEntity"))),
            devices,
            mock!(Client::list_access_keys).then_output(|| ListAccessKeysOutput::builder()
                .set_access_key_metadata(Some(vec![]))
                .build()
                .expect("valid")),
        );
        let users = collect(&client, &caller(GLOBAL_REGION, "iam"), 5_000)
            .await
            .users
            .expect("listed");
        assert_eq!(users[0].console_password, Ok(true));
        assert_eq!(users[0].mfa_devices, Some(Ok(1)));
        assert_eq!(users[1].console_password, Ok(false));
        assert_eq!(
            users[1].mfa_devices, None,
            "a machine user's devices are not read"
        );
        assert_eq!(devices.num_calls(), 1, "ListMFADevices for alice only");
    }

    #[tokio::test]
    async fn a_member_account_whose_root_credentials_were_removed_says_so() {
        let client = mocked_client!(
            aws_sdk_iam,
            // GetAccountSummary of a member account after centralized root access deleted the
            // root user's credentials.
            mock!(Client::get_account_summary).then_output(|| GetAccountSummaryOutput::builder()
                .summary_map(SummaryKeyType::AccountMfaEnabled, 0)
                .summary_map(SummaryKeyType::AccountAccessKeysPresent, 0)
                .summary_map(SummaryKeyType::AccountPasswordPresent, 0)
                .summary_map(SummaryKeyType::AccountSigningCertificatesPresent, 0)
                .summary_map(SummaryKeyType::Users, 3)
                .build()),
            mock!(Client::get_account_password_policy).then_error(|| {
                GetAccountPasswordPolicyError::generic(aws_error("NoSuchEntity"))
            }),
            mock!(Client::list_users).then_output(|| ListUsersOutput::builder()
                .set_users(Some(vec![]))
                .build()
                .expect("valid")),
        );
        let summary = collect(&client, &caller(GLOBAL_REGION, "iam"), 5_000)
            .await
            .account_summary
            .expect("read");
        assert_eq!(summary.root_password_present, Some(false));
        assert_eq!(summary.root_signing_certificates_present, Some(false));
        assert!(summary.root_credentials_absent());
    }
}
