use crate::check::Check;
use crate::{
    account, autoscaling, backup, cloudtrail, cloudwatch, cognito, dynamodb, ec2, ecs, efs, eks,
    elasticache, elb, elbv2, guardduty, iam, kms, organizations, rds, region, s3, secretsmanager,
    tagging, wafv2,
};
use std::sync::LazyLock;

/// Every check tomwatch knows: each service's `checks!` list, then the region table. A service
/// left out here is caught by `every_check_file_is_registered`.
static CHECKS: LazyLock<Vec<Check>> = LazyLock::new(|| {
    [
        account::CHECKS,
        autoscaling::CHECKS,
        backup::CHECKS,
        cloudtrail::CHECKS,
        cloudwatch::CHECKS,
        cognito::CHECKS,
        dynamodb::CHECKS,
        ec2::CHECKS,
        ecs::CHECKS,
        efs::CHECKS,
        eks::CHECKS,
        elasticache::CHECKS,
        elb::CHECKS,
        elbv2::CHECKS,
        guardduty::CHECKS,
        iam::CHECKS,
        kms::CHECKS,
        organizations::CHECKS,
        rds::CHECKS,
        s3::CHECKS,
        secretsmanager::CHECKS,
        tagging::CHECKS,
        wafv2::CHECKS,
        region::CHECKS,
    ]
    .concat()
});

pub fn all_checks() -> &'static [Check] {
    &CHECKS
}

pub fn find_check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The registry's meta-test: what Prowler and Cloud Custodian enforce with theirs.
    #[test]
    fn every_check_is_unique_and_complete() {
        let mut ids = HashSet::new();
        for check in all_checks() {
            let meta = &check.meta;
            assert!(ids.insert(meta.id), "duplicate check id {}", meta.id);
            assert!(
                meta.id.split('_').count() >= 3
                    && meta
                        .id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not <service>_<resource>_<property>",
                meta.id
            );
            assert!(!meta.title.is_empty(), "{} lacks a title", meta.id);
            assert!(
                meta.resource_type.starts_with("AWS::"),
                "{} resource type {}",
                meta.id,
                meta.resource_type
            );
        }
    }

    /// A check's ID is its file's name by construction (`check!`); what remains to prove is
    /// that every check file is reached, which a service missing from `CHECKS` would break.
    #[test]
    fn every_check_file_is_registered() {
        // At run time, not `env!`: a shared target directory reuses this binary for another checkout.
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
            .join("src");
        let mut files = Vec::new();
        for service in std::fs::read_dir(&root).expect("src is readable") {
            let service = service.expect("src entry").path();
            let Some(prefix) = service.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Ok(entries) = std::fs::read_dir(&service) else {
                continue;
            };
            for entry in entries {
                let name = entry.expect("service entry").file_name();
                let name = name.to_string_lossy();
                if let Some(id) = name.strip_suffix(".rs") {
                    if id.starts_with(&format!("{prefix}_")) {
                        files.push(id.to_string());
                    }
                }
            }
        }
        assert!(files.len() > 40, "found only {files:?}");
        for id in files {
            assert!(find_check(&id).is_some(), "{id}.rs is not registered");
        }
    }

    /// docs/CHECKS.md writes down each check's semantics: one `### \`id\`` section per check, and
    /// none for a check that no longer exists.
    #[test]
    fn every_check_has_its_section_in_the_checks_document() {
        let document = include_str!("../../../docs/CHECKS.md");
        let documented: HashSet<&str> = document
            .lines()
            .filter_map(|line| line.strip_prefix("### `")?.strip_suffix('`'))
            .collect();
        let registered: HashSet<&str> = all_checks().iter().map(|c| c.meta.id).collect();
        let mut missing: Vec<_> = registered.difference(&documented).collect();
        let mut stale: Vec<_> = documented.difference(&registered).collect();
        missing.sort();
        stale.sort();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "docs/CHECKS.md lacks {missing:?} and describes unknown {stale:?}"
        );
    }

    /// The region table's rows have no file of their own; their IDs follow the same shape, with
    /// the service and resource of their kind.
    #[test]
    fn region_rows_are_named_after_their_kind() {
        for check in crate::region::CHECKS {
            let id = check.meta.id;
            let service = id.split('_').next().expect("non-empty id");
            assert!(id.ends_with("_allowed_region"), "{id}");
            assert!(
                check
                    .meta
                    .resource_type
                    .to_ascii_lowercase()
                    .contains(service)
                    || matches!(
                        (service, check.meta.resource_type),
                        ("elbv2", "AWS::ElasticLoadBalancingV2::LoadBalancer")
                            | ("elb", "AWS::ElasticLoadBalancing::LoadBalancer")
                    ),
                "{id} judges {}",
                check.meta.resource_type
            );
        }
    }
}
