use super::{governing_cluster, per_instance, tls_verdict, TlsFacts};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "RDS instances refuse connections without TLS (parameter group)",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |_, db| {
        if let Some(cluster) = governing_cluster(db) {
            return Verdict::not_applicable(format!(
                "database {} is {cluster}: its cluster parameter group decides (rds_cluster_tls_enforced)",
                db.identifier
            ));
        }
        tls_verdict(&TlsFacts {
            what: &format!("database {}", db.identifier),
            engine: &db.engine,
            engine_version: &db.engine_version,
            parameters: &db.tls_parameters,
            pending_reboot: db.parameters_pending_reboot,
            oracle_ssl: db.oracle_ssl.as_ref(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn the_engines_parameter_decides() {
        let mut mysql = rds_instance("shop", true, false);
        mysql.engine = "mysql".into();
        mysql.tls_parameters = Ok(tls_set("require_secure_transport", "0"));
        let mut defaults = rds_instance("legacy", true, false);
        defaults.engine_version = "14.12".into();
        defaults.tls_parameters = Ok(Default::default());
        let mut aurora = rds_instance("aurora-1", true, false);
        aurora.engine = "aurora-postgresql".into();
        let findings = run_on_rds(
            &CHECK,
            Ok(vec![
                rds_instance("orders", true, false),
                mysql,
                defaults,
                aurora,
            ]),
        );
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        assert_eq!(
            findings[1].message,
            "database shop sets require_secure_transport = 0: clients may connect without TLS"
        );
    }

    #[test]
    fn unreadable_parameters_are_unknown() {
        let mut db = rds_instance("orders", true, false);
        db.tls_parameters = Err(denied("rds", "DescribeDBParameters", "eu-central-1"));
        assert_eq!(only(run_on_rds(&CHECK, Ok(vec![db]))).1, Status::Unknown);
    }
}
