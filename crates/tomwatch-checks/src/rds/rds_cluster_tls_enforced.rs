use super::{per_cluster, tls_verdict, TlsFacts};
use crate::check::Evidence;
use crate::check::EvalContext;

check! {
    title: "RDS (Aurora) clusters refuse connections without TLS (cluster parameter group)",
    resource_type: "AWS::RDS::DBCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |_, cluster| {
        tls_verdict(&TlsFacts {
            what: &format!("cluster {}", cluster.identifier),
            engine: &cluster.engine,
            engine_version: &cluster.engine_version,
            parameters: &cluster.tls_parameters,
            pending_reboot: cluster.parameters_pending_reboot,
            oracle_ssl: None,
        })
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
        mysql_forced.tls_parameters = Ok(tls_set("require_secure_transport", "ON"));
        let mut mysql_wrong_parameter = rds_cluster("mysql-wrong");
        mysql_wrong_parameter.engine = "aurora-mysql".into();
        let mut postgres_off = rds_cluster("postgres-off");
        postgres_off.tls_parameters = Ok(tls_set("rds.force_ssl", "0"));
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
            "cluster mysql-wrong leaves require_secure_transport at the engine default (OFF for aurora-mysql): clients may connect without TLS"
        );
    }
}
