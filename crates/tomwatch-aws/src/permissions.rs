//! The IAM actions each collector calls: the source of tomwatch's least-privilege policy.
//! The serve end-to-end test checks that every operation the collectors call is listed here.

use tomwatch_model::ServiceKind;

/// Actions needed once per account, whatever services are scanned. `ssm:GetParameters` reads
/// AWS's public list of the services each region offers (`crate::availability`).
pub const ACCOUNT_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "ec2:DescribeRegions",
    "ssm:GetParameters",
];

/// Actions on the event queue (issue 13), granted on that queue alone by `deploy/events/`:
/// they change the queue, so they are not part of the read-only audit policy.
pub const EVENT_QUEUE_ACTIONS: &[&str] = &["sqs:ReceiveMessage", "sqs:DeleteMessage"];

/// What `tomwatch audit --export securityhub` calls, on the account's own default product (the
/// product ARN every account imports its own findings under).
pub const SECURITY_HUB_EXPORT_ACTIONS: &[&str] = &["securityhub:BatchImportFindings"];
const SECURITY_HUB_OWN_PRODUCT: &str = "arn:aws:securityhub:*:*:product/*/default";

/// The optional statements of the generated policy, each for a feature the config turns on.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicyExtras<'a> {
    /// `events.queue_url`'s queue: read and delete its messages.
    pub event_queue_arn: Option<&'a str>,
    /// `--export securityhub`: import findings.
    pub security_hub_export: bool,
}

pub fn actions(service: ServiceKind) -> &'static [&'static str] {
    match service {
        ServiceKind::Ec2 => &[
            "ec2:DescribeInstances",
            "ec2:DescribeVolumes",
            "ec2:DescribeSecurityGroups",
            "ec2:GetManagedPrefixListEntries",
            "ec2:GetEbsEncryptionByDefault",
            "ec2:DescribeRouteTables",
            "ec2:DescribeVpcs",
            "ec2:DescribeFlowLogs",
            "ec2:DescribeNetworkInterfaces",
        ],
        ServiceKind::Rds => &[
            "rds:DescribeDBInstances",
            "rds:DescribeDBSnapshots",
            "rds:DescribeDBParameters",
            "rds:DescribeOptionGroups",
            "rds:DescribeDBClusters",
            "rds:DescribeDBClusterParameters",
            "rds:DescribeDBClusterSnapshots",
        ],
        ServiceKind::Kms => &[
            "kms:ListKeys",
            "kms:DescribeKey",
            "kms:GetKeyRotationStatus",
        ],
        ServiceKind::CloudTrail => &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
        ],
        ServiceKind::Elbv2 => &[
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeSSLPolicies",
            "elasticloadbalancing:DescribeTargetGroups",
            "wafv2:ListWebACLs",
            "wafv2:ListResourcesForWebACL",
            "wafv2:GetWebACL",
            "wafv2:GetWebACLForResource",
        ],
        ServiceKind::Cognito => &["cognito-idp:ListUserPools", "cognito-idp:DescribeUserPool"],
        ServiceKind::GuardDuty => &["guardduty:ListDetectors", "guardduty:GetDetector"],
        ServiceKind::ElastiCache => &[
            "elasticache:DescribeReplicationGroups",
            "elasticache:DescribeCacheClusters",
            "elasticache:DescribeCacheSubnetGroups",
            "elasticache:DescribeServerlessCaches",
            "elasticache:ListTagsForResource",
        ],
        ServiceKind::AutoScaling => &["autoscaling:DescribeAutoScalingGroups"],
        ServiceKind::Ecs => &[
            "ecs:ListClusters",
            "ecs:DescribeClusters",
            "ecs:ListServices",
            "ecs:DescribeServices",
        ],
        ServiceKind::Lambda => &["lambda:ListFunctions", "lambda:ListTags"],
        ServiceKind::Efs => &["elasticfilesystem:DescribeFileSystems"],
        ServiceKind::DynamoDb => &[
            "dynamodb:ListTables",
            "dynamodb:DescribeTable",
            "dynamodb:ListTagsOfResource",
        ],
        ServiceKind::Eks => &["eks:ListClusters", "eks:DescribeCluster"],
        ServiceKind::Ecr => &["ecr:DescribeRepositories"],
        ServiceKind::Sqs => &["sqs:ListQueues"],
        ServiceKind::Sns => &["sns:ListTopics"],
        ServiceKind::SecretsManager => &["secretsmanager:ListSecrets"],
        ServiceKind::Elb => &[
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeLoadBalancerPolicies",
            "elasticloadbalancing:DescribeTags",
        ],
        ServiceKind::CloudWatch => &["cloudwatch:DescribeAlarms"],
        ServiceKind::Backup => &[
            "backup:ListBackupVaults",
            "backup:ListRecoveryPointsByBackupVault",
            "backup:ListBackupPlans",
            "backup:GetBackupPlan",
            "backup:ListBackupSelections",
            "backup:GetBackupSelection",
        ],
        ServiceKind::S3 => &[
            "s3:ListAllMyBuckets",
            "s3:GetBucketLocation",
            "s3:GetEncryptionConfiguration",
            "s3:GetBucketTagging",
            "s3:GetBucketPolicy",
        ],
        ServiceKind::Iam => &[
            "iam:GetAccountSummary",
            "iam:GetAccountPasswordPolicy",
            "iam:ListUsers",
            "iam:GetLoginProfile",
            "iam:ListMFADevices",
            "iam:ListAccessKeys",
            "iam:GetAccessKeyLastUsed",
        ],
        ServiceKind::Organizations => &["organizations:DescribeOrganization"],
    }
}

