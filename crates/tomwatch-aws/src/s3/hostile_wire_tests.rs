//! Hostile answers on the wire: S3's real XML and JSON bodies, carrying what a tenant can put in
//! tags and policies (a megabyte of odd Unicode, markup, control characters) and what no
//! well-behaved server sends (bytes that are not UTF-8). The SDK parses them as it would AWS's;
//! the collector keeps what parses, verbatim, and turns what does not into an error of its
//! operation, never a panic and never a default.

#![cfg(test)]

use super::*;
use crate::testing::caller;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use tomwatch_model::ErrorKind;

/// What a tenant may write into a tag value, and more: bidi overrides, zero-width joiners,
/// combining marks, an emoji, the XML metacharacters (escaped on the wire) and a line break.
const ODD: &str = "\u{202e}evil\u{200d}\u{0301}\u{1F600} <script>&\"'\n\u{feff}";

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\n', "&#10;")
}

fn huge_value() -> String {
    ODD.repeat((1 << 20) / ODD.len())
}

fn answer(status: u16, body: Vec<u8>) -> http::Response<SdkBody> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/xml")
        .body(SdkBody::from(body))
        .expect("response")
}

/// S3 as it answers path-style requests: bucket `odd` holds the huge tags and a valid policy
/// deep in odd text, bucket `broken` answers its tags and policy with bytes that are not UTF-8.
fn hostile_s3(request: http::Request<SdkBody>) -> http::Response<SdkBody> {
    let uri = request.uri().to_string();
    let path = request.uri().path().trim_end_matches('/');
    let query = request.uri().query().unwrap_or_default();
    let not_utf8 = |before: &str, after: &str| {
        let mut body = before.as_bytes().to_vec();
        body.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
        body.extend_from_slice(after.as_bytes());
        body
    };
    match (path, query) {
        ("", q) if q.contains("ListBuckets") => answer(
            200,
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
              <ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
              <Owner><ID>owner</ID></Owner><Buckets>\
              <Bucket><Name>odd</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>\
              <BucketRegion>eu-central-1</BucketRegion></Bucket>\
              <Bucket><Name>broken</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>\
              <BucketRegion>eu-central-1</BucketRegion></Bucket>\
              </Buckets></ListAllMyBucketsResult>"
                .to_vec(),
        ),
        (_, q) if q.contains("encryption") => answer(
            404,
            b"<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code>\
              <Message>The server side encryption configuration was not found</Message></Error>"
                .to_vec(),
        ),
        ("/odd", q) if q.contains("tagging") => {
            let tag = |key: &str, value: &str| {
                format!(
                    "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
                    xml_escape(key),
                    xml_escape(value)
                )
            };
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Tagging><TagSet>{}{}</TagSet></Tagging>",
                tag("managed-by", &huge_value()),
                tag(ODD, "")
            );
            answer(200, body.into_bytes())
        }
        ("/odd", q) if q.contains("policy") => {
            let sid = ODD.repeat(10_000);
            let policy = serde_json::json!({
                "Statement": [{"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
            });
            answer(200, policy.to_string().into_bytes())
        }
        ("/broken", q) if q.contains("tagging") => answer(
            200,
            not_utf8(
                "<Tagging><TagSet><Tag><Key>team</Key><Value>",
                "</Value></Tag></TagSet></Tagging>",
            ),
        ),
        ("/broken", q) if q.contains("policy") => {
            answer(200, not_utf8("{\"Statement\":[{\"Sid\":\"", "\"}]}"))
        }
        _ => panic!("unexpected request {uri}"),
    }
}

fn hostile_client() -> Client {
    Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("eu-central-1"))
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .endpoint_url("http://s3.test")
            .force_path_style(true)
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
            .http_client(infallible_client_fn(hostile_s3))
            .build(),
    )
}

#[tokio::test]
async fn hostile_tags_and_policies_are_kept_verbatim_and_bytes_that_are_not_utf8_are_errors() {
    let client = hostile_client();
    let client_for = |_: &str| client.clone();
    let inventory = collect(&client, &client_for, &caller(GLOBAL_REGION, "s3")).await;
    let buckets = inventory.buckets.expect("listed");
    let [odd, broken] = &buckets[..] else {
        panic!("two buckets: {buckets:?}");
    };

    // What parses is kept exactly: a megabyte of odd Unicode, markup unescaped once, the
    // odd key with its empty value.
    let tags = odd.tags.as_ref().expect("odd tags parse");
    assert_eq!(tags.get("managed-by"), Some(&huge_value()));
    assert_eq!(tags.get(ODD).map(String::as_str), Some(""));
    let policy = odd
        .policy
        .as_ref()
        .expect("read")
        .as_ref()
        .expect("a policy");
    assert!(policy.len() > 100_000 && policy.contains("aws:SecureTransport"));
    assert_eq!(odd.encryption, Ok(None), "not configured is a value");

    // What does not parse is the error of its own call, nothing else of the bucket.
    for (collected, operation) in [
        (broken.tags.as_ref().err(), "GetBucketTagging"),
        (broken.policy.as_ref().err(), "GetBucketPolicy"),
    ] {
        let error = collected.unwrap_or_else(|| panic!("{operation}: bytes that are not UTF-8"));
        assert_eq!(error.operation, operation);
        assert_eq!(error.kind, ErrorKind::Other, "{error:?}");
    }
    assert_eq!(broken.region.as_deref(), Ok("eu-central-1"));
    assert_eq!(broken.encryption, Ok(None));
}
