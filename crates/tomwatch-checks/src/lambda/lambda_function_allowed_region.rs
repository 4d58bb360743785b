use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda_function_allowed_region",
        title: "Lambda functions run only in allowed regions",
        resource_type: "AWS::Lambda::Function",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.lambda.functions,
        "arn:aws:lambda:{region}:{account}:function:*",
        |region, function| {
            (
                function.arn.clone(),
                region_verdict(ctx, &format!("function {}", function.name), region),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::LambdaFunction;
    use tomwatch_model::Status;

    fn function(region: &str, name: &str) -> LambdaFunction {
        LambdaFunction {
            arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
            name: name.into(),
            tags: Ok(Default::default()),
        }
    }

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1", "ap-south-1"]);
        region_mut(&mut account, "eu-central-1").lambda.functions =
            Ok(vec![function("eu-central-1", "thumbnails")]);
        region_mut(&mut account, "ap-south-1").lambda.functions =
            Ok(vec![function("ap-south-1", "exports")]);
        let findings = run(&CHECK, &account);
        // Regions in name order: ap-south-1 first.
        assert_eq!(findings[0].status, Status::Fail);
        assert_eq!(findings[1].status, Status::Pass);
        assert!(findings[0]
            .message
            .starts_with("function exports is in ap-south-1, outside the allowed regions"));
        region_mut(&mut account, "ap-south-1").lambda.functions =
            Err(denied("lambda", "ListFunctions", "ap-south-1"));
        assert_eq!(run(&CHECK, &account)[0].status, Status::Unknown);
    }
}
