use super::per_listener;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{ListenerRule, RuleAction};

check! {
    title: "Plain-HTTP listeners only redirect to HTTPS",
    resource_type: "AWS::ElasticLoadBalancingV2::Listener",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_listener(
        &CHECK.meta,
        ctx,
        |listener| listener.protocol == "HTTP",
        |_, lb, listener| {
            let at = format!("{}:{}", lb.name, listener.port);
            let rules = match &listener.http_rules {
                Some(Ok(rules)) => rules,
                Some(Err(error)) => return Verdict::not_collected(error),
                None => {
                    return Verdict::not_applicable(format!("{at}: its rules were not collected"))
                }
            };
            let serving: Vec<String> = rules.iter().filter_map(serves_plain_http).collect();
            if serving.is_empty() {
                Verdict::pass(format!(
                    "{at} redirects plain HTTP to HTTPS ({} rule(s), none forwards)",
                    rules.len()
                ))
            } else {
                Verdict::fail(format!(
                    "{at} serves plain HTTP instead of redirecting to HTTPS: {}",
                    serving.join("; ")
                ))
            }
        },
    )
}

/// How the rule lets plain HTTP through, or `None` when it redirects to HTTPS or answers with
/// a fixed response (which forwards nothing to the application).
fn serves_plain_http(rule: &ListenerRule) -> Option<String> {
    let what = match &rule.action {
        RuleAction::RedirectToHttps | RuleAction::FixedResponse => return None,
        RuleAction::RedirectKeepingHttp => "redirects without switching to HTTPS".to_string(),
        RuleAction::Forward => "forwards to its targets".to_string(),
        RuleAction::Other(action) => format!("ends in action {action}"),
    };
    Some(if rule.conditions.is_empty() {
        format!("the {} rule {what}", rule.priority)
    } else {
        format!(
            "rule {} ({}) {what}",
            rule.priority,
            rule.conditions.join(" and ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::{alb, default_rule, listener};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn http_must_redirect_and_https_listeners_are_not_judged_here() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![
            alb(
                "good",
                vec![
                    listener(80, "HTTP", None, true),
                    listener(443, "HTTPS", Some("p"), false),
                ],
            ),
            alb("bad", vec![listener(8080, "HTTP", None, false)]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        assert_eq!(
            findings[1].message,
            "bad:8080 serves plain HTTP instead of redirecting to HTTPS: the default rule forwards to its targets"
        );
    }

    #[test]
    fn a_rule_that_forwards_beside_a_redirecting_default_fails() {
        let mut account = account(&["eu-central-1"]);
        let mut http = listener(80, "HTTP", None, true);
        let api = ListenerRule {
            priority: "10".into(),
            conditions: vec!["path-pattern /api/*".into()],
            action: RuleAction::Forward,
        };
        let health = ListenerRule {
            priority: "20".into(),
            conditions: vec!["path-pattern /health".into()],
            action: RuleAction::FixedResponse,
        };
        http.http_rules = Some(Ok(vec![api, health, default_rule(true)]));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![alb("web", vec![http])]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.ends_with("rule 10 (path-pattern /api/*) forwards to its targets"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn unreadable_rules_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut http = listener(80, "HTTP", None, true);
        http.http_rules = Some(Err(denied(
            "elasticloadbalancing",
            "DescribeRules",
            "eu-central-1",
        )));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![alb("web", vec![http])]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }

    #[test]
    fn unlistable_listeners_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut lb = alb("web", vec![]);
        lb.listeners = Err(denied(
            "elasticloadbalancing",
            "DescribeListeners",
            "eu-central-1",
        ));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![lb]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
