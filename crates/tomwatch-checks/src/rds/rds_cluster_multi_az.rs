use super::per_cluster;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use std::collections::BTreeSet;

check! {
    title: "RDS (Aurora) clusters run instances in at least two Availability Zones",
    resource_type: "AWS::RDS::DBCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.min_redundancy;
    per_cluster(&CHECK.meta, ctx, |region, cluster| {
        // The members' zones are in the instance list of the same region.
        let instances = match ctx
            .account
            .regions
            .as_ref()
            .ok()
            .and_then(|r| r.get(region))
            .map(|r| &r.rds.instances)
        {
            Some(Ok(instances)) => instances,
            Some(Err(error)) => return Verdict::not_collected(error),
            None => return Verdict::not_applicable(format!("region {region} was not scanned")),
        };
        let zone_of = |member: &String| {
            (instances.iter())
                .find(|db| db.identifier == *member)
                .and_then(|db| db.availability_zone.as_deref())
        };
        let zones: BTreeSet<&str> = cluster.members.iter().filter_map(zone_of).collect();
        // A member DescribeDBInstances does not show (or shows without a zone) may sit in
        // another zone: unless the seen ones already suffice, the spread is unseen.
        let unseen: Vec<&str> = (cluster.members.iter())
            .filter(|member| zone_of(member).is_none())
            .map(String::as_str)
            .collect();
        let zone_list = zones.iter().copied().collect::<Vec<_>>().join(", ");
        if zones.len() >= required as usize {
            Verdict::pass(format!(
                "cluster {} has instances in {} Availability Zones ({zone_list})",
                cluster.identifier,
                zones.len()
            ))
        } else if !unseen.is_empty() {
            Verdict::undecidable(format!(
                "cluster {}'s member(s) {} are not among the instances DescribeDBInstances \
                 shows with a zone, so whether it spans {required} Availability Zones is unseen",
                cluster.identifier,
                unseen.join(", ")
            ))
        } else if cluster.members.is_empty() {
            Verdict::fail(format!(
                "cluster {} has no instances: nothing can serve or take over",
                cluster.identifier
            ))
        } else {
            Verdict::fail(format!(
                "cluster {} has {} instance(s) in {} Availability Zone(s) ({zone_list}), fewer than {required}: losing one zone stops it",
                cluster.identifier,
                cluster.members.len(),
                zones.len()
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    fn member(id: &str, zone: &str) -> tomwatch_model::inventory::RdsInstance {
        let mut db = rds_instance(id, true, false);
        db.engine = "aurora-postgresql".into();
        db.availability_zone = Some(zone.into());
        db.cluster_id = Some(
            id.trim_end_matches(char::is_numeric)
                .trim_end_matches('-')
                .into(),
        );
        db
    }

    #[test]
    fn members_in_two_zones_pass_one_zone_fails_unlisted_instances_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.rds.clusters = Ok(vec![rds_cluster("spread"), rds_cluster("packed")]);
        region.rds.instances = Ok(vec![
            member("spread-1", "eu-central-1a"),
            member("spread-2", "eu-central-1b"),
            member("packed-1", "eu-central-1a"),
            member("packed-2", "eu-central-1a"),
        ]);
        let findings = run(&CHECK, &account);
        assert_eq!(findings[0].status, Status::Pass);
        assert_eq!(findings[1].status, Status::Fail);
        assert_eq!(
            findings[1].message,
            "cluster packed has 2 instance(s) in 1 Availability Zone(s) (eu-central-1a), fewer than 2: losing one zone stops it"
        );
        region_mut(&mut account, "eu-central-1").rds.instances =
            Err(denied("rds", "DescribeDBInstances", "eu-central-1"));
        assert!(run(&CHECK, &account)
            .iter()
            .all(|f| f.status == Status::Unknown));
    }

    #[test]
    fn a_member_missing_from_the_instances_is_unknown_unless_the_seen_ones_suffice() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut spread = rds_cluster("spread");
        spread.members.push("spread-3".into());
        region.rds.clusters = Ok(vec![rds_cluster("packed"), spread]);
        // packed-2 is not listed: it may be the one in another zone.
        region.rds.instances = Ok(vec![
            member("packed-1", "eu-central-1a"),
            member("spread-1", "eu-central-1a"),
            member("spread-2", "eu-central-1b"),
        ]);
        let findings = run(&CHECK, &account);
        assert_eq!(findings[0].status, Status::Unknown, "{}", findings[0].message);
        assert!(findings[0].message.contains("packed-2"), "{}", findings[0].message);
        assert_eq!(findings[1].status, Status::Pass, "two seen zones prove it");
    }
}
