//! The AWS API calls that can change what a check sees, as CloudTrail records them: the table
//! event-driven rescans are planned from (issue 13), and a test in `tomwatch-checks` holds it
//! against every check's inputs.
//!
//! Only successful write calls matter: reads change nothing, and a failed call changed nothing.
//! An event is settled by recollecting the services it names in its account and region (global
//! services account-wide), described fresh rather than trusting the event's payload, which
//! often precedes the resource's tags.

mod resources;

pub use resources::{resource_changed_by, ResourceEvents, ResourceKind, RESOURCE_EVENTS};

use crate::ServiceKind::{self, *};

/// The write calls of one CloudTrail `eventSource` and the services whose collection they can
/// change.
#[derive(Debug)]
pub struct ChangeEvents {
    pub event_source: &'static str,
    pub services: &'static [ServiceKind],
    pub names: &'static [&'static str],
}

macro_rules! events {
    ($($source:literal => [$($service:ident),+] { $($name:literal),+ $(,)? })*) => {
        &[$(ChangeEvents {
            event_source: $source,
            services: &[$($service),+],
            names: &[$($name),+],
        }),*]
    };
}

pub static CHANGE_EVENTS: &[ChangeEvents] = events! {
    "ec2.amazonaws.com" => [Ec2] {
        "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules",
        "CreateSecurityGroup", "DeleteSecurityGroup", "RunInstances", "TerminateInstances",
        "ModifyInstanceAttribute", "ModifyInstanceMetadataOptions", "ModifyNetworkInterfaceAttribute",
        "CreateVolume", "DeleteVolume", "ModifyVolume", "EnableEbsEncryptionByDefault",
        "DisableEbsEncryptionByDefault", "ModifyEbsDefaultKmsKeyId", "ResetEbsDefaultKmsKeyId",
        "CreateSnapshot", "DeleteSnapshot", "ModifySnapshotAttribute", "CopySnapshot",
        "CreateVpc", "DeleteVpc", "CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute",
        "CreateFlowLogs", "DeleteFlowLogs", "CreateRoute", "ReplaceRoute", "DeleteRoute",
        "CreateRouteTable", "DeleteRouteTable", "AssociateRouteTable", "DisassociateRouteTable",
        "ReplaceRouteTableAssociation", "CreateInternetGateway", "AttachInternetGateway",
        "DetachInternetGateway", "DeleteInternetGateway", "CreateNetworkAcl", "DeleteNetworkAcl",
        "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry",
        "ReplaceNetworkAclAssociation", "CreateClientVpnEndpoint", "ModifyClientVpnEndpoint",
        "DeleteClientVpnEndpoint", "CreateVpnConnection", "DeleteVpnConnection",
        "CreateTags", "DeleteTags",
    }
    "rds.amazonaws.com" => [Rds] {
        "CreateDBInstance", "CreateDBInstanceReadReplica", "ModifyDBInstance", "DeleteDBInstance",
        "RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceToPointInTime", "CreateDBCluster",
        "ModifyDBCluster", "DeleteDBCluster", "RestoreDBClusterFromSnapshot",
        "RestoreDBClusterToPointInTime", "CreateDBParameterGroup", "ModifyDBParameterGroup",
        "ResetDBParameterGroup", "DeleteDBParameterGroup", "CreateDBClusterParameterGroup",
        "ModifyDBClusterParameterGroup", "ResetDBClusterParameterGroup",
        "DeleteDBClusterParameterGroup", "CreateDBSnapshot", "CopyDBSnapshot", "DeleteDBSnapshot",
        "ModifyDBSnapshotAttribute", "CreateDBClusterSnapshot", "CopyDBClusterSnapshot",
        "DeleteDBClusterSnapshot", "ModifyDBClusterSnapshotAttribute", "CreateDBSubnetGroup",
        "ModifyDBSubnetGroup", "DeleteDBSubnetGroup", "AddTagsToResource",
        "RemoveTagsFromResource",
    }
    "kms.amazonaws.com" => [Kms] {
        "CreateKey", "EnableKeyRotation", "DisableKeyRotation", "EnableKey", "DisableKey",
        "ScheduleKeyDeletion", "CancelKeyDeletion", "PutKeyPolicy", "CreateAlias", "UpdateAlias",
        "DeleteAlias", "ReplicateKey", "TagResource", "UntagResource",
    }
    "cloudtrail.amazonaws.com" => [CloudTrail] {
        "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging",
        "PutEventSelectors", "PutInsightSelectors", "AddTags", "RemoveTags",
    }
    // Classic and v2 load balancers share the event source and several call names; the
    // apiVersion of the event would tell them apart, but recollecting both is cheap and sure.
    "elasticloadbalancing.amazonaws.com" => [Elbv2, Elb] {
        "CreateLoadBalancer", "DeleteLoadBalancer", "CreateListener", "ModifyListener",
        "DeleteListener", "CreateRule", "ModifyRule", "DeleteRule", "CreateTargetGroup",
        "ModifyTargetGroup", "ModifyTargetGroupAttributes", "DeleteTargetGroup", "SetSubnets",
        "SetSecurityGroups", "SetIpAddressType", "ModifyLoadBalancerAttributes", "AddTags",
        "RemoveTags", "AddListenerCertificates", "RemoveListenerCertificates",
        "CreateLoadBalancerListeners", "DeleteLoadBalancerListeners",
        "SetLoadBalancerPoliciesOfListener", "SetLoadBalancerPoliciesForBackendServer",
        "CreateLoadBalancerPolicy", "DeleteLoadBalancerPolicy",
        "SetLoadBalancerListenerSSLCertificate", "EnableAvailabilityZonesForLoadBalancer",
        "DisableAvailabilityZonesForLoadBalancer", "AttachLoadBalancerToSubnets",
        "DetachLoadBalancerFromSubnets", "ApplySecurityGroupsToLoadBalancer",
    }
    // WAFv2 associations are collected with the load balancers they protect.
    "wafv2.amazonaws.com" => [Elbv2] {
        "AssociateWebACL", "DisassociateWebACL", "CreateWebACL", "UpdateWebACL", "DeleteWebACL",
        "UpdateRuleGroup", "UpdateManagedRuleSetVersionExpiryDate",
    }
    "cognito-idp.amazonaws.com" => [Cognito] {
        "CreateUserPool", "UpdateUserPool", "DeleteUserPool", "SetUserPoolMfaConfig",
        "SetRiskConfiguration", "CreateUserPoolClient", "UpdateUserPoolClient",
        "DeleteUserPoolClient", "CreateUserPoolDomain", "DeleteUserPoolDomain", "TagResource",
        "UntagResource",
    }
    "guardduty.amazonaws.com" => [GuardDuty] {
        "CreateDetector", "UpdateDetector", "DeleteDetector", "UpdateOrganizationConfiguration",
        "TagResource", "UntagResource",
    }
    "elasticache.amazonaws.com" => [ElastiCache] {
        "CreateReplicationGroup", "ModifyReplicationGroup", "DeleteReplicationGroup",
        "IncreaseReplicaCount", "DecreaseReplicaCount", "CreateCacheCluster", "ModifyCacheCluster",
        "DeleteCacheCluster", "CreateServerlessCache", "ModifyServerlessCache",
        "DeleteServerlessCache", "CreateCacheSubnetGroup", "ModifyCacheSubnetGroup",
        "DeleteCacheSubnetGroup", "AddTagsToResource", "RemoveTagsFromResource",
    }
    "autoscaling.amazonaws.com" => [AutoScaling] {
        "CreateAutoScalingGroup", "UpdateAutoScalingGroup", "DeleteAutoScalingGroup",
        "CreateOrUpdateTags", "DeleteTags", "AttachLoadBalancers", "DetachLoadBalancers",
        "AttachLoadBalancerTargetGroups", "DetachLoadBalancerTargetGroups", "AttachTrafficSources",
        "DetachTrafficSources", "PutScalingPolicy", "DeletePolicy",
    }
    "ecs.amazonaws.com" => [Ecs] {
        "CreateCluster", "UpdateCluster", "UpdateClusterSettings", "DeleteCluster",
        "CreateService", "UpdateService", "DeleteService", "RegisterTaskDefinition",
        "DeregisterTaskDefinition", "PutAccountSetting", "PutAccountSettingDefault",
        "TagResource", "UntagResource",
    }
    // Lambda's event names carry the API version (`UpdateFunctionConfiguration20150331v2`);
    // they are matched without it.
    "lambda.amazonaws.com" => [Lambda] {
        "CreateFunction", "UpdateFunctionConfiguration", "UpdateFunctionCode", "DeleteFunction",
        "AddPermission", "RemovePermission", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig",
        "DeleteFunctionUrlConfig", "PutFunctionConcurrency", "TagResource", "UntagResource",
    }
    "monitoring.amazonaws.com" => [CloudWatch] {
        "PutMetricAlarm", "PutCompositeAlarm", "DeleteAlarms", "EnableAlarmActions",
        "DisableAlarmActions", "PutAnomalyDetector", "DeleteAnomalyDetector", "TagResource",
        "UntagResource",
    }
    "backup.amazonaws.com" => [Backup] {
        "CreateBackupPlan", "UpdateBackupPlan", "DeleteBackupPlan", "CreateBackupSelection",
        "DeleteBackupSelection", "CreateBackupVault", "DeleteBackupVault",
        "PutBackupVaultAccessPolicy", "PutBackupVaultLockConfiguration", "TagResource",
        "UntagResource",
    }
    "elasticfilesystem.amazonaws.com" => [Efs] {
        "CreateFileSystem", "UpdateFileSystem", "DeleteFileSystem", "CreateMountTarget",
        "DeleteMountTarget", "PutBackupPolicy", "PutFileSystemPolicy", "DeleteFileSystemPolicy",
        "PutLifecycleConfiguration", "TagResource", "UntagResource",
    }
    "dynamodb.amazonaws.com" => [DynamoDb] {
        "CreateTable", "UpdateTable", "DeleteTable", "UpdateContinuousBackups",
        "RestoreTableFromBackup", "RestoreTableToPointInTime", "TagResource", "UntagResource",
    }
    "eks.amazonaws.com" => [Eks] {
        "CreateCluster", "UpdateClusterConfig", "UpdateClusterVersion", "DeleteCluster",
        "AssociateEncryptionConfig", "CreateNodegroup", "UpdateNodegroupConfig",
        "DeleteNodegroup", "TagResource", "UntagResource",
    }
    "ecr.amazonaws.com" => [Ecr] {
        "CreateRepository", "DeleteRepository", "PutImageScanningConfiguration",
        "PutImageTagMutability", "PutRegistryScanningConfiguration", "PutLifecyclePolicy",
        "DeleteLifecyclePolicy", "SetRepositoryPolicy", "DeleteRepositoryPolicy",
        "PutEncryptionConfiguration", "TagResource", "UntagResource",
    }
    "sqs.amazonaws.com" => [Sqs] {
        "CreateQueue", "DeleteQueue", "SetQueueAttributes", "TagQueue", "UntagQueue",
    }
    "sns.amazonaws.com" => [Sns] {
        "CreateTopic", "DeleteTopic", "SetTopicAttributes", "TagResource", "UntagResource",
    }
    "secretsmanager.amazonaws.com" => [SecretsManager] {
        "CreateSecret", "UpdateSecret", "DeleteSecret", "RestoreSecret", "RotateSecret",
        "CancelRotateSecret", "ReplicateSecretToRegions", "RemoveRegionsFromReplication",
        "PutResourcePolicy", "DeleteResourcePolicy", "TagResource", "UntagResource",
    }
    "s3.amazonaws.com" => [S3] {
        "CreateBucket", "DeleteBucket", "PutBucketPolicy", "DeleteBucketPolicy",
        "PutBucketEncryption", "DeleteBucketEncryption", "PutBucketTagging", "DeleteBucketTagging",
        "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", "PutBucketVersioning",
        "PutBucketLogging", "PutBucketAcl", "PutBucketReplication", "DeleteBucketReplication",
    }
    // IAM and Organizations are global: their events arrive in us-east-1.
    "iam.amazonaws.com" => [Iam] {
        "CreateUser", "DeleteUser", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
        "CreateVirtualMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice",
        "DeactivateMFADevice", "ResyncMFADevice", "CreateLoginProfile", "UpdateLoginProfile",
        "DeleteLoginProfile", "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
        "AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy",
        "AddUserToGroup", "RemoveUserFromGroup", "UploadSigningCertificate",
        "UpdateSigningCertificate", "DeleteSigningCertificate", "UploadSSHPublicKey",
        "DeleteSSHPublicKey", "TagUser", "UntagUser",
    }
    "organizations.amazonaws.com" => [Organizations] {
        "CreateAccount", "InviteAccountToOrganization", "AcceptHandshake",
        "RemoveAccountFromOrganization", "LeaveOrganization", "MoveAccount",
        "CreateOrganizationalUnit", "UpdateOrganizationalUnit", "DeleteOrganizationalUnit",
        "EnablePolicyType", "DisablePolicyType", "AttachPolicy", "DetachPolicy", "TagResource",
        "UntagResource",
    }
};

