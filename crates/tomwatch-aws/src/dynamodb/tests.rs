use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_dynamodb::operation::describe_table::{DescribeTableError, DescribeTableOutput};
use aws_sdk_dynamodb::operation::list_tables::ListTablesOutput;
use aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
use aws_sdk_dynamodb::types::{TableDescription, TableStatus, Tag};
use aws_smithy_mocks::mock;
use tomwatch_model::ErrorKind;

const KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/orders";

fn ddb_caller() -> Caller {
    caller("eu-central-1", "dynamodb")
}

fn sse(status: SseStatus, kind: Option<SseType>, key: Option<&str>) -> SseDescription {
    SseDescription::builder()
        .status(status)
        .set_sse_type(kind)
        .set_kms_master_key_arn(key.map(str::to_string))
        .build()
}

#[test]
fn no_sse_description_is_dynamodbs_own_key_and_kms_names_its_key() {
    let c = ddb_caller();
    assert_eq!(encryption(&c, None), Ok(TableEncryption::AwsOwnedKey));
    assert_eq!(
        encryption(
            &c,
            Some(&sse(SseStatus::Enabled, Some(SseType::Kms), Some(KEY)))
        ),
        Ok(TableEncryption::Kms {
            key_arn: Some(KEY.into())
        })
    );
    assert_eq!(
        encryption(&c, Some(&sse(SseStatus::Disabled, None, None))),
        Ok(TableEncryption::AwsOwnedKey)
    );
    assert_eq!(
        encryption(
            &c,
            Some(&sse(SseStatus::Updating, Some(SseType::Kms), Some(KEY)))
        ),
        Ok(TableEncryption::Changing {
            status: "UPDATING".into()
        })
    );
}

#[test]
fn an_sse_description_without_status_is_an_error_not_a_key() {
    let incomplete = SseDescription::builder().sse_type(SseType::Kms).build();
    let error = encryption(&ddb_caller(), Some(&incomplete)).expect_err("Status is required");
    assert_eq!(error.kind, ErrorKind::Other);
    assert!(
        error.message.contains("SSEDescription.Status"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn every_page_of_tables_is_described_and_tagged_and_a_denied_describe_stays_on_its_table() {
    let listed = mock!(Client::list_tables)
        .sequence()
        .output(|| {
            ListTablesOutput::builder()
                .table_names("orders")
                .last_evaluated_table_name("orders")
                .build()
        })
        .output(|| ListTablesOutput::builder().table_names("sessions").build())
        .build();
    let orders = mock!(Client::describe_table)
        .match_requests(|r| r.table_name() == Some("orders"))
        .then_output(|| {
            DescribeTableOutput::builder()
                .table(
                    TableDescription::builder()
                        .table_name("orders")
                        .table_arn("arn:aws:dynamodb:eu-central-1:111111111111:table/orders")
                        .table_status(TableStatus::Active)
                        .sse_description(sse(SseStatus::Enabled, Some(SseType::Kms), Some(KEY)))
                        .build(),
                )
                .build()
        });
    let sessions = mock!(Client::describe_table)
        .match_requests(|r| r.table_name() == Some("sessions"))
        .then_error(|| DescribeTableError::generic(aws_error("AccessDeniedException")));
    let of = |table: &'static str, token: Option<&'static str>| {
        move |r: &aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceInput| {
            r.resource_arn().is_some_and(|arn| arn.ends_with(table)) && r.next_token() == token
        }
    };
    let tag = |key: &str, value: &str| Tag::builder().key(key).value(value).build().expect("tag");
    let first_page = mock!(Client::list_tags_of_resource)
        .match_requests(of("/orders", None))
        .then_output(move || {
            ListTagsOfResourceOutput::builder()
                .tags(tag("managed-by", "terraform"))
                .next_token("more")
                .build()
        });
    let second_page = mock!(Client::list_tags_of_resource)
        .match_requests(of("/orders", Some("more")))
        .then_output(move || {
            ListTagsOfResourceOutput::builder()
                .tags(tag("environment", "production"))
                .build()
        });
    let untagged = mock!(Client::list_tags_of_resource)
        .match_requests(of("/sessions", None))
        .then_output(|| ListTagsOfResourceOutput::builder().build());
    let client = mocked_client!(
        aws_sdk_dynamodb,
        listed,
        orders,
        sessions,
        first_page,
        second_page,
        untagged
    );
    let tables = collect(&client, &ddb_caller())
        .await
        .tables
        .expect("listed");
    assert_eq!(tables.len(), 2);
    assert_eq!(
        tables[0].arn,
        "arn:aws:dynamodb:eu-central-1:111111111111:table/orders"
    );
    assert_eq!(
        tables[0].encryption,
        Ok(TableEncryption::Kms {
            key_arn: Some(KEY.into())
        })
    );
    let error = tables[1].encryption.as_ref().expect_err("denied");
    assert_eq!(
        (error.kind, error.operation),
        (ErrorKind::AccessDenied, DESCRIBE)
    );
    let orders_tags = tables[0].tags.as_ref().expect("tagged");
    assert_eq!(
        orders_tags.keys().collect::<Vec<_>>(),
        vec!["environment", "managed-by"],
        "both pages"
    );
    assert_eq!(tables[1].tags, Ok(Tags::new()));
}
