use super::per_pool;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::password::character_class_gap;
use crate::verdict::Verdict;

check! {
    title: "Cognito user pools demand long passwords of every character class",
    resource_type: "AWS::Cognito::UserPool",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let min = ctx.params.cognito_password_min_length;
    per_pool(&CHECK.meta, ctx, |pool, details| {
        let Some(policy) = &details.password_policy else {
            return Verdict::fail(format!("user pool {} has no password policy", pool.name));
        };
        let mut gaps = Vec::new();
        if policy.minimum_length < min {
            gaps.push(format!("minimum length {} < {min}", policy.minimum_length));
        }
        gaps.extend(character_class_gap(
            policy.require_uppercase,
            policy.require_lowercase,
            policy.require_numbers,
            policy.require_symbols,
        ));
        if gaps.is_empty() {
            Verdict::pass(format!(
                "user pool {} requires {} characters of every class",
                pool.name, policy.minimum_length
            ))
        } else {
            Verdict::fail(format!("user pool {}: {}", pool.name, gaps.join("; ")))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::fixtures::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn short_or_simple_policies_fail_with_the_gap_named() {
        let mut weak = pool("weak", "ON");
        if let Ok(details) = &mut weak.details {
            let policy = details.password_policy.as_mut().expect("fixture has one");
            policy.minimum_length = 8;
            policy.require_symbols = false;
        }
        let findings = run(&CHECK, &with_pools(vec![pool("strong", "ON"), weak]));
        assert_eq!(findings[0].status, Status::Pass);
        assert_eq!(
            findings[1].message,
            "user pool weak: minimum length 8 < 12; does not require symbols"
        );
        assert_eq!(unreadable_pool_finding(&CHECK).status, Status::Unknown);
    }
}
