use super::governing_cluster;
use super::per_instance;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "RDS instances keep daily automated backups",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.min_backup_retention_days;
    per_instance(&CHECK.meta, ctx, |_, db| {
        let days = db.backup_retention_days;
        if let Some(cluster) = governing_cluster(db) {
            Verdict::not_applicable(format!(
                "database {} is {cluster}: backups are a property of its cluster",
                db.identifier
            ))
        } else if days == 0 {
            Verdict::fail(format!(
                "database {} has automated backups turned off",
                db.identifier
            ))
        } else if days < required {
            Verdict::fail(format!(
                "database {} keeps automated backups {days} day(s), fewer than {required}",
                db.identifier
            ))
        } else {
            Verdict::pass(format!(
                "database {} keeps daily automated backups for {days} day(s)",
                db.identifier
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::Status;

    fn with_retention(days: i32, required: i32) -> Evidence {
        let mut account = account(&["eu-central-1"]);
        let mut db = rds_instance("orders", true, false);
        db.backup_retention_days = days;
        region_mut(&mut account, "eu-central-1").rds.instances = Ok(vec![db]);
        let params = Parameters {
            min_backup_retention_days: required,
            ..Parameters::default()
        };
        only(run_with(&CHECK, &account, &params)).0
    }

    #[test]
    fn retention_is_compared_with_the_required_days() {
        assert_eq!(with_retention(7, 1).status, Status::Pass);
        assert_eq!(
            with_retention(0, 1).message,
            "database orders has automated backups turned off"
        );
        let short = with_retention(3, 7);
        assert_eq!(short.status, Status::Fail);
        assert!(
            short.message.contains("3 day(s), fewer than 7"),
            "{}",
            short.message
        );
    }


    #[test]
    fn unlistable_databases_are_unknown() {
        assert_eq!(only(run_on_rds(&CHECK, Err(()))).1, Status::Unknown);
    }
}
