//! What a web ACL actually blocks, as WAF evaluates it: a rule group protects only where it
//! blocks (not in count mode, not scoped down to some requests, its XSS or SQLi rules not
//! overridden to Count or Allow), and any blocking rule that meets a requirement is enough,
//! wherever it stands in the ACL (its own rules or Firewall Manager's groups before and after).

use crate::params::Parameters;
use tomwatch_model::inventory::{WafRule, WafStatement, WebAcl};

/// Rule names inside a managed group that carry its XSS or SQL injection protection.
const XSS_RULE_MARKERS: [&str; 2] = ["crosssitescripting", "xss"];
const SQLI_RULE_MARKERS: [&str; 2] = ["sqli", "sqlinjection"];

/// What the ACL fails to block, one phrase per requirement; empty when it blocks all three.
pub fn shortfalls(params: &Parameters, acl: &WebAcl) -> Vec<String> {
    let groups_named = |names: &[String]| -> Vec<&WafRule> {
        acl.rules
            .iter()
            .filter(|rule| match &rule.statement {
                WafStatement::ManagedRuleGroup { name, .. } => names.contains(name),
                WafStatement::RuleGroupReference { arn } => {
                    names.iter().any(|n| arn.split('/').any(|part| part == n))
                }
                _ => false,
            })
            .collect()
    };
    let rates: Vec<&WafRule> = acl
        .rules
        .iter()
        .filter(|r| matches!(r.statement, WafStatement::RateBased { .. }))
        .collect();
    let required: [(&str, Vec<&WafRule>, &[&str]); 3] = [
        (
            "a rule group against XSS and common exploits",
            groups_named(&params.waf_xss_rule_groups),
            &XSS_RULE_MARKERS,
        ),
        (
            "a rule group against SQL injection",
            groups_named(&params.waf_sqli_rule_groups),
            &SQLI_RULE_MARKERS,
        ),
        ("a rate-based rule against floods", rates, &[]),
    ];
    required
        .into_iter()
        .filter_map(|(what, candidates, markers)| {
            // `None` as soon as one candidate blocks: the requirement is met.
            let weaknesses: Vec<String> = candidates
                .iter()
                .map(|rule| weakness(rule, markers))
                .collect::<Option<Vec<_>>>()?;
            Some(match weaknesses.first() {
                None => format!("lacks {what}"),
                Some(why) => format!("has {what} only {why}"),
            })
        })
        .collect()
}

/// How the rule falls short of blocking, or `None` when it blocks.
fn weakness(rule: &WafRule, markers: &[&str]) -> Option<String> {
    let name = if rule.firewall_manager {
        format!("Firewall Manager's {}", rule.name)
    } else {
        rule.name.clone()
    };
    if rule.count_only {
        return Some(format!("in count mode ({name})"));
    }
    if rule.scoped_down {
        return Some(format!(
            "for the requests its scope-down statement matches ({name})"
        ));
    }
    let relaxed: Vec<&str> = rule
        .relaxed_group_rules
        .iter()
        .filter(|r| {
            let lower = r.to_lowercase();
            markers.iter().any(|m| lower.contains(m))
        })
        .map(String::as_str)
        .collect();
    (!relaxed.is_empty()).then(|| {
        format!(
            "with its rules {} set to count or allow ({name})",
            relaxed.join(", ")
        )
    })
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{WafRule, WafStatement, WebAcl};

    pub fn managed(name: &str, count_only: bool) -> WafRule {
        WafRule {
            name: name.to_lowercase(),
            statement: WafStatement::ManagedRuleGroup {
                vendor: "AWS".into(),
                name: name.into(),
            },
            count_only,
            relaxed_group_rules: vec![],
            scoped_down: false,
            firewall_manager: false,
        }
    }

    pub fn rate() -> WafRule {
        WafRule {
            name: "rate".into(),
            statement: WafStatement::RateBased { limit: 2000 },
            count_only: false,
            relaxed_group_rules: vec![],
            scoped_down: false,
            firewall_manager: false,
        }
    }

    pub fn acl(name: &str, rules: Vec<WafRule>) -> WebAcl {
        WebAcl {
            arn: format!("arn:aws:wafv2:eu-central-1:{ACCOUNT}:regional/webacl/{name}/1"),
            name: name.into(),
            rules,
        }
    }

    /// The three protections, each blocking.
    pub fn complete() -> Vec<WafRule> {
        vec![
            managed("AWSManagedRulesCommonRuleSet", false),
            managed("AWSManagedRulesSQLiRuleSet", false),
            rate(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn problems(rules: Vec<WafRule>) -> Vec<String> {
        shortfalls(&Parameters::default(), &acl("edge", rules))
    }

    #[test]
    fn overridden_or_excluded_xss_and_sqli_rules_do_not_block() {
        let mut rules = complete();
        rules[0].relaxed_group_rules = vec![
            "CrossSiteScripting_BODY".into(),
            "SizeRestrictions_BODY".into(),
        ];
        rules[1].relaxed_group_rules = vec!["SQLi_QUERYARGUMENTS".into()];
        assert_eq!(
            problems(rules),
            [
                "has a rule group against XSS and common exploits only with its rules CrossSiteScripting_BODY set to count or allow (awsmanagedrulescommonruleset)",
                "has a rule group against SQL injection only with its rules SQLi_QUERYARGUMENTS set to count or allow (awsmanagedrulessqliruleset)",
            ]
        );
    }

    #[test]
    fn relaxing_rules_that_are_not_xss_or_sqli_keeps_the_protection() {
        let mut rules = complete();
        rules[0].relaxed_group_rules = vec!["SizeRestrictions_BODY".into()];
        assert!(problems(rules).is_empty());
    }

    #[test]
    fn a_scoped_down_group_protects_only_some_requests() {
        let mut rules = complete();
        rules[1].scoped_down = true;
        let found = problems(rules);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("scope-down"), "{found:?}");
    }

    #[test]
    fn a_blocking_copy_after_a_counting_one_protects() {
        let mut rules = vec![managed("AWSManagedRulesSQLiRuleSet", true)];
        rules.extend(complete());
        assert!(problems(rules).is_empty());
    }

    #[test]
    fn firewall_manager_groups_count_and_are_named_as_such() {
        let mut fms_sqli = managed("AWSManagedRulesSQLiRuleSet", false);
        fms_sqli.firewall_manager = true;
        let rules = vec![
            managed("AWSManagedRulesCommonRuleSet", false),
            rate(),
            fms_sqli.clone(),
        ];
        assert!(problems(rules).is_empty());
        fms_sqli.count_only = true;
        let rules = vec![
            managed("AWSManagedRulesCommonRuleSet", false),
            rate(),
            fms_sqli,
        ];
        assert_eq!(
            problems(rules),
            ["has a rule group against SQL injection only in count mode (Firewall Manager's awsmanagedrulessqliruleset)"]
        );
    }
}
