use super::per_instance;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "rds_instance_allowed_region",
        title: "RDS instances run only in allowed regions",
        resource_type: "AWS::RDS::DBInstance",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |region, db| {
        region_verdict(ctx, &format!("database {}", db.identifier), region)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn frankfurt_database_passes() {
        let findings = run_on_rds(&CHECK, Ok(vec![rds_instance("orders", true, false)]));
        assert_eq!(only(findings).1, Status::Pass);
    }

    #[test]
    fn database_outside_the_eu_fails() {
        let mut account = account(&["us-west-2"]);
        let mut db = rds_instance("leak", true, false);
        db.arn = format!("arn:aws:rds:us-west-2:{ACCOUNT}:db:leak");
        region_mut(&mut account, "us-west-2").rds.instances = Ok(vec![db]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.contains("database leak is in us-west-2"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn unlistable_databases_are_unknown() {
        assert_eq!(only(run_on_rds(&CHECK, Err(()))).1, Status::Unknown);
    }
}
