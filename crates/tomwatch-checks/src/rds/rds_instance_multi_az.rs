use super::governing_cluster;
use super::per_instance;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "RDS instances run Multi-AZ",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |_, db| {
        if let Some(cluster) = governing_cluster(db) {
            Verdict::not_applicable(format!(
                "database {} is {cluster}: redundancy is a property of its cluster",
                db.identifier
            ))
        } else if db.multi_az {
            Verdict::pass(format!(
                "database {} has a standby in another Availability Zone",
                db.identifier
            ))
        } else {
            Verdict::fail(format!(
                "database {} runs in a single Availability Zone",
                db.identifier
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn single_az_fails_multi_az_passes_aurora_is_not_applicable() {
        let mut single = rds_instance("single", true, false);
        single.multi_az = false;
        let mut aurora = rds_instance("aurora-1", true, false);
        aurora.engine = "aurora-postgresql".into();
        aurora.multi_az = false;
        let findings = run_on_rds(
            &CHECK,
            Ok(vec![rds_instance("multi", true, false), single, aurora]),
        );
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
        assert_eq!(
            findings[1].message,
            "database single runs in a single Availability Zone"
        );
    }


    #[test]
    fn unlistable_databases_are_unknown() {
        assert_eq!(only(run_on_rds(&CHECK, Err(()))).1, Status::Unknown);
    }
}
