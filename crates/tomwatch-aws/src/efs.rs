use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_efs::types::FileSystemDescription;
use aws_sdk_efs::Client;
use tomwatch_model::inventory::{EfsFileSystem, EfsInventory};
use tomwatch_model::Collected;

const OP: &str = "DescribeFileSystems";

impl RegionalCollection for EfsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "elasticfilesystem", aws_sdk_efs);
        collect(&client, &session.caller(region, "elasticfilesystem")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> EfsInventory {
    let file_systems = async {
        let pages = all_pages!(caller, OP, client.describe_file_systems()).await?;
        pages
            .iter()
            .flat_map(|page| page.file_systems())
            .map(|fs| file_system(caller, fs))
            .collect()
    };
    EfsInventory {
        file_systems: file_systems.await,
    }
}

/// One described file system as the model holds it (pure: the caller only names the scope of a
/// field the response lacked).
fn file_system(caller: &Caller, fs: &FileSystemDescription) -> Collected<EfsFileSystem> {
    Ok(EfsFileSystem {
        arn: fs
            .file_system_arn()
            .ok_or_else(|| caller.missing(OP, "FileSystemArn"))?
            .to_string(),
        file_system_id: fs.file_system_id().to_string(),
        encrypted: fs
            .encrypted()
            .ok_or_else(|| caller.missing(OP, "Encrypted"))?,
        kms_key_id: fs.kms_key_id().map(str::to_string),
        tags: fs
            .tags()
            .iter()
            .map(|tag| (tag.key().to_string(), tag.value().to_string()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{caller, mocked_client};
    use aws_sdk_efs::operation::describe_file_systems::DescribeFileSystemsOutput;
    use aws_sdk_efs::types::{LifeCycleState, PerformanceMode, Tag};
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn description(id: &str, encrypted: Option<bool>, key: Option<&str>) -> FileSystemDescription {
        FileSystemDescription::builder()
            .owner_id("111111111111")
            .creation_token(format!("token-{id}"))
            .file_system_id(id)
            .file_system_arn(format!(
                "arn:aws:elasticfilesystem:eu-central-1:111111111111:file-system/{id}"
            ))
            .creation_time(aws_sdk_efs::primitives::DateTime::from_secs(1_700_000_000))
            .life_cycle_state(LifeCycleState::Available)
            .number_of_mount_targets(2)
            .size_in_bytes(
                aws_sdk_efs::types::FileSystemSize::builder()
                    .value(6144)
                    .build(),
            )
            .performance_mode(PerformanceMode::GeneralPurpose)
            .set_encrypted(encrypted)
            .set_kms_key_id(key.map(str::to_string))
            .tags(Tag::builder().key("Name").value(id).build().expect("tag"))
            .build()
            .expect("every required field is set")
    }

    fn efs_caller() -> Caller {
        caller("eu-central-1", "elasticfilesystem")
    }

    #[test]
    fn a_description_becomes_the_model_with_its_key_and_tags() {
        let key = "arn:aws:kms:eu-central-1:111111111111:key/k";
        let fs = file_system(&efs_caller(), &description("fs-1", Some(true), Some(key)))
            .expect("complete description");
        assert_eq!(
            fs,
            EfsFileSystem {
                arn: "arn:aws:elasticfilesystem:eu-central-1:111111111111:file-system/fs-1".into(),
                file_system_id: "fs-1".into(),
                encrypted: true,
                kms_key_id: Some(key.into()),
                tags: [("Name".to_string(), "fs-1".to_string())].into(),
            }
        );
    }

    #[test]
    fn a_missing_encryption_flag_is_an_error_not_unencrypted() {
        let error = file_system(&efs_caller(), &description("fs-1", None, None))
            .expect_err("Encrypted is required");
        assert_eq!(error.kind, ErrorKind::Other);
        assert!(error.message.contains("Encrypted"), "{}", error.message);
    }

    #[tokio::test]
    async fn every_page_is_read_and_a_denied_listing_is_the_error() {
        let pages = mock!(Client::describe_file_systems)
            .sequence()
            .output(|| {
                DescribeFileSystemsOutput::builder()
                    .file_systems(description("fs-1", Some(true), None))
                    .next_marker("m")
                    .build()
            })
            .output(|| {
                DescribeFileSystemsOutput::builder()
                    .file_systems(description("fs-2", Some(false), None))
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_efs, pages);
        let listed = collect(&client, &efs_caller())
            .await
            .file_systems
            .expect("listed");
        let seen: Vec<(&str, bool)> = listed
            .iter()
            .map(|fs| (fs.file_system_id.as_str(), fs.encrypted))
            .collect();
        assert_eq!(seen, vec![("fs-1", true), ("fs-2", false)]);

        let denied = mock!(Client::describe_file_systems).then_error(|| {
            aws_sdk_efs::operation::describe_file_systems::DescribeFileSystemsError::generic(
                crate::testing::aws_error("AccessDeniedException"),
            )
        });
        let client = mocked_client!(aws_sdk_efs, denied);
        let error = collect(&client, &efs_caller())
            .await
            .file_systems
            .expect_err("denied");
        assert_eq!((error.kind, error.operation), (ErrorKind::AccessDenied, OP));
    }
}
