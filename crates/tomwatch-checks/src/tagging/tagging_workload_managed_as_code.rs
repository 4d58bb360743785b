use super::{per_workload, short};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Every workload resource carries an infrastructure-as-code marker",
    resource_type: "AWS::*::*",
    evaluate,
}

/// The tag CloudFormation (and so CDK) puts on every resource it creates.
const CLOUDFORMATION_STACK: &str = "aws:cloudformation:stack-id";

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let key = &ctx.params.iac_tag_key;
    let values = &ctx.params.iac_tag_values;
    per_workload(&CHECK.meta, ctx, |arn, tags| {
        if tags.contains_key(CLOUDFORMATION_STACK) {
            return Verdict::pass(format!("{} belongs to a CloudFormation stack", short(arn)));
        }
        match tags.get(key) {
            Some(tool) if values.iter().any(|v| v.eq_ignore_ascii_case(tool)) => {
                Verdict::pass(format!("{} is managed by {tool}", short(arn)))
            }
            Some(other) => Verdict::fail(format!(
                "{} is tagged {key}={other}, not one of {}",
                short(arn),
                values.join(", ")
            )),
            None => Verdict::fail(format!(
                "{} has neither a {CLOUDFORMATION_STACK} nor a {key} tag: it looks hand-made",
                short(arn)
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagging::fixtures::{instances, tags};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn stack_or_tool_tags_pass_anything_else_fails() {
        let account = instances(vec![
            tags(&[("aws:cloudformation:stack-id", "arn:aws:cloudformation:...")]),
            tags(&[("managed-by", "Terraform")]),
            tags(&[("managed-by", "clickops")]),
            tags(&[("Name", "pet")]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Pass, Status::Fail, Status::Fail]
        );
        assert_eq!(findings[0].resource_type, "AWS::EC2::Instance");
        assert!(
            findings[2].message.contains("managed-by=clickops"),
            "{}",
            findings[2].message
        );
    }

    #[test]
    fn untaggable_lists_and_unreadable_tags_are_unknown() {
        let mut account = instances(vec![]);
        region_mut(&mut account, "eu-central-1").ec2.volumes =
            Err(denied("ec2", "DescribeVolumes", "eu-central-1"));
        account.s3.buckets = Ok(vec![crate::s3::fixtures::bucket("b", "eu-central-1", None)]);
        if let Ok(buckets) = &mut account.s3.buckets {
            buckets[0].tags = Err(denied("s3", "GetBucketTagging", "eu-central-1"));
        }
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Unknown, Status::Unknown]);
    }

    #[test]
    fn caches_are_judged_by_group_and_functions_by_their_own_tags() {
        use crate::elasticache::fixtures::{cluster, group};
        let mut account = instances(vec![]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut sessions = group("sessions");
        sessions.tags = Ok(tags(&[("managed-by", "pulumi")]));
        region.elasticache.replication_groups = Ok(vec![sessions]);
        let mut member = cluster("sessions-001", &[]);
        member.replication_group_id = Some("sessions".into());
        member.tags = None;
        region.elasticache.clusters = Ok(vec![member, cluster("memcached", &[])]);
        region.lambda.functions = Ok(vec![tomwatch_model::inventory::LambdaFunction {
            arn: "arn:aws:lambda:eu-central-1:111111111111:function:thumbnails".into(),
            name: "thumbnails".into(),
            tags: Err(denied("lambda", "ListTags", "eu-central-1")),
        }]);
        let findings = run(&CHECK, &account);
        let judged: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.resource_type, f.status))
            .collect();
        assert_eq!(
            judged,
            vec![
                ("AWS::ElastiCache::ReplicationGroup", Status::Pass),
                ("AWS::ElastiCache::CacheCluster", Status::Fail),
                ("AWS::Lambda::Function", Status::Unknown),
            ]
        );
    }
}
