//! ElastiCache Serverless caches, which DescribeCacheClusters does not list.

use super::{arns_of, tags_of};
use crate::caller::{all_pages, Caller};
use aws_sdk_elasticache::types::ServerlessCache as SdkServerlessCache;
use aws_sdk_elasticache::Client;
use tomwatch_model::inventory::ServerlessCache;
use tomwatch_model::Collected;

const OP: &str = "DescribeServerlessCaches";

pub(super) async fn caches(client: &Client, caller: &Caller) -> Collected<Vec<ServerlessCache>> {
    let pages = all_pages!(caller, OP, client.describe_serverless_caches()).await?;
    let listed: Vec<&SdkServerlessCache> =
        pages.iter().flat_map(|p| p.serverless_caches()).collect();
    let arns = arns_of(&listed, |c| c.arn(), caller, OP)?;
    let tags = tags_of(client, caller, arns.clone()).await;
    listed
        .into_iter()
        .zip(arns)
        .zip(tags)
        .map(|((cache, arn), tags)| {
            Ok(ServerlessCache {
                arn,
                name: cache
                    .serverless_cache_name()
                    .ok_or_else(|| caller.missing(OP, "ServerlessCacheName"))?
                    .to_string(),
                engine: cache
                    .engine()
                    .ok_or_else(|| caller.missing(OP, "Engine"))?
                    .to_string(),
                kms_key_id: cache.kms_key_id().map(str::to_string),
                subnet_ids: cache.subnet_ids().to_vec(),
                tags,
            })
        })
        .collect()
}
