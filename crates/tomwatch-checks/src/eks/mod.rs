checks! {
    eks_cluster_secrets_encrypted,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{EksCluster, EksClusterDetails};

    pub fn cluster(region: &str, name: &str, secrets_key: Option<&str>) -> EksCluster {
        EksCluster {
            arn: format!("arn:aws:eks:{region}:{ACCOUNT}:cluster/{name}"),
            name: name.into(),
            details: Ok(EksClusterDetails {
                secrets_key_arn: secrets_key.map(str::to_string),
                tags: Default::default(),
            }),
        }
    }
}
