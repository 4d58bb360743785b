//! Which resources an AWS Backup selection assigns to its plan, as AWS Backup evaluates it:
//! <https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html>. A resource
//! is selected when it matches `Resources` or any `ListOfTags` entry (OR), every `Conditions`
//! test (AND), and no `NotResources` pattern.

use crate::pattern;
use tomwatch_model::inventory::{BackupSelection, TagCondition, TagTest, Tags};

pub fn selects(selection: &BackupSelection, arn: &str, tags: &Tags) -> bool {
    let excluded = selection
        .not_resources
        .iter()
        .any(|p| pattern::matches(p, arn));
    let included = selection.resources.iter().any(|p| pattern::matches(p, arn))
        || selection.any_of_tags.iter().any(|c| holds(c, tags));
    !excluded && included && selection.all_of_conditions.iter().all(|c| holds(c, tags))
}

/// Whether the selection can assign anything at all: a selection with neither resources nor tags
/// selects nothing, whatever its conditions.
pub fn selects_something(selection: &BackupSelection) -> bool {
    !selection.resources.is_empty() || !selection.any_of_tags.is_empty()
}

fn holds(condition: &TagCondition, tags: &Tags) -> bool {
    let value = tags.get(&condition.key);
    match condition.test {
        TagTest::Equals => value == Some(&condition.value),
        TagTest::NotEquals => value != Some(&condition.value),
        TagTest::Like => value.is_some_and(|v| pattern::matches(&condition.value, v)),
        TagTest::NotLike => !value.is_some_and(|v| pattern::matches(&condition.value, v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "arn:aws:rds:eu-central-1:111111111111:db:orders";

    fn selection(resources: &[&str]) -> BackupSelection {
        BackupSelection {
            name: "s".into(),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            not_resources: vec![],
            any_of_tags: vec![],
            all_of_conditions: vec![],
        }
    }

    fn tag(test: TagTest, key: &str, value: &str) -> TagCondition {
        TagCondition {
            test,
            key: key.into(),
            value: value.into(),
        }
    }

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn resources_match_by_arn_pattern() {
        assert!(selects(&selection(&["*"]), DB, &Tags::new()));
        assert!(selects(
            &selection(&["arn:aws:rds:*:*:db:*"]),
            DB,
            &Tags::new()
        ));
        assert!(!selects(
            &selection(&["arn:aws:ec2:*:*:volume/*"]),
            DB,
            &Tags::new()
        ));
        assert!(!selects(&selection(&[]), DB, &Tags::new()));
    }

    #[test]
    fn not_resources_exclude_and_conditions_must_all_hold() {
        let mut excluded = selection(&["*"]);
        excluded.not_resources = vec!["arn:aws:rds:*:*:db:ord*".into()];
        assert!(!selects(&excluded, DB, &Tags::new()));

        let mut conditioned = selection(&["*"]);
        conditioned.all_of_conditions = vec![
            tag(TagTest::Equals, "backup", "daily"),
            tag(TagTest::NotLike, "env", "dev*"),
        ];
        assert!(selects(
            &conditioned,
            DB,
            &tags(&[("backup", "daily"), ("env", "prod")])
        ));
        assert!(!selects(
            &conditioned,
            DB,
            &tags(&[("backup", "daily"), ("env", "dev-1")])
        ));
        assert!(!selects(&conditioned, DB, &tags(&[("env", "prod")])));
    }

    #[test]
    fn any_listed_tag_selects() {
        let mut tagged = selection(&[]);
        tagged.any_of_tags = vec![
            tag(TagTest::Equals, "backup", "daily"),
            tag(TagTest::Equals, "tier", "gold"),
        ];
        assert!(selects(&tagged, DB, &tags(&[("tier", "gold")])));
        assert!(!selects(&tagged, DB, &tags(&[("tier", "silver")])));
        assert!(selects_something(&tagged));
        assert!(!selects_something(&selection(&[])));
    }

    #[test]
    fn like_tests_use_wildcards_and_not_equals_holds_without_the_tag() {
        let like = tag(TagTest::Like, "team", "data-*");
        assert!(holds(&like, &tags(&[("team", "data-eng")])));
        assert!(!holds(&like, &tags(&[("team", "web")])));
        assert!(holds(&tag(TagTest::NotEquals, "env", "dev"), &Tags::new()));
    }
}
