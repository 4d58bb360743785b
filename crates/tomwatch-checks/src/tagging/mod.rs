//! Checks over every workload resource whose tags tomwatch collects, whatever its service.

pub mod tagging_workload_environment_matches;
pub mod tagging_workload_managed_as_code;

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::Tags;
use tomwatch_model::{Collected, CollectionError, GLOBAL_REGION};

/// A resource's tags, or the error that kept them unseen.
type TagsOf<'a> = Result<&'a Tags, &'a CollectionError>;
/// A list of (ARN, tags), or the error that kept the whole list unseen.
type Listing<'a> = Result<Vec<(String, TagsOf<'a>)>, &'a CollectionError>;

/// One workload resource and its tags, or the error that kept them (or its whole list) unseen.
struct Workload<'a> {
    region: &'a str,
    resource_type: &'static str,
    arn: String,
    tags: TagsOf<'a>,
}

/// Every workload of the account whose tags tomwatch collects: EC2 instances, EBS volumes,
/// RDS instances and clusters, ElastiCache replication groups and standalone clusters, Auto
/// Scaling groups, ECS clusters, Lambda functions, load balancers and S3 buckets.
/// A list that could not be collected is one entry with a wildcard ARN.
fn workloads<'a>(ctx: &'a EvalContext) -> Vec<Workload<'a>> {
    let account = &ctx.account.account_id;
    let mut out = Vec::new();
    let mut list =
        |region: &'a str, resource_type: &'static str, wildcard: String, items: Listing<'a>| {
            match items {
                Ok(items) => out.extend(items.into_iter().map(|(arn, tags)| Workload {
                    region,
                    resource_type,
                    arn,
                    tags,
                })),
                Err(error) => out.push(Workload {
                    region,
                    resource_type,
                    arn: wildcard,
                    tags: Err(error),
                }),
            }
        };
    fn items<'a, T>(
        collected: &'a Collected<Vec<T>>,
        f: impl Fn(&'a T) -> (String, TagsOf<'a>),
    ) -> Listing<'a> {
        collected
            .as_ref()
            .map(|items| items.iter().map(f).collect())
    }
    match &ctx.account.regions {
        Ok(regions) => {
            for (region, inv) in regions {
                let r = region.as_str();
                list(
                    r,
                    "AWS::EC2::Instance",
                    format!("arn:aws:ec2:{r}:{account}:instance/*"),
                    items(&inv.ec2.instances, |i| (i.arn.clone(), Ok(&i.tags))),
                );
                list(
                    r,
                    "AWS::EC2::Volume",
                    format!("arn:aws:ec2:{r}:{account}:volume/*"),
                    items(&inv.ec2.volumes, |v| (v.arn.clone(), Ok(&v.tags))),
                );
                list(
                    r,
                    "AWS::RDS::DBInstance",
                    format!("arn:aws:rds:{r}:{account}:db:*"),
                    items(&inv.rds.instances, |d| (d.arn.clone(), Ok(&d.tags))),
                );
                list(
                    r,
                    "AWS::RDS::DBCluster",
                    format!("arn:aws:rds:{r}:{account}:cluster:*"),
                    items(&inv.rds.clusters, |c| (c.arn.clone(), Ok(&c.tags))),
                );
                list(
                    r,
                    "AWS::AutoScaling::AutoScalingGroup",
                    format!("arn:aws:autoscaling:{r}:{account}:autoScalingGroup:*"),
                    items(&inv.autoscaling.groups, |g| (g.arn.clone(), Ok(&g.tags))),
                );
                list(
                    r,
                    "AWS::ECS::Cluster",
                    format!("arn:aws:ecs:{r}:{account}:cluster/*"),
                    items(&inv.ecs.clusters, |c| (c.arn.clone(), Ok(&c.tags))),
                );
                list(
                    r,
                    "AWS::ElastiCache::ReplicationGroup",
                    format!("arn:aws:elasticache:{r}:{account}:replicationgroup:*"),
                    items(&inv.elasticache.replication_groups, |g| {
                        (g.arn.clone(), g.tags.as_ref())
                    }),
                );
                // A member cluster's tags are its replication group's; only standalone ones count.
                list(
                    r,
                    "AWS::ElastiCache::CacheCluster",
                    format!("arn:aws:elasticache:{r}:{account}:cluster:*"),
                    inv.elasticache.clusters.as_ref().map(|clusters| {
                        clusters
                            .iter()
                            .filter_map(|c| Some((c.arn.clone(), c.tags.as_ref()?.as_ref())))
                            .collect()
                    }),
                );
                list(
                    r,
                    "AWS::Lambda::Function",
                    format!("arn:aws:lambda:{r}:{account}:function:*"),
                    items(&inv.lambda.functions, |f| (f.arn.clone(), f.tags.as_ref())),
                );
                list(
                    r,
                    "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    format!("arn:aws:elasticloadbalancing:{r}:{account}:loadbalancer/*"),
                    items(&inv.elbv2.load_balancers, |lb| {
                        (lb.arn.clone(), lb.tags.as_ref())
                    }),
                );
            }
        }
        Err(error) => list(
            GLOBAL_REGION,
            "AWS::*::*",
            format!("arn:aws:*:*:{account}:*"),
            Err(error),
        ),
    }
    match &ctx.account.s3.buckets {
        Ok(buckets) => out.extend(buckets.iter().map(|b| Workload {
            region: b.region.as_deref().unwrap_or(GLOBAL_REGION),
            resource_type: "AWS::S3::Bucket",
            arn: b.arn.clone(),
            tags: b.tags.as_ref(),
        })),
        Err(error) => out.push(Workload {
            region: GLOBAL_REGION,
            resource_type: "AWS::S3::Bucket",
            arn: "arn:aws:s3:::*".into(),
            tags: Err(error),
        }),
    }
    out
}

/// Evaluates `judge` on the tags of every workload (UNKNOWN where they could not be seen).
fn per_workload(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &Tags) -> Verdict,
) -> Vec<Evidence> {
    workloads(ctx)
        .into_iter()
        .map(|w| {
            let verdict = match w.tags {
                Ok(tags) => judge(&w.arn, tags),
                Err(error) => Verdict::unknown(error),
            };
            meta.typed_evidence(w.region, w.resource_type, w.arn, verdict)
        })
        .collect()
}

/// The part of an ARN a reader recognises: `instance/i-1`, `db:orders`, `tw-data`.
fn short(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::*;
    use tomwatch_model::inventory::{Ec2Instance, Tags};
    use tomwatch_model::AccountInventory;

    pub fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// An account whose only workloads are instances with the given tags, in eu-central-1.
    pub fn instances(tag_sets: Vec<Tags>) -> AccountInventory {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.instances = Ok(tag_sets
            .into_iter()
            .enumerate()
            .map(|(i, tags)| Ec2Instance {
                arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:instance/i-{i}"),
                instance_id: format!("i-{i}"),
                state: "running".into(),
                tags,
            })
            .collect());
        account
    }
}
