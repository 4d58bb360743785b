use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "ec2_volume_allowed_region",
        title: "EBS volumes exist only in allowed regions",
        resource_type: "AWS::EC2::Volume",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.ec2.volumes,
        "arn:aws:ec2:{region}:{account}:volume/*",
        |region, volume| {
            (
                volume.arn.clone(),
                region_verdict(ctx, &format!("volume {}", volume.volume_id), region),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::EbsVolume;
    use tomwatch_model::Status;

    fn volume(region: &str) -> EbsVolume {
        EbsVolume {
            arn: format!("arn:aws:ec2:{region}:{ACCOUNT}:volume/vol-1"),
            volume_id: "vol-1".into(),
            encrypted: true,
            kms_key_id: None,
            tags: Default::default(),
        }
    }

    #[test]
    fn verdict_follows_the_volume_region() {
        for (region, expected) in [
            ("eu-west-1", Status::Pass),
            ("ap-southeast-2", Status::Fail),
        ] {
            let mut account = account(&[region]);
            region_mut(&mut account, region).ec2.volumes = Ok(vec![volume(region)]);
            assert_eq!(only(run(&CHECK, &account)).1, expected, "{region}");
        }
    }

    #[test]
    fn unlistable_volumes_are_unknown() {
        let mut account = account(&["eu-west-1"]);
        region_mut(&mut account, "eu-west-1").ec2.volumes =
            Err(denied("ec2", "DescribeVolumes", "eu-west-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
