use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "ecs_cluster_allowed_region",
        title: "ECS clusters run only in allowed regions",
        resource_type: "AWS::ECS::Cluster",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.ecs.clusters,
        "arn:aws:ecs:{region}:{account}:cluster/*",
        |region, cluster| {
            (
                cluster.arn.clone(),
                region_verdict(ctx, &format!("ECS cluster {}", cluster.name), region),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::fixtures::cluster;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-south-1", "us-east-2"]);
        region_mut(&mut account, "eu-south-1").ecs.clusters = Ok(vec![cluster("eu", vec![])]);
        region_mut(&mut account, "us-east-2").ecs.clusters = Ok(vec![cluster("us", vec![])]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "us-east-2").ecs.clusters =
            Err(denied("ecs", "ListClusters", "us-east-2"));
        assert_eq!(run(&CHECK, &account)[1].status, Status::Unknown);
    }
}
