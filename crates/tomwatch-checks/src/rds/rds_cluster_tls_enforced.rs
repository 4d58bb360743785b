use super::{per_cluster, tls_verdict};
use crate::check::Evidence;
use crate::check::EvalContext;

check! {
    title: "RDS (Aurora) clusters refuse connections without TLS (cluster parameter group)",
    resource_type: "AWS::RDS::DBCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |_, cluster| {
        tls_verdict(
            &format!("cluster {}", cluster.identifier),
            &cluster.engine,
            &cluster.tls_parameters,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn each_engine_family_is_judged_by_its_own_parameter() {
        let mut account = account(&["eu-central-1"]);
        let mut mysql_forced = rds_cluster("mysql-forced");
        mysql_forced.engine = "aurora-mysql".into();
        mysql_forced.tls_parameters =
            Ok([("require_secure_transport".to_string(), "ON".to_string())].into());
        let mut mysql_wrong_parameter = rds_cluster("mysql-wrong");
        mysql_wrong_parameter.engine = "aurora-mysql".into();
        let mut postgres_off = rds_cluster("postgres-off");
        postgres_off.tls_parameters = Ok([("rds.force_ssl".to_string(), "0".to_string())].into());
        let mut unreadable = rds_cluster("unreadable");
        unreadable.tls_parameters =
            Err(denied("rds", "DescribeDBClusterParameters", "eu-central-1"));
        region_mut(&mut account, "eu-central-1").rds.clusters = Ok(vec![
            rds_cluster("postgres-forced"),
            mysql_forced,
            mysql_wrong_parameter,
            postgres_off,
            unreadable,
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Unknown
            ]
        );
        assert_eq!(
            findings[2].message,
            "cluster mysql-wrong's parameter group leaves require_secure_transport at its default: clients may connect without TLS"
        );
    }
}
