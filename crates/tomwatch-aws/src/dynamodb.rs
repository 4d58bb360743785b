use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use crate::tags::tag_map;
use aws_sdk_dynamodb::types::{SseDescription, SseStatus, SseType};
use aws_sdk_dynamodb::Client;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{DynamoDbInventory, DynamoDbTable, TableEncryption, Tags};
use tomwatch_model::Collected;

/// DescribeTable and ListTagsOfResource calls in flight at once within one region.
const TABLE_CONCURRENCY: usize = 8;
const DESCRIBE: &str = "DescribeTable";

impl RegionalCollection for DynamoDbInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "dynamodb", aws_sdk_dynamodb);
        collect(&client, &session.caller(region, "dynamodb")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> DynamoDbInventory {
    let tables = async {
        let pages = all_pages!(caller, "ListTables", client.list_tables()).await?;
        let names: Vec<String> = pages
            .iter()
            .flat_map(|page| page.table_names())
            .cloned()
            .collect();
        Ok(stream::iter(names)
            .map(|name| table(client, caller, name))
            .buffered(TABLE_CONCURRENCY)
            .collect()
            .await)
    };
    DynamoDbInventory {
        tables: tables.await,
    }
}

async fn table(client: &Client, caller: &Caller, name: String) -> DynamoDbTable {
    let arn = caller.arn("dynamodb", &format!("table/{name}"));
    let described = caller.call(DESCRIBE, client.describe_table().table_name(&name).send());
    let (described, tags) = futures::join!(described, tags(client, caller, &arn));
    let encryption = described.and_then(|output| {
        let table = output
            .table()
            .ok_or_else(|| caller.missing(DESCRIBE, "Table"))?;
        encryption(caller, table.sse_description())
    });
    DynamoDbTable {
        arn,
        name,
        encryption,
        tags,
    }
}

/// What `SSEDescription` says of the key in force (pure). DynamoDB documents its absence as
/// encryption with its AWS owned key.
fn encryption(caller: &Caller, sse: Option<&SseDescription>) -> Collected<TableEncryption> {
    let Some(sse) = sse else {
        return Ok(TableEncryption::AwsOwnedKey);
    };
    let status = sse
        .status()
        .ok_or_else(|| caller.missing(DESCRIBE, "SSEDescription.Status"))?;
    Ok(match status {
        SseStatus::Disabled => TableEncryption::AwsOwnedKey,
        SseStatus::Enabled => match sse.sse_type() {
            Some(SseType::Kms) => TableEncryption::Kms {
                key_arn: sse.kms_master_key_arn().map(str::to_string),
            },
            // AES256 was the name of DynamoDB's own (AWS owned) key before KMS.
            Some(SseType::Aes256) => TableEncryption::AwsOwnedKey,
            other => {
                return Err(caller.missing(
                    DESCRIBE,
                    &format!("a known SSEDescription.SSEType (got {other:?})"),
                ))
            }
        },
        other => TableEncryption::Changing {
            status: other.as_str().to_string(),
        },
    })
}

async fn tags(client: &Client, caller: &Caller, arn: &str) -> Collected<Tags> {
    // ListTagsOfResource pages by NextToken, but the SDK offers no paginator for it.
    let mut tags = Tags::new();
    let mut next: Option<String> = None;
    loop {
        let request = client
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(next.take());
        let page = caller.call("ListTagsOfResource", request.send()).await?;
        tags.extend(tag_map(
            page.tags().iter().map(|t| (Some(t.key()), Some(t.value()))),
        ));
        match page.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_string()),
            _ => return Ok(tags),
        }
    }
}

#[cfg(test)]
mod tests;
