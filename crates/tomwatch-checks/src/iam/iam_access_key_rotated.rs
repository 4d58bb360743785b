use super::per_user;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Active access keys are rotated and in use",
    resource_type: "AWS::IAM::User",
    evaluate,
}

const DAY: i64 = 86_400;

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let now = ctx.account.iam.collected_at;
    let max_age = i64::from(ctx.params.max_access_key_age_days);
    let max_unused = i64::from(ctx.params.max_access_key_unused_days);
    per_user(&CHECK.meta, ctx, |user| {
        let keys = match &user.access_keys {
            Ok(keys) => keys,
            Err(error) => return Verdict::not_collected(error),
        };
        let active: Vec<_> = keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return Verdict::not_applicable(format!("user {} has no active access key", user.name));
        }
        let mut problems = Vec::new();
        let mut unread = None;
        for key in &active {
            let age = (now - key.created_at) / DAY;
            if age > max_age {
                problems.push(format!("{} is {age} days old (max {max_age})", key.id));
            }
            match &key.last_used_at {
                // One key's unread usage hides only what that key would show: an age or another
                // key that already proves the FAIL stands.
                Err(error) => {
                    unread.get_or_insert(error);
                }
                Ok(Some(used)) if (now - used) / DAY > max_unused => problems.push(format!(
                    "{} was last used {} days ago (max {max_unused})",
                    key.id,
                    (now - used) / DAY
                )),
                Ok(None) if age > max_unused => {
                    problems.push(format!("{} was never used in {age} days", key.id))
                }
                Ok(_) => {}
            }
        }
        if let (true, Some(error)) = (problems.is_empty(), unread) {
            Verdict::not_collected(error)
        } else if problems.is_empty() {
            Verdict::pass(format!(
                "user {}: {} active key(s), all younger than {max_age} days and in use",
                user.name,
                active.len()
            ))
        } else {
            Verdict::fail(format!("user {}: {}", user.name, problems.join("; ")))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::user;
    use crate::testing::*;
    use tomwatch_model::inventory::AccessKey;
    use tomwatch_model::Status;

    fn key(id: &str, age_days: i64, last_used_days_ago: Option<i64>) -> AccessKey {
        AccessKey {
            id: id.into(),
            active: true,
            created_at: NOW - age_days * DAY,
            last_used_at: Ok(last_used_days_ago.map(|d| NOW - d * DAY)),
        }
    }

    fn verdict(keys: Vec<AccessKey>) -> Evidence {
        let mut account = account(&[]);
        let mut u = user("ci");
        u.access_keys = Ok(keys);
        account.iam.users = Ok(vec![u]);
        only(run(&CHECK, &account)).0
    }

    #[test]
    fn old_unused_and_never_used_keys_fail() {
        assert_eq!(
            verdict(vec![key("AKIA1", 30, Some(1))]).status,
            Status::Pass
        );
        let old = verdict(vec![key("AKIA1", 30, Some(1)), key("AKIA2", 120, Some(2))]);
        assert_eq!(old.status, Status::Fail);
        assert_eq!(old.message, "user ci: AKIA2 is 120 days old (max 90)");
        let idle = verdict(vec![key("AKIA3", 80, Some(91))]);
        assert_eq!(
            idle.message,
            "user ci: AKIA3 was last used 91 days ago (max 90)"
        );
        let never = verdict(vec![key("AKIA4", 91, None)]);
        assert!(
            never.message.contains("AKIA4 was never used"),
            "{}",
            never.message
        );
        assert_eq!(verdict(vec![key("AKIA5", 10, None)]).status, Status::Pass);
    }

    #[test]
    fn inactive_keys_do_not_count_and_unknown_usage_is_unknown() {
        let mut inactive = key("AKIA1", 400, None);
        inactive.active = false;
        assert_eq!(verdict(vec![inactive]).status, Status::NotApplicable);
        let mut unknown = key("AKIA1", 10, None);
        unknown.last_used_at = Err(denied("iam", "GetAccessKeyLastUsed", "global"));
        assert_eq!(verdict(vec![unknown]).status, Status::Unknown);
    }

    #[test]
    fn an_unread_last_use_does_not_hide_what_another_key_proves() {
        let mut unread = key("AKIA1", 10, None);
        unread.last_used_at = Err(denied("iam", "GetAccessKeyLastUsed", "global"));
        let finding = verdict(vec![unread.clone(), key("AKIA2", 400, Some(1))]);
        assert_eq!(finding.status, Status::Fail, "{}", finding.message);
        assert!(finding.message.contains("AKIA2 is 400 days old"), "{}", finding.message);
        // The unread key's own age proves it too.
        let mut old_unread = unread;
        old_unread.created_at = NOW - 400 * DAY;
        assert_eq!(verdict(vec![old_unread]).status, Status::Fail);
    }
}
