use super::per_bucket;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use super::transport_policy::denies_insecure_transport;
use serde_json::Value;

check! {
    title: "S3 bucket policies deny requests that do not use TLS",
    resource_type: "AWS::S3::Bucket",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_bucket(&CHECK.meta, ctx, |bucket| match &bucket.policy {
        Err(error) => Verdict::not_collected(error),
        Ok(None) => Verdict::fail(format!(
            "bucket {} has no bucket policy, so plain-HTTP requests are not denied",
            bucket.name
        )),
        Ok(Some(text)) => match serde_json::from_str::<Value>(text) {
            // S3 stores only policies it parsed, so text that does not parse is something this
            // reading cannot follow (nesting past serde_json's depth limit, a mangled answer):
            // what the policy denies is unknown, not known to be nothing.
            Err(e) => Verdict::undecidable(format!(
                "bucket {}'s policy could not be read as JSON ({e})",
                bucket.name
            )),
            Ok(policy) => match denies_insecure_transport(&policy, &bucket.arn) {
                Ok(()) => Verdict::pass(format!(
                    "bucket {} denies every request with aws:SecureTransport=false",
                    bucket.name
                )),
                Err(reason) => Verdict::fail(format!("bucket {}'s policy {reason}", bucket.name)),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    const DENY_HTTP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny",
        "Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
        "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

    fn judge(policy: Result<Option<&str>, ()>) -> Evidence {
        let mut account = account(&[]);
        let mut b = bucket("b", "eu-central-1", Some("aws:kms"));
        b.policy = policy
            .map(|p| p.map(str::to_string))
            .map_err(|()| denied("s3", "GetBucketPolicy", "eu-central-1"));
        account.s3.buckets = Ok(vec![b]);
        only(run(&CHECK, &account)).0
    }

    #[test]
    fn a_deny_on_insecure_transport_passes() {
        assert_eq!(judge(Ok(Some(DENY_HTTP))).status, Status::Pass);
        let single_statement = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","S3:*"],
            "Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":false}}}}"#;
        assert_eq!(judge(Ok(Some(single_statement))).status, Status::Pass);
    }

    #[test]
    fn no_policy_an_allow_or_a_narrow_deny_fails() {
        assert_eq!(judge(Ok(None)).status, Status::Fail);
        let allow = DENY_HTTP.replace("\"Deny\"", "\"Allow\"");
        assert_eq!(judge(Ok(Some(&allow))).status, Status::Fail);
        let one_role = DENY_HTTP.replace(r#"{"AWS":"*"}"#, r#"{"AWS":"arn:aws:iam::1:role/x"}"#);
        assert_eq!(judge(Ok(Some(&one_role))).status, Status::Fail);
    }

    #[test]
    fn a_deny_that_misses_the_objects_or_adds_conditions_fails() {
        let bucket_only = DENY_HTTP.replace(r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#, r#""arn:aws:s3:::b""#);
        let finding = judge(Ok(Some(&bucket_only)));
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("not every object"), "{}", finding.message);
        let one_account = DENY_HTTP.replace(
            r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
            r#"{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:PrincipalAccount":"1"}}"#,
        );
        assert_eq!(judge(Ok(Some(&one_account))).status, Status::Fail);
    }

    #[test]
    fn an_unreadable_policy_is_unknown() {
        assert_eq!(judge(Err(())).status, Status::Unknown);
    }

    /// Hostile policy text: whatever a policy holds, the verdict is decided without a panic,
    /// and text this reading cannot follow is UNKNOWN, never FAIL.
    #[test]
    fn a_policy_that_does_not_parse_is_unknown_and_hostile_text_is_judged() {
        let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for text in ["not json", "{\"Statement\":[", &nested, "\u{0}\u{feff}{}"] {
            let finding = judge(Ok(Some(text)));
            assert_eq!(finding.status, Status::Unknown, "{}", &text[..text.len().min(20)]);
            assert!(finding.message.contains("could not be read as JSON"), "{}", finding.message);
        }
        // Huge, odd but valid: a deny over 20,000 stars of resource and Unicode Sids.
        let stars = "*".repeat(20_000);
        let odd = DENY_HTTP
            .replace(r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#, &format!("\"{stars}\""))
            .replace("\"TLS\"", "\"\u{202e}\u{200b}TLS\u{1F600}\"");
        assert_eq!(judge(Ok(Some(&odd))).status, Status::Pass);
        let narrowed = odd.replace(r#""s3:*""#, &format!("\"s3:Get{}\"", "\u{0301}".repeat(10_000)));
        let finding = judge(Ok(Some(&narrowed)));
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("covers only the actions"));
    }
}
