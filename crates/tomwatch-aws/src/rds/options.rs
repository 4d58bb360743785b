//! Oracle's TLS lives in its option group, not its parameter group: the `SSL` option.

use crate::caller::{all_pages, Caller};
use tomwatch_model::inventory::OracleSslOption;
use tomwatch_model::Collected;

const OP: &str = "DescribeOptionGroups";

/// The `SSL` option of `group`, `None` where the group has none.
pub(super) async fn oracle_ssl(
    client: &aws_sdk_rds::Client,
    caller: &Caller,
    group: &str,
) -> Collected<Option<OracleSslOption>> {
    let pages = all_pages!(
        caller,
        OP,
        client.describe_option_groups().option_group_name(group)
    )
    .await?;
    let described = pages
        .iter()
        .flat_map(|p| p.option_groups_list())
        .find(|g| g.option_group_name() == Some(group))
        .ok_or_else(|| caller.missing(OP, &format!("the option group {group}")))?;
    Ok(described
        .options()
        .iter()
        .find(|o| o.option_name() == Some("SSL"))
        .map(|ssl| OracleSslOption {
            option_group: group.to_string(),
            port: ssl.port(),
            ssl_version: ssl
                .option_settings()
                .iter()
                .find(|s| s.name() == Some("SQLNET.SSL_VERSION"))
                .and_then(|s| s.value())
                .map(str::to_string),
        }))
}
