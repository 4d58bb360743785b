use crate::check::Check;
use crate::{
    account, autoscaling, backup, cloudtrail, cloudwatch, cognito, ec2, ecs, elasticache, elbv2,
    guardduty, iam, kms, lambda, organizations, rds, s3, tagging, wafv2,
};

/// Every check tomwatch knows, in a stable order.
static CHECKS: &[Check] = &[
    ec2::ec2_instance_allowed_region::CHECK,
    ec2::ec2_volume_allowed_region::CHECK,
    rds::rds_instance_allowed_region::CHECK,
    s3::s3_bucket_allowed_region::CHECK,
    kms::kms_key_allowed_region::CHECK,
    s3::s3_bucket_default_encryption_kms::CHECK,
    rds::rds_instance_storage_encrypted::CHECK,
    rds::rds_snapshot_encrypted::CHECK,
    ec2::ec2_volume_encrypted::CHECK,
    ec2::ec2_ebs_encryption_by_default::CHECK,
    kms::kms_key_rotation_enabled::CHECK,
    ec2::ec2_security_group_world_ingress_web_only::CHECK,
    rds::rds_instance_not_public::CHECK,
    rds::rds_instance_private_subnets::CHECK,
    cloudtrail::cloudtrail_account_multi_region_trail::CHECK,
    cloudtrail::cloudtrail_trail_multi_region::CHECK,
    cloudtrail::cloudtrail_trail_log_file_validation::CHECK,
    cloudtrail::cloudtrail_trail_kms_encrypted::CHECK,
    rds::rds_instance_multi_az::CHECK,
    rds::rds_instance_backup_enabled::CHECK,
    iam::iam_root_mfa_enabled::CHECK,
    iam::iam_user_console_mfa::CHECK,
    iam::iam_access_key_rotated::CHECK,
    iam::iam_password_policy_strong::CHECK,
    ec2::ec2_security_group_admin_ports_restricted::CHECK,
    account::account_environment_declared::CHECK,
    organizations::organizations_account_member::CHECK,
    elbv2::elbv2_listener_http_redirects_https::CHECK,
    elbv2::elbv2_listener_tls12_policy::CHECK,
    elbv2::elbv2_load_balancer_allowed_region::CHECK,
    elbv2::elbv2_load_balancer_multi_az::CHECK,
    elbv2::elbv2_load_balancer_waf_attached::CHECK,
    wafv2::wafv2_web_acl_required_rules::CHECK,
    cognito::cognito_user_pool_mfa_required::CHECK,
    cognito::cognito_user_pool_password_policy::CHECK,
    cognito::cognito_user_pool_threat_protection::CHECK,
    cognito::cognito_user_pool_allowed_region::CHECK,
    tagging::tagging_workload_managed_as_code::CHECK,
    tagging::tagging_workload_environment_matches::CHECK,
    s3::s3_bucket_secure_transport::CHECK,
    guardduty::guardduty_detector_enabled::CHECK,
    ec2::ec2_security_group_default_restricts_all::CHECK,
    ec2::ec2_vpc_flow_logs_enabled::CHECK,
    cloudtrail::cloudtrail_trail_management_events::CHECK,
    cloudtrail::cloudtrail_account_s3_data_events::CHECK,
    rds::rds_instance_tls_enforced::CHECK,
    elasticache::elasticache_cluster_allowed_region::CHECK,
    elasticache::elasticache_replication_group_encrypted_at_rest::CHECK,
    elasticache::elasticache_replication_group_transit_encryption::CHECK,
    elasticache::elasticache_replication_group_multi_az::CHECK,
    elasticache::elasticache_cluster_private_subnets::CHECK,
    rds::rds_cluster_allowed_region::CHECK,
    rds::rds_cluster_storage_encrypted::CHECK,
    rds::rds_cluster_snapshot_encrypted::CHECK,
    rds::rds_cluster_tls_enforced::CHECK,
    rds::rds_cluster_multi_az::CHECK,
    rds::rds_cluster_backup_enabled::CHECK,
    autoscaling::autoscaling_group_allowed_region::CHECK,
    autoscaling::autoscaling_group_redundant::CHECK,
    ecs::ecs_cluster_allowed_region::CHECK,
    ecs::ecs_service_redundant::CHECK,
    lambda::lambda_function_allowed_region::CHECK,
    cloudwatch::cloudwatch_region_alarms_with_actions::CHECK,
    backup::backup_vault_encrypted::CHECK,
    backup::backup_recovery_point_encrypted::CHECK,
    backup::backup_region_daily_plan::CHECK,
];

pub fn all_checks() -> &'static [Check] {
    CHECKS
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

    #[test]
    fn check_ids_equal_their_module_file_names() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        for check in all_checks() {
            let service = check.meta.id.split('_').next().unwrap_or_default();
            let path = format!("{root}/{service}/{}.rs", check.meta.id);
            assert!(
                std::path::Path::new(&path).exists(),
                "{} should live in {path}",
                check.meta.id
            );
        }
    }
}
