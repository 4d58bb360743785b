//! The resource kinds that promises across services reach (where a resource lives, how it is
//! tagged, what counts as a workload), each declared once: its type, the ARN that names "all of
//! them here", where the inventory keeps them, and how a message names one.
//!
//! The typed kinds ([`Regional`], [`PerAccount`]) serve the `per_*` helpers of a service's own
//! checks; the erased [`Kind`] serves the checks that walk many kinds alike (the region table,
//! the tag checks, the workload count).

use tomwatch_model::inventory::{
    AutoScalingGroup, CacheCluster, ClassicLoadBalancer, DynamoDbTable, EbsVolume, Ec2Instance,
    EcrRepository, EcsCluster, EfsFileSystem, EksCluster, KmsKey, LambdaFunction, LoadBalancer,
    RdsCluster, RdsInstance, ReplicationGroup, S3Bucket, Secret, ServerlessCache, SnsTopic,
    SqsQueue, Tags, UserPool,
};
use tomwatch_model::{
    AccountInventory, Collected, CollectionError, ErrorKind, RegionInventory, GLOBAL_REGION,
};

/// A resource's tags, or the error that kept them unseen.
pub type TagsOf<'a> = Result<&'a Tags, &'a CollectionError>;

/// What the checks that walk many kinds read of one resource.
pub struct View<'a> {
    pub arn: &'a str,
    /// How a message names it: `instance i-0abc`, `bucket tw-data`.
    pub label: String,
    /// Its tags; `None` where they are another resource's (a cache cluster in a replication
    /// group carries its group's) or not collected for the kind.
    pub tags: Option<TagsOf<'a>>,
    /// Why the promises about workloads do not reach it (a key AWS manages), or the error that
    /// hid whether they do.
    pub exempt: Result<Option<String>, &'a CollectionError>,
}

impl<'a> View<'a> {
    fn of(arn: &'a str, label: String) -> Self {
        View {
            arn,
            label,
            tags: None,
            exempt: Ok(None),
        }
    }

    fn tagged(mut self, tags: TagsOf<'a>) -> Self {
        self.tags = Some(tags);
        self
    }
}

/// A kind listed per region.
pub struct Regional<T: 'static> {
    /// CloudFormation-style type.
    pub resource_type: &'static str,
    /// ARN template with `{region}` and `{account}` naming every resource of the kind there.
    pub wildcard: &'static str,
    pub select: fn(&RegionInventory) -> &Collected<Vec<T>>,
    pub view: for<'a> fn(&'a T) -> View<'a>,
    /// Whether the tag checks judge it.
    pub tagged: bool,
}

/// A kind listed once per account whose resources each say where they live (S3 buckets).
pub struct PerAccount<T: 'static> {
    pub resource_type: &'static str,
    pub wildcard: &'static str,
    pub select: fn(&AccountInventory) -> &Collected<Vec<T>>,
    pub view: for<'a> fn(&'a T) -> View<'a>,
    pub region: for<'a> fn(&'a T) -> Result<&'a str, &'a CollectionError>,
    pub tagged: bool,
}

/// One resource of some kind with its region, or a scope whose resources could not be listed.
pub enum Placed<'a> {
    Resource {
        region: Result<&'a str, &'a CollectionError>,
        view: View<'a>,
    },
    Unseen {
        region: &'a str,
        wildcard: String,
        error: &'a CollectionError,
    },
}

/// A kind with its item type erased, for the checks that walk many kinds alike.
pub trait Kind: Sync {
    fn resource_type(&self) -> &'static str;
    fn wildcard(&self) -> &'static str;
    fn tagged(&self) -> bool;
    /// The kind's resources in one region; `None` for a kind listed per account.
    fn in_region<'a>(
        &self,
        account_id: &str,
        region: &'a str,
        inventory: &'a RegionInventory,
    ) -> Option<Vec<Placed<'a>>>;
    /// The kind's resources listed per account; `None` for a regional kind.
    fn in_account<'a>(&self, account: &'a AccountInventory) -> Option<Vec<Placed<'a>>>;
}

/// `wildcard` with its `{region}` and `{account}` filled in.
pub fn scope_wildcard(wildcard: &str, account_id: &str, region: &str) -> String {
    wildcard
        .replace("{region}", region)
        .replace("{account}", account_id)
}

