use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "cognito_user_pool_allowed_region",
        title: "Cognito user pools (and the identities they hold) live only in allowed regions",
        resource_type: "AWS::Cognito::UserPool",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    // Only the listing is needed, so a pool whose details failed is still placed.
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.cognito.user_pools,
        "arn:aws:cognito-idp:{region}:{account}:userpool/*",
        |region, pool| {
            let verdict = region_verdict(ctx, &format!("user pool {}", pool.name), region);
            (pool.arn.clone(), verdict)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::fixtures::pool;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_pools_pass_us_pools_fail_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        region_mut(&mut account, "eu-central-1").cognito.user_pools = Ok(vec![pool("eu", "ON")]);
        region_mut(&mut account, "us-east-1").cognito.user_pools = Ok(vec![pool("us", "ON")]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "us-east-1").cognito.user_pools =
            Err(denied("cognito-idp", "ListUserPools", "us-east-1"));
        assert_eq!(run(&CHECK, &account)[1].status, Status::Unknown);
    }
}
