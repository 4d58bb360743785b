//! Whether a bucket policy denies every plain-HTTP request, read the way IAM evaluates it: a
//! Deny statement applies only where its principal, action, resource and *every* condition all
//! match, so any element that narrows one of them leaves some plain-HTTP request allowed.
//! AWS's guidance: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit>.

use crate::pattern as arn_pattern;
use serde_json::Value;

/// `Ok` when some statement denies all plain-HTTP requests to the bucket and its objects;
/// otherwise why not, naming the closest statement's narrowing when there is one.
pub fn denies_insecure_transport(policy: &Value, bucket_arn: &str) -> Result<(), String> {
    let mut narrowed = None;
    for statement in statements(policy) {
        if statement["Effect"] != "Deny" || !on_insecure_transport(&statement["Condition"]) {
            continue;
        }
        match narrowing(statement, bucket_arn) {
            None => return Ok(()),
            Some(reason) => {
                let sid = statement["Sid"].as_str().unwrap_or("without Sid");
                narrowed.get_or_insert(format!(
                    "its aws:SecureTransport deny (statement {sid}) {reason}"
                ));
            }
        }
    }
    Err(narrowed.unwrap_or_else(|| "does not deny requests with aws:SecureTransport=false".into()))
}

fn statements(policy: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match &policy["Statement"] {
        Value::Array(list) => Box::new(list.iter()),
        single @ Value::Object(_) => Box::new(std::iter::once(single)),
        _ => Box::new(std::iter::empty()),
    }
}

/// A JSON string or array of strings, as policy elements allow either.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// The condition operators that test `aws:SecureTransport = false`; `IfExists` adds "or the key
/// is absent", which only widens a Deny.
const TRANSPORT_OPERATORS: [&str; 2] = ["Bool", "BoolIfExists"];

fn is_transport_test(operator: &str, key: &str) -> bool {
    TRANSPORT_OPERATORS.contains(&operator) && key.eq_ignore_ascii_case("aws:SecureTransport")
}

fn on_insecure_transport(condition: &Value) -> bool {
    let Some(operators) = condition.as_object() else {
        return false;
    };
    operators.iter().any(|(operator, keys)| {
        keys.as_object().is_some_and(|keys| {
            keys.iter().any(|(key, value)| {
                is_transport_test(operator, key)
                    && (value == &Value::Bool(false)
                        || value
                            .as_array()
                            .is_some_and(|many| many.contains(&Value::Bool(false)))
                        || strings(value)
                            .iter()
                            .any(|v| v.eq_ignore_ascii_case("false")))
            })
        })
    })
}

/// Why the statement does not cover every plain-HTTP request, or `None` when it does.
fn narrowing(statement: &Value, bucket_arn: &str) -> Option<String> {
    if !statement["NotPrincipal"].is_null() {
        return Some("exempts the principals in NotPrincipal".into());
    }
    let principal = &statement["Principal"];
    if !(principal == "*" || strings(&principal["AWS"]).contains(&"*")) {
        return Some(format!("applies only to the principals {principal}"));
    }
    if !statement["NotAction"].is_null() {
        return Some("exempts the actions in NotAction".into());
    }
    // Action names are case-insensitive in IAM: "S3:*" is "s3:*".
    let actions = strings(&statement["Action"]);
    if !actions
        .iter()
        .any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*"))
    {
        return Some(format!("covers only the actions {}", actions.join(", ")));
    }
    if let Some(reason) = resource_narrowing(statement, bucket_arn) {
        return Some(reason);
    }
    let extra: Vec<String> = statement["Condition"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(operator, keys)| {
            keys.as_object()
                .into_iter()
                .flatten()
                .filter(|(key, _)| !is_transport_test(operator, key))
                .map(move |(key, _)| format!("{operator} {key}"))
        })
        .collect();
    if !extra.is_empty() {
        return Some(format!(
            "applies only when {} also holds (conditions are ANDed)",
            extra.join(" and ")
        ));
    }
    None
}