fn place<'a, T>(
    listed: &'a Collected<Vec<T>>,
    unseen_at: &'a str,
    wildcard: impl FnOnce() -> String,
    resource: impl Fn(&'a T) -> Placed<'a>,
) -> Vec<Placed<'a>> {
    match listed {
        Ok(items) => items.iter().map(resource).collect(),
        // Where AWS does not offer the service, none of its resources can exist: the region's
        // workloads, tags and placements count none, rather than an unseen scope.
        Err(error) if error.kind == ErrorKind::NotOffered => Vec::new(),
        Err(error) => vec![Placed::Unseen {
            region: unseen_at,
            wildcard: wildcard(),
            error,
        }],
    }
}

impl<T: 'static> Kind for Regional<T> {
    fn resource_type(&self) -> &'static str {
        self.resource_type
    }

    fn wildcard(&self) -> &'static str {
        self.wildcard
    }

    fn tagged(&self) -> bool {
        self.tagged
    }

    fn in_region<'a>(
        &self,
        account_id: &str,
        region: &'a str,
        inventory: &'a RegionInventory,
    ) -> Option<Vec<Placed<'a>>> {
        Some(place(
            (self.select)(inventory),
            region,
            || scope_wildcard(self.wildcard, account_id, region),
            |item| Placed::Resource {
                region: Ok(region),
                view: (self.view)(item),
            },
        ))
    }

    fn in_account<'a>(&self, _: &'a AccountInventory) -> Option<Vec<Placed<'a>>> {
        None
    }
}

impl<T: 'static> Kind for PerAccount<T> {
    fn resource_type(&self) -> &'static str {
        self.resource_type
    }

    fn wildcard(&self) -> &'static str {
        self.wildcard
    }

    fn tagged(&self) -> bool {
        self.tagged
    }

    fn in_region<'a>(
        &self,
        _: &str,
        _: &'a str,
        _: &'a RegionInventory,
    ) -> Option<Vec<Placed<'a>>> {
        None
    }

    fn in_account<'a>(&self, account: &'a AccountInventory) -> Option<Vec<Placed<'a>>> {
        Some(place(
            (self.select)(account),
            GLOBAL_REGION,
            || scope_wildcard(self.wildcard, &account.account_id, "*"),
            |item| Placed::Resource {
                region: (self.region)(item),
                view: (self.view)(item),
            },
        ))
    }
}

/// Every resource of `kind` in the account. A region whose list could not be collected, or an
/// account whose regions are unknown, is one [`Placed::Unseen`] for the scope it could not see.
pub fn everywhere<'a>(kind: &dyn Kind, account: &'a AccountInventory) -> Vec<Placed<'a>> {
    if let Some(placed) = kind.in_account(account) {
        return placed;
    }
    let regions = match &account.regions {
        Ok(regions) => regions,
        Err(error) => {
            return vec![Placed::Unseen {
                region: GLOBAL_REGION,
                wildcard: scope_wildcard(kind.wildcard(), &account.account_id, "*"),
                error,
            }]
        }
    };
    regions
        .iter()
        .flat_map(|(region, inventory)| {
            kind.in_region(&account.account_id, region, inventory)
                .unwrap_or_default() // default: a regional kind always lists in a region
        })
        .collect()
}

pub static EC2_INSTANCE: Regional<Ec2Instance> = Regional {
    resource_type: "AWS::EC2::Instance",
    wildcard: "arn:aws:ec2:{region}:{account}:instance/*",
    select: |r| &r.ec2.instances,
    view: |i| View::of(&i.arn, format!("instance {}", i.instance_id)).tagged(Ok(&i.tags)),
    tagged: true,
};

pub static EC2_VOLUME: Regional<EbsVolume> = Regional {
    resource_type: "AWS::EC2::Volume",
    wildcard: "arn:aws:ec2:{region}:{account}:volume/*",
    select: |r| &r.ec2.volumes,
    view: |v| View::of(&v.arn, format!("volume {}", v.volume_id)).tagged(Ok(&v.tags)),
    tagged: true,
};

pub static RDS_INSTANCE: Regional<RdsInstance> = Regional {
    resource_type: "AWS::RDS::DBInstance",
    wildcard: "arn:aws:rds:{region}:{account}:db:*",
    select: |r| &r.rds.instances,
    view: |d| View::of(&d.arn, format!("database {}", d.identifier)).tagged(Ok(&d.tags)),
    tagged: true,
};

