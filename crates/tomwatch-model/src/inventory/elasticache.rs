use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// ElastiCache in one region: replication groups (Redis/Valkey), every cache cluster (the
/// members of replication groups included) and the serverless caches.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct ElastiCacheInventory {
    pub replication_groups: Collected<Vec<ReplicationGroup>>,
    pub clusters: Collected<Vec<CacheCluster>>,
    pub serverless_caches: Collected<Vec<ServerlessCache>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ReplicationGroup {
    pub arn: String,
    pub id: String,
    pub at_rest_encryption: bool,
    /// The KMS key of at-rest encryption; `None` with encryption on: ElastiCache's own default
    /// key, which is not a KMS key.
    pub kms_key_id: Option<String>,
    pub transit_encryption: bool,
    /// `preferred` accepts plaintext connections beside TLS ones (a migration mode); `required`
    /// or absent (the only mode before it existed) accepts TLS only.
    pub transit_encryption_mode: Option<String>,
    /// `enabled`, `disabled`, `enabling` or `disabling`.
    pub automatic_failover: String,
    /// `enabled` or `disabled`.
    pub multi_az: String,
    pub member_clusters: Vec<String>,
    pub tags: Collected<Tags>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct CacheCluster {
    pub arn: String,
    pub id: String,
    pub engine: String,
    pub replication_group_id: Option<String>,
    /// As `DescribeCacheClusters` reports them: a cluster outside any replication group is
    /// judged on these; a member is judged with its group.
    pub at_rest_encryption: Collected<bool>,
    pub transit_encryption: Collected<bool>,
    /// `preferred` or `required`; `None` where the cluster does not report one.
    pub transit_encryption_mode: Option<String>,
    /// Its cache subnet group's VPC and subnets.
    pub subnets: Collected<CacheSubnets>,
    /// The tags of a cluster outside any replication group; `None` for a member, whose group is
    /// the workload that carries them.
    pub tags: Option<Collected<Tags>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct CacheSubnets {
    pub group_name: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
}

impl CacheCluster {
    pub fn is_memcached(&self) -> bool {
        self.engine == "memcached"
    }
}

/// An ElastiCache Serverless cache: always encrypted at rest and in transit (TLS only); the key
/// is ElastiCache's own unless a KMS key is named.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ServerlessCache {
    pub arn: String,
    pub name: String,
    /// `redis`, `valkey` or `memcached`.
    pub engine: String,
    pub kms_key_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub tags: Collected<Tags>,
}
