use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use std::collections::BTreeSet;
use super::protection::shortfalls;
use tomwatch_model::inventory::WebAcl;
use tomwatch_model::GLOBAL_REGION;

check! {
    title: "Web ACLs in front of public load balancers block XSS, SQL injection and floods",
    resource_type: "AWS::WAFv2::WebACL",
    evaluate,
}

/// Judges every web ACL that protects an internet-facing load balancer, once per ACL.
fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let meta = &CHECK.meta;
    let regions = match &ctx.account.regions {
        Ok(regions) => regions,
        Err(error) => {
            let id = format!(
                "arn:aws:wafv2:*:{}:regional/webacl/*",
                ctx.account.account_id
            );
            return vec![meta.evidence(GLOBAL_REGION, id, Verdict::not_collected(error))];
        }
    };
    let mut findings = Vec::new();
    for (region, inventory) in regions {
        let Ok(lbs) = &inventory.elbv2.load_balancers else {
            continue; // elbv2_load_balancer_waf_attached reports the blind spot
        };
        let mut judged = BTreeSet::new();
        for lb in lbs.iter().filter(|lb| lb.internet_facing) {
            match &lb.web_acl {
                Some(Ok(Some(acl))) if judged.insert(acl.arn.clone()) => {
                    findings.push(meta.evidence(region, acl.arn.clone(), judge(ctx, acl)));
                }
                Some(Err(error)) => {
                    findings.push(meta.evidence(region, lb.arn.clone(), Verdict::not_collected(error)))
                }
                _ => {}
            }
        }
    }
    findings
}

fn judge(ctx: &EvalContext, acl: &WebAcl) -> Verdict {
    let problems = shortfalls(ctx.params, acl);
    if problems.is_empty() {
        Verdict::pass(format!(
            "web ACL {} blocks XSS, SQL injection and request floods",
            acl.name
        ))
    } else {
        Verdict::fail(format!("web ACL {} {}", acl.name, problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::protection::fixtures::*;
    use crate::elbv2::fixtures::alb;
    use crate::testing::*;
    use tomwatch_model::Status;

    fn judge_acls(acls: Vec<WebAcl>) -> Vec<Evidence> {
        let mut account = account(&["eu-central-1"]);
        let lbs = acls
            .into_iter()
            .enumerate()
            .map(|(i, acl)| {
                let mut lb = alb(&format!("lb{i}"), vec![]);
                lb.web_acl = Some(Ok(Some(acl)));
                lb
            })
            .collect();
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(lbs);
        run(&CHECK, &account)
    }

    #[test]
    fn all_three_protections_blocking_pass() {
        let complete = acl(
            "complete",
            vec![
                managed("AWSManagedRulesCommonRuleSet", false),
                managed("AWSManagedRulesSQLiRuleSet", false),
                rate(),
            ],
        );
        let findings = judge_acls(vec![complete.clone(), complete]);
        assert_eq!(
            findings.len(),
            1,
            "an ACL shared by two load balancers is judged once"
        );
        assert_eq!(findings[0].status, Status::Pass);
    }

    #[test]
    fn missing_or_count_only_protections_fail_with_each_named() {
        let findings = judge_acls(vec![acl(
            "weak",
            vec![managed("AWSManagedRulesCommonRuleSet", true)],
        )]);
        assert_eq!(findings[0].status, Status::Fail);
        assert_eq!(
            findings[0].message,
            "web ACL weak has a rule group against XSS and common exploits only in count mode (awsmanagedrulescommonruleset); lacks a rule group against SQL injection; lacks a rate-based rule against floods"
        );
    }

    #[test]
    fn an_unreadable_acl_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut lb = alb("web", vec![]);
        lb.web_acl = Some(Err(denied("wafv2", "GetWebACLForResource", "eu-central-1")));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![lb]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
