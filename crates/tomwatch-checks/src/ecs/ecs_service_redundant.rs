use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ECS services run at least two tasks behind a load balancer",
    resource_type: "AWS::ECS::Service",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.min_redundancy;
    CHECK.meta.per_region(
        ctx,
        |r| &r.ecs.clusters,
        "arn:aws:ecs:{region}:{account}:service/*",
        |_, _, clusters| {
            let mut out = Vec::new();
            for cluster in clusters {
                let services = match &cluster.services {
                    Ok(services) => services,
                    Err(error) => {
                        let wildcard = cluster.arn.replacen(":cluster/", ":service/", 1) + "/*";
                        out.push((wildcard, Verdict::not_collected(error)));
                        continue;
                    }
                };
                for service in services {
                    let mut gaps = Vec::new();
                    // A daemon service runs one task per container instance: its redundancy is
                    // the cluster's capacity, not a desired count.
                    if service.scheduling_strategy != "DAEMON" && service.desired_count < required {
                        gaps.push(format!(
                            "it wants {} task(s), fewer than {required}",
                            service.desired_count
                        ));
                    }
                    if service.load_balancers.is_empty() {
                        gaps.push("no load balancer routes to it".to_string());
                    }
                    let verdict = if gaps.is_empty() {
                        Verdict::pass(format!(
                            "service {} in cluster {} runs {} task(s) behind a load balancer",
                            service.name, cluster.name, service.desired_count
                        ))
                    } else {
                        Verdict::fail(format!(
                            "service {} in cluster {} is not redundant: {}",
                            service.name,
                            cluster.name,
                            gaps.join("; ")
                        ))
                    };
                    out.push((service.arn.clone(), verdict));
                }
            }
            out
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::fixtures::{cluster, service};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn two_tasks_behind_a_balancer_pass_a_lone_unbalanced_task_fails() {
        let mut account = account(&["eu-central-1"]);
        let mut lone = service("worker");
        lone.desired_count = 1;
        lone.load_balancers.clear();
        let mut denied_cluster = cluster("locked", vec![]);
        denied_cluster.services = Err(denied("ecs", "ListServices", "eu-central-1"));
        region_mut(&mut account, "eu-central-1").ecs.clusters = Ok(vec![
            cluster("shop", vec![service("web"), lone]),
            denied_cluster,
        ]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            statuses(&findings),
            vec![
                (
                    "arn:aws:ecs:eu-central-1:111111111111:service/shop/web".to_string(),
                    Status::Pass
                ),
                (
                    "arn:aws:ecs:eu-central-1:111111111111:service/shop/worker".to_string(),
                    Status::Fail
                ),
                (
                    "arn:aws:ecs:eu-central-1:111111111111:service/locked/*".to_string(),
                    Status::Unknown
                ),
            ]
        );
        assert_eq!(
            findings[1].message,
            "service worker in cluster shop is not redundant: it wants 1 task(s), fewer than 2; no load balancer routes to it"
        );
    }
}