fn resource_narrowing(statement: &Value, bucket_arn: &str) -> Option<String> {
    let objects = format!("{bucket_arn}/");
    if !statement["NotResource"].is_null() {
        let exempt = strings(&statement["NotResource"]);
        return exempt
            .iter()
            .any(|p| {
                arn_pattern::matches(p, bucket_arn)
                    || arn_pattern::matches_something_under(p, &objects)
            })
            .then(|| format!("exempts {} through NotResource", exempt.join(", ")));
    }
    let resources = strings(&statement["Resource"]);
    let bucket = resources
        .iter()
        .any(|p| arn_pattern::matches(p, bucket_arn));
    let every_object = resources
        .iter()
        .any(|p| arn_pattern::matches_everything_under(p, &objects));
    match (bucket, every_object) {
        (true, true) => None,
        (true, false) => Some(format!(
            "covers {} but not every object in it ({bucket_arn}/*)",
            resources.join(", ")
        )),
        (false, true) => Some(format!(
            "covers the objects but not the bucket itself ({bucket_arn}), so listing it over plain HTTP is allowed"
        )),
        (false, false) => Some(format!(
            "covers only {}, neither the bucket nor all of its objects",
            resources.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BUCKET: &str = "arn:aws:s3:::b";

    fn deny() -> Value {
        json!({"Sid": "TLS", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    }

    fn judge(statement: Value) -> Result<(), String> {
        denies_insecure_transport(
            &json!({"Version": "2012-10-17", "Statement": [statement]}),
            BUCKET,
        )
    }

    fn with(mut statement: Value, key: &str, value: Value) -> Value {
        statement[key] = value;
        statement
    }

    #[test]
    fn the_documented_statement_and_its_equivalent_forms_pass() {
        assert_eq!(judge(deny()), Ok(()));
        let equivalent = json!({"Effect": "Deny", "Principal": "*", "Action": ["S3:*"],
            "Resource": "arn:aws:s3:::b*",
            "Condition": {"BoolIfExists": {"aws:securetransport": false}}});
        assert_eq!(judge(equivalent.clone()), Ok(()));
        let single_object = json!({"Statement": equivalent});
        assert_eq!(denies_insecure_transport(&single_object, BUCKET), Ok(()));
        assert_eq!(judge(with(deny(), "Resource", json!("*"))), Ok(()));
        let elsewhere = with(deny(), "NotResource", json!("arn:aws:s3:::other/*"));
        let elsewhere = with(elsewhere, "Resource", Value::Null);
        assert_eq!(judge(elsewhere), Ok(()));
    }

    #[test]
    fn a_deny_on_part_of_the_bucket_fails_and_says_which_part() {
        let bucket_only = judge(with(deny(), "Resource", json!(BUCKET))).unwrap_err();
        assert!(bucket_only.contains("not every object"), "{bucket_only}");
        let prefix = judge(with(
            deny(),
            "Resource",
            json!([BUCKET, "arn:aws:s3:::b/logs/*"]),
        ));
        assert!(prefix.unwrap_err().contains("not every object"));
        let objects_only = judge(with(deny(), "Resource", json!("arn:aws:s3:::b/*")));
        assert!(objects_only.unwrap_err().contains("not the bucket itself"));
        let exempted = with(deny(), "NotResource", json!("arn:aws:s3:::b/public/*"));
        let exempted = with(exempted, "Resource", Value::Null);
        assert!(judge(exempted).unwrap_err().contains("NotResource"));
    }

    #[test]
    fn further_conditions_narrow_the_deny() {
        let mut narrowed = deny();
        narrowed["Condition"]["StringEquals"] = json!({"aws:PrincipalAccount": "111111111111"});
        let reason = judge(narrowed).unwrap_err();
        assert!(
            reason.contains("StringEquals aws:PrincipalAccount"),
            "{reason}"
        );
        let mut anded = deny();
        anded["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false");
        assert!(judge(anded).unwrap_err().contains("Bool aws:ViaAWSService"));
    }

    #[test]
    fn narrow_principals_or_actions_fail() {
        let role = with(deny(), "Principal", json!({"AWS": "arn:aws:iam::1:role/x"}));
        assert!(judge(role).unwrap_err().contains("principals"));
        let exempt = with(
            deny(),
            "NotPrincipal",
            json!({"AWS": "arn:aws:iam::1:role/x"}),
        );
        assert!(judge(exempt).unwrap_err().contains("NotPrincipal"));
        let reads = with(deny(), "Action", json!(["s3:GetObject"]));
        assert!(judge(reads).unwrap_err().contains("s3:GetObject"));
        let not_action = with(deny(), "NotAction", json!("s3:GetObject"));
        assert!(judge(not_action).unwrap_err().contains("NotAction"));
    }

    #[test]
    fn other_statements_do_not_count() {
        let allow = with(deny(), "Effect", json!("Allow"));
        let reason = judge(allow).unwrap_err();
        assert!(reason.contains("does not deny"), "{reason}");
        let secure_only = with(
            deny(),
            "Condition",
            json!({"Bool": {"aws:SecureTransport": "true"}}),
        );
        assert!(judge(secure_only).is_err());
        let no_condition = with(deny(), "Condition", Value::Null);
        assert!(judge(no_condition).is_err());
    }

    #[test]
    fn a_full_deny_beside_a_narrow_one_passes() {
        let narrow = with(deny(), "Resource", json!(BUCKET));
        let policy = json!({"Statement": [narrow, deny()]});
        assert_eq!(denies_insecure_transport(&policy, BUCKET), Ok(()));
    }
}
