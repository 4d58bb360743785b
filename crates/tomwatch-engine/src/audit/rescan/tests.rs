use super::super::evaluate;
use super::super::part::{GlobalPart, Part, ServicePart};
use super::super::tests::{denied, scan_seeing_only_one_volume, ACCOUNT, VOLUME};
use crate::policy::Policy;
use crate::report::UnitReport;
use std::time::Duration;
use time::macros::date;
use tomwatch_model::inventory::{EbsVolume, Ec2Inventory, S3Inventory};
use tomwatch_model::{ServiceKind, Status, GLOBAL_REGION};

fn unit(region: &str, service: &'static str, success: bool) -> UnitReport {
    UnitReport {
        account_id: ACCOUNT.into(),
        region: region.into(),
        service,
        success,
        duration: Duration::from_millis(30),
    }
}

/// EC2 of eu-central-1 as a rescan after `aws ec2 create-volume --encrypted` would see it: the
/// same volume, encrypted now, and every other EC2 list readable and empty.
fn ec2_with_the_volume_encrypted() -> ServicePart {
    let mut ec2 = Ec2Inventory::failed(denied("eu-central-1", "ec2"));
    ec2.volumes = Ok(vec![EbsVolume {
        arn: VOLUME.into(),
        volume_id: "vol-plain".into(),
        encrypted: true,
        kms_key_id: Some("arn:aws:kms:eu-central-1:111111111111:key/k".into()),
        tags: [("managed-by".to_string(), "terraform".to_string())].into(),
    }]);
    ec2.instances = Ok(vec![]);
    ec2.security_groups = Ok(vec![]);
    ServicePart::Regional(Part::Ec2(Box::new(ec2)))
}

/// The findings of the built-in baseline on `scan`.
fn findings(scan: &super::AccountScan) -> Vec<tomwatch_model::Finding> {
    let policy = Policy {
        baseline: tomwatch_checks::Baseline::builtin(),
        suppressions: vec![],
    };
    evaluate(scan, &policy, date!(2026 - 12 - 04)).findings
}

fn volume_verdict(scan: &super::AccountScan) -> Status {
    findings(scan)
        .iter()
        .find(|f| f.check_id == "ec2_volume_encrypted" && f.resource_id == VOLUME)
        .map(|f| f.status)
        .expect("the volume is judged")
}

/// What the scan holds for RDS in eu-central-1, to compare before and after.
fn rds_of(scan: &super::AccountScan) -> String {
    format!(
        "{:?}",
        scan.inventory
            .regions
            .as_ref()
            .map(|r| &r["eu-central-1"].rds)
    )
}

#[test]
fn a_recollected_service_replaces_its_collection_and_its_unit_and_nothing_else() {
    let mut scan = scan_seeing_only_one_volume();
    scan.units = vec![
        unit("eu-central-1", "ec2", false),
        unit("eu-central-1", "rds", false),
    ];
    assert_eq!(volume_verdict(&scan), Status::Fail);
    let rds_before = rds_of(&scan);

    assert!(scan.covers("eu-central-1", ServiceKind::Ec2));
    assert!(scan.replace(
        ec2_with_the_volume_encrypted(),
        unit("eu-central-1", "ec2", true)
    ));

    assert_eq!(
        volume_verdict(&scan),
        Status::Pass,
        "judged on the fresh EC2 data"
    );
    let units: Vec<(&str, bool)> = scan.units.iter().map(|u| (u.service, u.success)).collect();
    assert_eq!(
        units,
        [("ec2", true), ("rds", false)],
        "the unit's report replaced in place"
    );
    let rds_after = rds_of(&scan);
    assert_eq!(
        rds_before, rds_after,
        "the other services of the region are kept as they were"
    );
}

#[test]
fn a_region_the_scan_did_not_cover_is_left_to_the_next_full_scan() {
    let mut scan = scan_seeing_only_one_volume();
    assert!(!scan.covers("us-east-1", ServiceKind::Ec2));
    assert!(!scan.replace(
        ec2_with_the_volume_encrypted(),
        unit("us-east-1", "ec2", true)
    ));
    assert!(
        scan.units.is_empty(),
        "no unit report for a region never scanned"
    );
    assert_eq!(
        scan.inventory.regions.as_ref().map(|r| r.len()).ok(),
        Some(1)
    );

    // An account whose region list could not be read covers no region at all.
    scan.inventory.regions = Err(denied("eu-central-1", "ec2"));
    assert!(!scan.covers("eu-central-1", ServiceKind::Ec2));
    assert!(!scan.replace(
        ec2_with_the_volume_encrypted(),
        unit("eu-central-1", "ec2", true)
    ));
}

#[test]
fn a_global_service_is_replaced_account_wide_and_a_failed_rescan_is_unknown_not_stale() {
    let mut scan = scan_seeing_only_one_volume();
    assert!(scan.covers(GLOBAL_REGION, ServiceKind::S3));
    assert!(scan.inventory.s3.buckets.is_err());
    let s3 = S3Inventory {
        buckets: Ok(vec![]),
    };
    assert!(scan.replace(
        ServicePart::Global(GlobalPart::S3(Box::new(s3))),
        unit(GLOBAL_REGION, "s3", true)
    ));
    assert_eq!(
        scan.inventory.s3.buckets.as_ref().map(Vec::len).ok(),
        Some(0)
    );

    // A rescan whose calls failed replaces the old data with its error: the verdicts that
    // depend on it turn UNKNOWN instead of keeping what may no longer be true.
    assert!(scan.replace(
        ServicePart::failed(ServiceKind::Ec2, denied("eu-central-1", "ec2")),
        unit("eu-central-1", "ec2", false)
    ));
    assert_eq!(volume_verdict_or_unknown(&scan), Status::Unknown);
}

