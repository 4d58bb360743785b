//! TOM-REGION, "every workload only in allowed regions", for every kind of resource: one row
//! per check over the shared kinds table. A check's ID is `<service>_<resource>_allowed_region`
//! and lives here rather than in a file of its own, because the rows differ only in data.

use crate::check::{region_verdict, Check, CheckMeta, EvalContext, Evidence};
use crate::kinds::{self, everywhere, Kind, Placed};
use crate::verdict::Verdict;
use tomwatch_model::GLOBAL_REGION;

/// One `Check` per row: `<id>: "<title>", <kind in crate::kinds>;`.
macro_rules! allowed_region_checks {
    ($($id:ident: $title:literal, $kind:ident;)*) => {
        pub(crate) static CHECKS: &[Check] = &[$(
            Check {
                meta: CheckMeta {
                    id: stringify!($id),
                    title: $title,
                    resource_type: kinds::$kind.resource_type,
                },
                evaluate: |ctx| {
                    let meta = CheckMeta {
                        id: stringify!($id),
                        title: $title,
                        resource_type: kinds::$kind.resource_type,
                    };
                    allowed_region(&meta, &kinds::$kind, ctx)
                },
            },
        )*];
    };
}

allowed_region_checks! {
    ec2_instance_allowed_region: "EC2 instances run only in allowed regions", EC2_INSTANCE;
    ec2_volume_allowed_region: "EBS volumes exist only in allowed regions", EC2_VOLUME;
    rds_instance_allowed_region: "RDS instances run only in allowed regions", RDS_INSTANCE;
    rds_cluster_allowed_region: "RDS (Aurora) clusters run only in allowed regions", RDS_CLUSTER;
    s3_bucket_allowed_region: "S3 buckets are located only in allowed regions", S3_BUCKET;
    kms_key_allowed_region: "Customer-managed KMS keys exist only in allowed regions", KMS_KEY;
    elbv2_load_balancer_allowed_region: "Load balancers run only in allowed regions", ELBV2_LOAD_BALANCER;
    cognito_user_pool_allowed_region: "Cognito user pools (and the identities they hold) live only in allowed regions", COGNITO_USER_POOL;
    elasticache_cluster_allowed_region: "ElastiCache clusters run only in allowed regions", ELASTICACHE_CLUSTER;
    elasticache_serverless_cache_allowed_region: "ElastiCache Serverless caches run only in allowed regions", ELASTICACHE_SERVERLESS_CACHE;
    autoscaling_group_allowed_region: "Auto Scaling groups run only in allowed regions", AUTOSCALING_GROUP;
    ecs_cluster_allowed_region: "ECS clusters run only in allowed regions", ECS_CLUSTER;
    lambda_function_allowed_region: "Lambda functions run only in allowed regions", LAMBDA_FUNCTION;
    efs_file_system_allowed_region: "EFS file systems exist only in allowed regions", EFS_FILE_SYSTEM;
    dynamodb_table_allowed_region: "DynamoDB tables (and global-table replicas) exist only in allowed regions", DYNAMODB_TABLE;
    eks_cluster_allowed_region: "EKS clusters run only in allowed regions", EKS_CLUSTER;
    ecr_repository_allowed_region: "ECR repositories (and the images they hold) exist only in allowed regions", ECR_REPOSITORY;
    sqs_queue_allowed_region: "SQS queues (and the messages they hold) exist only in allowed regions", SQS_QUEUE;
    sns_topic_allowed_region: "SNS topics exist only in allowed regions", SNS_TOPIC;
    secretsmanager_secret_allowed_region: "Secrets Manager secrets (and their replicas) exist only in allowed regions", SECRETSMANAGER_SECRET;
    elb_load_balancer_allowed_region: "Classic Load Balancers run only in allowed regions", ELB_LOAD_BALANCER;
}

/// Every resource of `kind` judged by where it lives; a resource the promise does not reach is
/// NOT_APPLICABLE, one whose place (or exemption) is unknown is UNKNOWN, and so is every scope
/// that could not be listed.
fn allowed_region(meta: &CheckMeta, kind: &dyn Kind, ctx: &EvalContext) -> Vec<Evidence> {
    everywhere(kind, ctx.account)
        .into_iter()
        .map(|placed| match placed {
            Placed::Unseen {
                region,
                wildcard,
                error,
            } => meta.evidence(region, wildcard, Verdict::not_collected(error)),
            Placed::Resource { region, view } => {
                let verdict = match (view.exempt, region) {
                    (Err(error), _) | (Ok(None), Err(error)) => Verdict::not_collected(error),
                    (Ok(Some(why)), _) => Verdict::not_applicable(why),
                    (Ok(None), Ok(region)) => region_verdict(ctx, &view.label, region),
                };
                // A resource whose place is unknown is reported where its list was taken.
                let region = region.unwrap_or(GLOBAL_REGION);
                meta.evidence(region, view.arn.to_string(), verdict)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