pub static RDS_CLUSTER: Regional<RdsCluster> = Regional {
    resource_type: "AWS::RDS::DBCluster",
    wildcard: "arn:aws:rds:{region}:{account}:cluster:*",
    select: |r| &r.rds.clusters,
    view: |c| View::of(&c.arn, format!("cluster {}", c.identifier)).tagged(Ok(&c.tags)),
    tagged: true,
};

pub static AUTOSCALING_GROUP: Regional<AutoScalingGroup> = Regional {
    resource_type: "AWS::AutoScaling::AutoScalingGroup",
    wildcard: "arn:aws:autoscaling:{region}:{account}:autoScalingGroup:*",
    select: |r| &r.autoscaling.groups,
    view: |g| View::of(&g.arn, format!("Auto Scaling group {}", g.name)).tagged(Ok(&g.tags)),
    tagged: true,
};

pub static ECS_CLUSTER: Regional<EcsCluster> = Regional {
    resource_type: "AWS::ECS::Cluster",
    wildcard: "arn:aws:ecs:{region}:{account}:cluster/*",
    select: |r| &r.ecs.clusters,
    view: |c| View::of(&c.arn, format!("ECS cluster {}", c.name)).tagged(Ok(&c.tags)),
    tagged: true,
};

pub static ELASTICACHE_REPLICATION_GROUP: Regional<ReplicationGroup> = Regional {
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    wildcard: "arn:aws:elasticache:{region}:{account}:replicationgroup:*",
    select: |r| &r.elasticache.replication_groups,
    view: |g| View::of(&g.arn, format!("replication group {}", g.id)).tagged(g.tags.as_ref()),
    tagged: true,
};

pub static ELASTICACHE_CLUSTER: Regional<CacheCluster> = Regional {
    resource_type: "AWS::ElastiCache::CacheCluster",
    wildcard: "arn:aws:elasticache:{region}:{account}:cluster:*",
    select: |r| &r.elasticache.clusters,
    view: |c| View {
        // A member cluster's tags are its replication group's; only standalone ones carry theirs.
        tags: c.tags.as_ref().map(Collected::as_ref),
        ..View::of(&c.arn, format!("cache cluster {}", c.id))
    },
    tagged: true,
};

pub static ELASTICACHE_SERVERLESS_CACHE: Regional<ServerlessCache> = Regional {
    resource_type: "AWS::ElastiCache::ServerlessCache",
    wildcard: "arn:aws:elasticache:{region}:{account}:serverlesscache:*",
    select: |r| &r.elasticache.serverless_caches,
    view: |c| View::of(&c.arn, format!("serverless cache {}", c.name)).tagged(c.tags.as_ref()),
    tagged: true,
};

pub static LAMBDA_FUNCTION: Regional<LambdaFunction> = Regional {
    resource_type: "AWS::Lambda::Function",
    wildcard: "arn:aws:lambda:{region}:{account}:function:*",
    select: |r| &r.lambda.functions,
    view: |f| View::of(&f.arn, format!("function {}", f.name)).tagged(f.tags.as_ref()),
    tagged: true,
};

pub static ELBV2_LOAD_BALANCER: Regional<LoadBalancer> = Regional {
    resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    wildcard: "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/*",
    select: |r| &r.elbv2.load_balancers,
    view: |lb| View::of(&lb.arn, format!("load balancer {}", lb.name)).tagged(lb.tags.as_ref()),
    tagged: true,
};

pub static KMS_KEY: Regional<KmsKey> = Regional {
    resource_type: "AWS::KMS::Key",
    wildcard: "arn:aws:kms:{region}:{account}:key/*",
    select: |r| &r.kms.keys,
    view: |k| View {
        // AWS creates its managed keys where a service first needs one: not a workload.
        exempt: k.details.as_ref().map(|details| {
            (!details.is_customer_managed()).then(|| format!("key {} is managed by AWS", k.key_id))
        }),
        ..View::of(&k.arn, format!("key {}", k.key_id))
    },
    tagged: false,
};

pub static COGNITO_USER_POOL: Regional<UserPool> = Regional {
    resource_type: "AWS::Cognito::UserPool",
    wildcard: "arn:aws:cognito-idp:{region}:{account}:userpool/*",
    select: |r| &r.cognito.user_pools,
    // Only the listing is read, so a pool whose details failed is still placed.
    view: |p| View::of(&p.arn, format!("user pool {}", p.name)),
    tagged: false,
};

