//! The managed prefix lists security-group rules name as sources, resolved to their CIDRs: a
//! rule that admits `pl-…` admits whatever the list holds, 0.0.0.0/0 included.

use crate::caller::{all_pages, Caller};
use aws_sdk_ec2::types::SecurityGroup as SdkSecurityGroup;
use futures::{stream, StreamExt};
use std::collections::{BTreeMap, BTreeSet};
use tomwatch_model::{Collected, ErrorKind};

const OP: &str = "GetManagedPrefixListEntries";
/// Lists are few per region; a small bound keeps a group-heavy region within its rate.
const LIST_CONCURRENCY: usize = 4;

/// Each referenced prefix list with its entries or the error that kept them unread.
pub(super) struct PrefixLists {
    caller: Caller,
    entries: BTreeMap<String, Collected<Vec<String>>>,
}

impl PrefixLists {
    pub(super) fn cidrs(&self, prefix_list_id: &str) -> Collected<Vec<String>> {
        match self.entries.get(prefix_list_id) {
            Some(cidrs) => cidrs.clone(),
            None => Err(self.caller.error(
                OP,
                ErrorKind::Other,
                format!("prefix list {prefix_list_id} was referenced but not resolved"),
            )),
        }
    }

    #[cfg(test)]
    pub(super) fn from_entries(
        caller: &Caller,
        entries: BTreeMap<String, Collected<Vec<String>>>,
    ) -> Self {
        PrefixLists {
            caller: caller.clone(),
            entries,
        }
    }
}

/// Reads the entries of every prefix list the groups' rules reference, each once.
pub(super) async fn resolve(
    client: &aws_sdk_ec2::Client,
    caller: &Caller,
    groups: &[&SdkSecurityGroup],
) -> PrefixLists {
    let ids: BTreeSet<String> = groups
        .iter()
        .flat_map(|g| g.ip_permissions().iter().chain(g.ip_permissions_egress()))
        .flat_map(|rule| rule.prefix_list_ids())
        .filter_map(|r| r.prefix_list_id().map(str::to_string))
        .collect();
    let entries = stream::iter(ids)
        .map(|id| async move {
            let cidrs = entries_of(client, caller, &id).await;
            (id, cidrs)
        })
        .buffered(LIST_CONCURRENCY)
        .collect()
        .await;
    PrefixLists {
        caller: caller.clone(),
        entries,
    }
}

async fn entries_of(
    client: &aws_sdk_ec2::Client,
    caller: &Caller,
    prefix_list_id: &str,
) -> Collected<Vec<String>> {
    let pages = all_pages!(
        caller,
        OP,
        client
            .get_managed_prefix_list_entries()
            .prefix_list_id(prefix_list_id)
    )
    .await?;
    pages
        .iter()
        .flat_map(|page| page.entries())
        .map(|entry| {
            entry
                .cidr()
                .map(str::to_string)
                .ok_or_else(|| caller.missing(OP, "Entries[].Cidr"))
        })
        .collect()
}
