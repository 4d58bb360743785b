checks! {
    ecs_service_redundant,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{EcsCluster, EcsService};

    pub fn cluster(name: &str, services: Vec<EcsService>) -> EcsCluster {
        EcsCluster {
            arn: format!("arn:aws:ecs:eu-central-1:{ACCOUNT}:cluster/{name}"),
            name: name.into(),
            services: Ok(services),
            tags: Default::default(),
        }
    }

    /// Two tasks behind a target group.
    pub fn service(name: &str) -> EcsService {
        EcsService {
            arn: format!("arn:aws:ecs:eu-central-1:{ACCOUNT}:service/shop/{name}"),
            name: name.into(),
            scheduling_strategy: "REPLICA".into(),
            desired_count: 2,
            load_balancers: vec![
                "arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/web/1".into(),
            ],
        }
    }
}