/// The IAM action that permits `operation` of the service tomwatch labels `service` (its
/// metric label): what an operator must add when AWS answers AccessDenied. Most actions are
/// `<prefix>:<Operation>`; the policy's own list decides where they differ (S3's ListBuckets is
/// `s3:ListAllMyBuckets`, a load balancer's WAF lookup is `wafv2:`).
pub fn iam_action(service: &str, operation: &str) -> String {
    if service == "s3" {
        if let Some((_, action)) = S3_RENAMED.iter().find(|(op, _)| *op == operation) {
            return action.to_string();
        }
    }
    ServiceKind::ALL
        .iter()
        .filter(|kind| kind.name() == service)
        .flat_map(|kind| actions(*kind).iter())
        .chain(ACCOUNT_ACTIONS)
        .find(|action| {
            action
                .split_once(':')
                .is_some_and(|(_, name)| name == operation)
        })
        .map(|action| action.to_string())
        .unwrap_or_else(|| format!("{service}:{operation}")) // default: the documented naming rule
}

/// S3 operations whose IAM action has another name.
const S3_RENAMED: &[(&str, &str)] = &[
    ("ListBuckets", "s3:ListAllMyBuckets"),
    ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
];

/// The whole read-only policy document tomwatch needs, as JSON.
pub fn policy_document() -> String {
    policy_document_for(PolicyExtras::default())
}

/// The read-only policy, plus a statement for the event queue at `event_queue_arn` (that queue
/// alone) where tomwatch reads change events.
pub fn policy_document_for(extras: PolicyExtras<'_>) -> String {
    let mut all: Vec<&str> = ACCOUNT_ACTIONS.to_vec();
    for service in ServiceKind::ALL {
        all.extend(actions(*service));
    }
    all.sort_unstable();
    all.dedup();
    let mut statements = vec![serde_json::json!(
        {"Sid": "TomwatchReadOnlyAudit", "Effect": "Allow", "Action": all, "Resource": "*"}
    )];
    if let Some(queue) = extras.event_queue_arn {
        statements.push(serde_json::json!(
            {"Sid": "TomwatchEventQueue", "Effect": "Allow", "Action": EVENT_QUEUE_ACTIONS, "Resource": queue}
        ));
    }
    if extras.security_hub_export {
        statements.push(serde_json::json!(
            {"Sid": "TomwatchSecurityHubExport", "Effect": "Allow", "Action": SECURITY_HUB_EXPORT_ACTIONS, "Resource": SECURITY_HUB_OWN_PRODUCT}
        ));
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tomwatch only reads: an action that could change a resource (or a wildcard that admits
    /// one) must never slip into the policy customers deploy.
    #[test]
    fn the_missing_action_is_named_as_the_policy_names_it() {
        assert_eq!(iam_action("sqs", "ListQueues"), "sqs:ListQueues");
        assert_eq!(iam_action("s3", "ListBuckets"), "s3:ListAllMyBuckets");
        assert_eq!(
            iam_action("s3", "GetBucketEncryption"),
            "s3:GetEncryptionConfiguration"
        );
        assert_eq!(
            iam_action("elb", "DescribeLoadBalancerPolicies"),
            "elasticloadbalancing:DescribeLoadBalancerPolicies"
        );
        assert_eq!(
            iam_action("wafv2", "GetWebACLForResource"),
            "wafv2:GetWebACLForResource"
        );
        assert_eq!(iam_action("ec2", "DescribeRegions"), "ec2:DescribeRegions");
        assert_eq!(
            iam_action("sts", "GetCallerIdentity"),
            "sts:GetCallerIdentity"
        );
    }

    #[test]
    fn every_action_only_reads_and_names_one_operation() {
        let document: serde_json::Value =
            serde_json::from_str(&policy_document()).expect("the policy is JSON");
        let actions = document["Statement"][0]["Action"]
            .as_array()
            .expect("a list of actions");
        assert!(actions.len() >= 20, "{actions:?}");
        for action in actions {
            let action = action.as_str().expect("an action is a string");
            let (prefix, operation) = action.split_once(':').expect("prefix:Operation");
            assert!(
                !prefix.is_empty()
                    && prefix
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{action}: the service prefix"
            );
            let verb = ["Describe", "List", "Get"]
                .into_iter()
                .find(|verb| operation.starts_with(verb));
            assert!(
                verb.is_some_and(|verb| operation[verb.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())),
                "{action} is not a Describe*, List* or Get* operation"
            );
            assert!(
                !action.contains('*') && !action.contains('?'),
                "{action}: no wildcards"
            );
        }
        assert_eq!(document["Statement"][0]["Effect"], "Allow");
    }
}
