use crate::kinds;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "EBS volumes are encrypted with KMS",
    resource_type: "AWS::EC2::Volume",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        kinds::EC2_VOLUME.select,
        kinds::EC2_VOLUME.wildcard,
        |region, volume| {
            let verdict = if volume.encrypted {
                let subject = format!("volume {}", volume.volume_id);
                match required_key(ctx, &subject, region, volume.kms_key_id.as_deref(), "aws/ebs") {
                    Ok(key) => Verdict::pass(format!("{subject} is encrypted with {key}")),
                    Err(verdict) => verdict,
                }
            } else {
                Verdict::fail(format!("volume {} is not encrypted", volume.volume_id))
            };
            (volume.arn.clone(), verdict)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::EbsVolume;
    use tomwatch_model::Status;

    fn with_volumes(volumes: Vec<(&str, bool)>) -> Vec<Evidence> {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.volumes = Ok(volumes
            .into_iter()
            .map(|(id, encrypted)| EbsVolume {
                arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:volume/{id}"),
                volume_id: id.into(),
                encrypted,
                kms_key_id: encrypted.then(|| "arn:aws:kms:eu-central-1:111111111111:key/k".into()),
                tags: Default::default(),
            })
            .collect());
        run(&CHECK, &account)
    }

    #[test]
    fn encrypted_passes_unencrypted_fails() {
        let findings = with_volumes(vec![("vol-enc", true), ("vol-plain", false)]);
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert!(findings[1].message.contains("vol-plain is not encrypted"));
    }

    #[test]
    fn no_volumes_means_no_findings() {
        assert!(with_volumes(vec![]).is_empty());
    }

    #[test]
    fn denied_describe_volumes_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.volumes =
            Err(denied("ec2", "DescribeVolumes", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