pub static S3_BUCKET: PerAccount<S3Bucket> = PerAccount {
    resource_type: "AWS::S3::Bucket",
    wildcard: "arn:aws:s3:::*",
    select: |a| &a.s3.buckets,
    view: |b| View::of(&b.arn, format!("bucket {}", b.name)).tagged(b.tags.as_ref()),
    region: |b| b.region.as_deref(),
    tagged: true,
};

pub static EFS_FILE_SYSTEM: Regional<EfsFileSystem> = Regional {
    resource_type: "AWS::EFS::FileSystem",
    wildcard: "arn:aws:elasticfilesystem:{region}:{account}:file-system/*",
    select: |r| &r.efs.file_systems,
    view: |f| View::of(&f.arn, format!("file system {}", f.file_system_id)).tagged(Ok(&f.tags)),
    tagged: true,
};

pub static DYNAMODB_TABLE: Regional<DynamoDbTable> = Regional {
    resource_type: "AWS::DynamoDB::Table",
    wildcard: "arn:aws:dynamodb:{region}:{account}:table/*",
    select: |r| &r.dynamodb.tables,
    view: |t| View::of(&t.arn, format!("table {}", t.name)).tagged(t.tags.as_ref()),
    tagged: true,
};

pub static EKS_CLUSTER: Regional<EksCluster> = Regional {
    resource_type: "AWS::EKS::Cluster",
    wildcard: "arn:aws:eks:{region}:{account}:cluster/*",
    select: |r| &r.eks.clusters,
    // Tags come with DescribeCluster; the region verdict needs only the listing.
    view: |c| {
        View::of(&c.arn, format!("EKS cluster {}", c.name))
            .tagged(c.details.as_ref().map(|d| &d.tags))
    },
    tagged: true,
};

pub static ECR_REPOSITORY: Regional<EcrRepository> = Regional {
    resource_type: "AWS::ECR::Repository",
    wildcard: "arn:aws:ecr:{region}:{account}:repository/*",
    select: |r| &r.ecr.repositories,
    view: |repo| View::of(&repo.arn, format!("repository {}", repo.name)),
    tagged: false,
};

pub static SQS_QUEUE: Regional<SqsQueue> = Regional {
    resource_type: "AWS::SQS::Queue",
    wildcard: "arn:aws:sqs:{region}:{account}:*",
    select: |r| &r.sqs.queues,
    view: |q| View::of(&q.arn, format!("queue {}", q.name)),
    tagged: false,
};

pub static SNS_TOPIC: Regional<SnsTopic> = Regional {
    resource_type: "AWS::SNS::Topic",
    wildcard: "arn:aws:sns:{region}:{account}:*",
    select: |r| &r.sns.topics,
    view: |t| View::of(&t.arn, format!("topic {}", t.name)),
    tagged: false,
};

pub static SECRETSMANAGER_SECRET: Regional<Secret> = Regional {
    resource_type: "AWS::SecretsManager::Secret",
    wildcard: "arn:aws:secretsmanager:{region}:{account}:secret:*",
    select: |r| &r.secretsmanager.secrets,
    view: |s| View::of(&s.arn, format!("secret {}", s.name)).tagged(Ok(&s.tags)),
    tagged: true,
};

pub static ELB_LOAD_BALANCER: Regional<ClassicLoadBalancer> = Regional {
    resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
    wildcard: "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/*",
    select: |r| &r.elb.load_balancers,
    view: |lb| {
        View::of(&lb.arn, format!("classic load balancer {}", lb.name)).tagged(lb.tags.as_ref())
    },
    tagged: true,
};

/// Every kind above, in the order the tag checks report them within a region.
pub static ALL: [&dyn Kind; 22] = [
    &EC2_INSTANCE,
    &EC2_VOLUME,
    &RDS_INSTANCE,
    &RDS_CLUSTER,
    &AUTOSCALING_GROUP,
    &ECS_CLUSTER,
    &ELASTICACHE_REPLICATION_GROUP,
    &ELASTICACHE_CLUSTER,
    &ELASTICACHE_SERVERLESS_CACHE,
    &LAMBDA_FUNCTION,
    &ELBV2_LOAD_BALANCER,
    &KMS_KEY,
    &COGNITO_USER_POOL,
    &EFS_FILE_SYSTEM,
    &DYNAMODB_TABLE,
    &EKS_CLUSTER,
    &ECR_REPOSITORY,
    &SQS_QUEUE,
    &SNS_TOPIC,
    &SECRETSMANAGER_SECRET,
    &ELB_LOAD_BALANCER,
    &S3_BUCKET,
];
