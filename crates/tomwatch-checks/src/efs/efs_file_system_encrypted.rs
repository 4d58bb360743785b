use crate::check::{EvalContext, Evidence};
use crate::kinds::EFS_FILE_SYSTEM;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "EFS file systems are encrypted at rest with KMS",
    resource_type: "AWS::EFS::FileSystem",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &EFS_FILE_SYSTEM, |region, fs| {
            let subject = format!("file system {}", fs.file_system_id);
            let verdict = match fs.encrypted {
                // EFS encrypts with its AWS managed key when none is named.
                true => match required_key(
                    ctx,
                    &subject,
                    region,
                    fs.kms_key_id.as_deref(),
                    "aws/elasticfilesystem",
                ) {
                    Ok(key) => Verdict::pass(format!("{subject} is encrypted with {key}")),
                    Err(verdict) => verdict,
                },
                // Encryption at rest is chosen at creation and cannot be turned on later.
                false => Verdict::fail(format!(
                    "file system {} is not encrypted at rest",
                    fs.file_system_id
                )),
            };
            (fs.arn.clone(), verdict)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::EfsFileSystem;
    use tomwatch_model::Status;

    fn file_system(id: &str, encrypted: bool, key: Option<&str>) -> EfsFileSystem {
        EfsFileSystem {
            arn: format!("arn:aws:elasticfilesystem:eu-central-1:{ACCOUNT}:file-system/{id}"),
            file_system_id: id.into(),
            encrypted,
            kms_key_id: key.map(str::to_string),
            tags: Default::default(),
        }
    }

    #[test]
    fn encrypted_file_systems_pass_and_plain_ones_fail() {
        let mut account = account(&["eu-central-1"]);
        let key = "arn:aws:kms:eu-central-1:111111111111:key/k";
        region_mut(&mut account, "eu-central-1").efs.file_systems = Ok(vec![
            file_system("fs-cmk", true, Some(key)),
            file_system("fs-aws", true, None),
            file_system("fs-plain", false, None),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Pass, Status::Fail]);
        assert!(findings[0].message.ends_with(key), "{}", findings[0].message);
        assert!(findings[1].message.contains("aws/elasticfilesystem"));
        assert_eq!(
            findings[2].message,
            "file system fs-plain is not encrypted at rest"
        );
    }

    #[test]
    fn a_region_whose_file_systems_could_not_be_listed_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").efs.file_systems = Err(denied(
            "elasticfilesystem",
            "DescribeFileSystems",
            "eu-central-1",
        ));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:elasticfilesystem:eu-central-1:{ACCOUNT}:file-system/*")
        );
    }
}