/// The services an event of `event_source` named `event_name` can change, or `None` when no
/// check reads what it changes.
pub fn services_changed_by(event_source: &str, event_name: &str) -> Option<&'static [ServiceKind]> {
    let name = without_api_version(event_name);
    CHANGE_EVENTS
        .iter()
        .find(|e| e.event_source == event_source)
        .filter(|e| e.names.contains(&name))
        .map(|e| e.services)
}

/// `UpdateFunctionConfiguration20150331v2` → `UpdateFunctionConfiguration`: CloudTrail names
/// some services' calls with the API version (Lambda, CloudFront) appended.
pub fn without_api_version(event_name: &str) -> &str {
    let bytes = event_name.as_bytes();
    let mut end = bytes.len();
    // An optional `v<digits>` …
    let mut digits = end;
    while digits > 0 && bytes[digits - 1].is_ascii_digit() {
        digits -= 1;
    }
    if digits < end && digits > 0 && bytes[digits - 1] == b'v' {
        end = digits - 1;
    }
    // … after exactly eight digits of a date.
    let mut date = end;
    while date > 0 && bytes[date - 1].is_ascii_digit() {
        date -= 1;
    }
    if end - date == 8 && date > 0 {
        &event_name[..date]
    } else {
        event_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_are_stripped_only_where_they_are_a_date() {
        assert_eq!(
            without_api_version("UpdateFunctionConfiguration20150331v2"),
            "UpdateFunctionConfiguration"
        );
        assert_eq!(
            without_api_version("CreateFunction20150331"),
            "CreateFunction"
        );
        assert_eq!(without_api_version("PutBucketPolicy"), "PutBucketPolicy");
        assert_eq!(without_api_version("Ec2v2"), "Ec2v2");
        assert_eq!(without_api_version("20150331"), "20150331");
    }

    #[test]
    fn write_calls_map_to_their_services_and_reads_to_none() {
        assert_eq!(
            services_changed_by("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
            Some(&[Ec2][..])
        );
        assert_eq!(
            services_changed_by(
                "lambda.amazonaws.com",
                "UpdateFunctionConfiguration20150331v2"
            ),
            Some(&[Lambda][..])
        );
        assert_eq!(
            services_changed_by("elasticloadbalancing.amazonaws.com", "ModifyListener"),
            Some(&[Elbv2, Elb][..])
        );
        assert_eq!(
            services_changed_by("ec2.amazonaws.com", "DescribeInstances"),
            None
        );
        assert_eq!(
            services_changed_by("example.amazonaws.com", "CreateUser"),
            None
        );
    }

    #[test]
    fn every_event_source_is_listed_once_and_every_service_has_events() {
        let mut sources: Vec<_> = CHANGE_EVENTS.iter().map(|e| e.event_source).collect();
        sources.sort_unstable();
        let before = sources.len();
        sources.dedup();
        assert_eq!(sources.len(), before, "an event source listed twice");
        for service in ServiceKind::ALL {
            assert!(
                CHANGE_EVENTS.iter().any(|e| e.services.contains(service)),
                "no event rescans {service:?}"
            );
        }
        for events in CHANGE_EVENTS {
            assert!(
                events.names.iter().all(|n| without_api_version(n) == *n),
                "{}: names are written without API versions",
                events.event_source
            );
        }
    }
}
