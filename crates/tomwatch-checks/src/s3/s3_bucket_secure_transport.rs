use super::per_bucket;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use serde_json::Value;

check! {
    title: "S3 bucket policies deny requests that do not use TLS",
    resource_type: "AWS::S3::Bucket",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_bucket(&CHECK.meta, ctx, |bucket| match &bucket.policy {
        Err(error) => Verdict::unknown(error),
        Ok(None) => Verdict::fail(format!(
            "bucket {} has no bucket policy, so plain-HTTP requests are not denied",
            bucket.name
        )),
        Ok(Some(text)) => match serde_json::from_str::<Value>(text) {
            Err(e) => Verdict::fail(format!(
                "bucket {}'s policy is not valid JSON ({e}), so it denies nothing reliably",
                bucket.name
            )),
            Ok(policy) if denies_insecure_transport(&policy) => Verdict::pass(format!(
                "bucket {} denies every request with aws:SecureTransport=false",
                bucket.name
            )),
            Ok(_) => Verdict::fail(format!(
                "bucket {}'s policy does not deny requests with aws:SecureTransport=false",
                bucket.name
            )),
        },
    })
}

/// A Deny for every principal and every S3 action on condition `aws:SecureTransport` = false.
fn denies_insecure_transport(policy: &Value) -> bool {
    statements(policy).any(|statement| {
        statement["Effect"] == "Deny"
            && everyone(&statement["Principal"])
            && strings(&statement["Action"]).any(|a| a == "s3:*" || a == "*")
            && statement["Condition"]["Bool"]
                .as_object()
                .and_then(|bool| {
                    bool.iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case("aws:SecureTransport"))
                })
                .is_some_and(|(_, value)| {
                    value == &Value::Bool(false) || strings(value).any(|v| v == "false")
                })
    })
}

fn statements(policy: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match &policy["Statement"] {
        Value::Array(list) => Box::new(list.iter()),
        single @ Value::Object(_) => Box::new(std::iter::once(single)),
        _ => Box::new(std::iter::empty()),
    }
}

/// A JSON string or array of strings, as policy elements allow either.
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    let list: Vec<&str> = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    list.into_iter()
}

fn everyone(principal: &Value) -> bool {
    principal == "*" || strings(&principal["AWS"]).any(|p| p == "*")
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
        let single_statement = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:*"],
            "Condition":{"Bool":{"aws:SecureTransport":false}}}}"#;
        assert_eq!(judge(Ok(Some(single_statement))).status, Status::Pass);
    }

    #[test]
    fn no_policy_an_allow_or_a_narrow_deny_fails() {
        assert_eq!(judge(Ok(None)).status, Status::Fail);
        let allow = DENY_HTTP.replace("\"Deny\"", "\"Allow\"");
        assert_eq!(judge(Ok(Some(&allow))).status, Status::Fail);
        let one_role = DENY_HTTP.replace(r#"{"AWS":"*"}"#, r#"{"AWS":"arn:aws:iam::1:role/x"}"#);
        assert_eq!(judge(Ok(Some(&one_role))).status, Status::Fail);
        assert_eq!(judge(Ok(Some("not json"))).status, Status::Fail);
    }

    #[test]
    fn an_unreadable_policy_is_unknown() {
        assert_eq!(judge(Err(())).status, Status::Unknown);
    }
}