fn volume_verdict_or_unknown(scan: &super::AccountScan) -> Status {
    let findings = findings(scan);
    assert!(
        !findings
            .iter()
            .any(|f| f.check_id == "ec2_volume_encrypted" && f.resource_id == VOLUME),
        "no verdict on a volume that could not be seen"
    );
    findings
        .iter()
        .find(|f| f.check_id == "ec2_volume_encrypted")
        .map(|f| f.status)
        .expect("an UNKNOWN finding for the unreadable volume list")
}

mod single_resources {
    use super::super::super::tests::scan_seeing_only_one_volume;
    use super::super::resource::{plan, FreshResource};
    use super::findings;
    use crate::events::{Rescan, ResourceRef};
    use tomwatch_model::change_events::ResourceKind;
    use tomwatch_model::inventory::{IpPermission, SecurityGroup};
    use tomwatch_model::{ServiceKind, Status};

    const CHECK: &str = "ec2_security_group_world_ingress_web_only";

    fn group(id: &str, world_ports: Option<i32>) -> SecurityGroup {
        SecurityGroup {
            arn: format!("arn:aws:ec2:eu-central-1:111111111111:security-group/{id}"),
            group_id: id.into(),
            group_name: id.into(),
            vpc_id: Some("vpc-1".into()),
            is_default: false,
            ingress: world_ports
                .map(|port| IpPermission {
                    protocol: "tcp".into(),
                    from_port: Some(port),
                    to_port: Some(port),
                    ipv4_ranges: vec!["0.0.0.0/0".into()],
                    ipv6_ranges: vec![],
                    prefix_lists: vec![],
                })
                .into_iter()
                .collect(),
            egress: vec![],
        }
    }

    fn verdicts(scan: &super::super::AccountScan) -> Vec<(String, Status)> {
        findings(scan)
            .into_iter()
            .filter(|f| f.check_id == CHECK)
            .map(|f| {
                (
                    f.resource_id.rsplit('/').next().unwrap_or("").to_string(),
                    f.status,
                )
            })
            .collect()
    }

    fn rescan(region: &str, resource: Option<&str>) -> Rescan {
        Rescan {
            account_id: "111111111111".into(),
            region: region.into(),
            service: ServiceKind::Ec2,
            resource: resource.map(|id| ResourceRef {
                kind: ResourceKind::SecurityGroup,
                id: id.into(),
            }),
        }
    }

    #[test]
    fn a_described_again_group_replaces_only_itself() {
        let mut scan = scan_seeing_only_one_volume();
        if let Ok(regions) = &mut scan.inventory.regions {
            regions
                .get_mut("eu-central-1")
                .expect("region")
                .ec2
                .security_groups = Ok(vec![group("sg-web", Some(443)), group("sg-db", None)]);
        }
        let both_pass = vec![
            ("sg-web".into(), Status::Pass),
            ("sg-db".into(), Status::Pass),
        ];
        assert_eq!(verdicts(&scan), both_pass);

        let opened = FreshResource::SecurityGroup {
            id: "sg-db".into(),
            group: Some(group("sg-db", Some(5432))),
        };
        assert!(scan.patch("eu-central-1", opened));
        assert_eq!(
            verdicts(&scan),
            vec![
                ("sg-web".into(), Status::Pass),
                ("sg-db".into(), Status::Fail)
            ]
        );

        let deleted = FreshResource::SecurityGroup {
            id: "sg-db".into(),
            group: None,
        };
        assert!(scan.patch("eu-central-1", deleted));
        assert_eq!(verdicts(&scan), vec![("sg-web".into(), Status::Pass)]);

        let created = FreshResource::SecurityGroup {
            id: "sg-new".into(),
            group: Some(group("sg-new", None)),
        };
        assert!(scan.patch("eu-central-1", created));
        assert_eq!(verdicts(&scan).len(), 2);
    }

    #[test]
    fn a_group_is_not_patched_into_a_list_that_was_never_read() {
        // The kept scan could not read the region's groups (AccessDenied): one fresh group
        // beside an unknown list would judge that group alone as if the list were complete.
        let mut scan = scan_seeing_only_one_volume();
        let fresh = FreshResource::SecurityGroup {
            id: "sg-db".into(),
            group: Some(group("sg-db", Some(5432))),
        };
        assert!(!scan.patch("eu-central-1", fresh.clone()));
        assert!(
            !scan.patch("eu-west-1", fresh),
            "a region the scan does not hold"
        );
        assert!(verdicts(&scan).iter().all(|(_, s)| *s == Status::Unknown));
    }

    #[test]
    fn a_service_rescan_makes_resource_rescans_of_its_region_redundant() {
        let group_here = rescan("eu-central-1", Some("sg-1"));
        let whole_here = rescan("eu-central-1", None);
        let group_there = rescan("eu-west-1", Some("sg-2"));
        let (single, whole) = plan(&[&group_here, &whole_here, &group_there]);
        let single: Vec<&Rescan> = single.into_iter().map(|(rescan, _)| rescan).collect();
        assert_eq!(single, vec![&group_there]);
        assert_eq!(
            whole.into_iter().collect::<Vec<_>>(),
            vec![("eu-central-1".to_string(), ServiceKind::Ec2)]
        );
    }
}
