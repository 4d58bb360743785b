use super::{is_aurora, per_instance};
use crate::check::{Check, CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::Finding;

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "rds_instance_tls_enforced",
        title: "RDS instances refuse connections without TLS (parameter group)",
        resource_type: "AWS::RDS::DBInstance",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Finding> {
    per_instance(&CHECK.meta, ctx, |_, db| {
        let parameter = match db.engine.as_str() {
            e if e.starts_with("postgres") || e.starts_with("sqlserver") => "rds.force_ssl",
            e if e.starts_with("mysql") || e.starts_with("mariadb") => "require_secure_transport",
            e if is_aurora(db) => {
                return Verdict::not_applicable(format!(
                    "database {} is Aurora ({e}): its cluster parameter group decides, which this check does not read",
                    db.identifier
                ))
            }
            other => {
                return Verdict::not_applicable(format!(
                    "database {} runs {other}, which enforces TLS outside parameter groups (option groups, native settings)",
                    db.identifier
                ))
            }
        };
        let parameters = match &db.tls_parameters {
            Ok(parameters) => parameters,
            Err(error) => return Verdict::unknown(error),
        };
        match parameters.get(parameter).map(String::as_str) {
            Some("1") | Some("ON") | Some("on") => Verdict::pass(format!(
                "database {} sets {parameter} = {}",
                db.identifier, parameters[parameter]
            )),
            Some(value) => Verdict::fail(format!(
                "database {} sets {parameter} = {value}: clients may connect without TLS",
                db.identifier
            )),
            None => Verdict::fail(format!(
                "database {}'s parameter group leaves {parameter} at its default: clients may connect without TLS",
                db.identifier
            )),
        }
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
        mysql.tls_parameters = Ok([("require_secure_transport".to_string(), "0".to_string())]
            .into_iter()
            .collect());
        let mut defaults = rds_instance("legacy", true, false);
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
