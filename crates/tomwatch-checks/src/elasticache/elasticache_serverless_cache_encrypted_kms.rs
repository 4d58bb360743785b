use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::kinds;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache Serverless caches encrypt at rest with a KMS key",
    resource_type: "AWS::ElastiCache::ServerlessCache",
    evaluate,
}

/// A serverless cache is always encrypted at rest and speaks TLS only; what can fall short is
/// the key: without one named, ElastiCache uses its own, which KMS neither shows nor controls.
fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &kinds::ELASTICACHE_SERVERLESS_CACHE, |region, cache| {
            let subject = format!("serverless cache {}", cache.name);
            let verdict = match cache.kms_key_id.as_deref() {
                None => Verdict::fail(format!(
                    "{subject} encrypts with ElastiCache's own key, not a KMS key"
                )),
                Some(key) => match required_key(ctx, &subject, region, Some(key), "") {
                    Ok(key) => Verdict::pass(format!("{subject} encrypts at rest with {key}")),
                    Err(verdict) => verdict,
                },
            };
            (cache.arn.clone(), verdict)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::elasticache::fixtures::serverless;
    use tomwatch_model::inventory::ServerlessCache;
    use tomwatch_model::Status;

    fn cache(name: &str, key: Option<&str>) -> ServerlessCache {
        ServerlessCache {
            kms_key_id: key.map(str::to_string),
            ..serverless(name)
        }
    }

    #[test]
    fn a_named_kms_key_passes_elasticaches_own_key_fails() {
        let mut account = account(&["eu-central-1"]);
        let key = format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/carts");
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .serverless_caches = Ok(vec![cache("carts", Some(&key)), cache("default-key", None)]);
        let findings = run(&CHECK, &account);
        assert_eq!(findings[0].status, Status::Pass, "{}", findings[0].message);
        assert_eq!(findings[1].status, Status::Fail);
        assert!(findings[1].message.contains("not a KMS key"), "{}", findings[1].message);
    }

    #[test]
    fn unlisted_serverless_caches_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .serverless_caches = Err(denied("elasticache", "DescribeServerlessCaches", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
