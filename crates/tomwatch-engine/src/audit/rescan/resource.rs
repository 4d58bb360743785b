//! Single-resource rescans: a change event whose call changed one resource alone (the change
//! table's `RESOURCE_EVENTS`) describes that resource again and puts it in place of the kept
//! one, instead of recollecting its whole service in the region. Where that cannot be done
//! honestly (the kept list was never read, the describe failed) the service is rescanned.

use super::super::{bounded, AccountScan, AuditOptions, Limits};
use crate::events::{Rescan, ResourceRef};
use std::collections::BTreeSet;
use tomwatch_aws::AwsSession;
use tomwatch_model::change_events::ResourceKind;
use tomwatch_model::inventory::SecurityGroup;
use tomwatch_model::{Collected, ServiceKind};

/// A resource as described again: `None` where it no longer exists.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::audit) enum FreshResource {
    SecurityGroup {
        id: String,
        group: Option<SecurityGroup>,
    },
}

/// Which of `due` are rescanned as single resources (each with its resource), and which
/// services (region, service) as a whole: a service rescan makes resource rescans of the same
/// service and region redundant.
pub(super) type Plan<'a> = (
    Vec<(&'a Rescan, &'a ResourceRef)>,
    BTreeSet<(String, ServiceKind)>,
);

pub(super) fn plan<'a>(due: &[&'a Rescan]) -> Plan<'a> {
    let whole: BTreeSet<(String, ServiceKind)> = due
        .iter()
        .filter(|r| r.resource.is_none())
        .map(|r| (r.region.clone(), r.service))
        .collect();
    let single = due
        .iter()
        .filter(|r| !whole.contains(&(r.region.clone(), r.service)))
        .filter_map(|r| Some((*r, r.resource.as_ref()?)))
        .collect();
    (single, whole)
}

/// Describes one resource again, under the same bounds as a unit of its service.
pub(super) async fn refresh(
    session: &AwsSession,
    limits: Limits<'_>,
    options: &AuditOptions,
    region: &str,
    resource: &ResourceRef,
) -> Collected<FreshResource> {
    let work = async {
        let fresh =
            match resource.kind {
                ResourceKind::SecurityGroup => session
                    .security_group(region, &resource.id)
                    .await
                    .map(|group| FreshResource::SecurityGroup {
                        id: resource.id.clone(),
                        group,
                    }),
            };
        (fresh, true)
    };
    let (outcome, _unit) = bounded(
        limits,
        options.unit_timeout,
        session.account_id(),
        region,
        resource.kind.service(),
        work,
    )
    .await;
    outcome.and_then(|fresh| fresh)
}

impl AccountScan {
    /// Puts a described-again resource in place of the kept one (or drops it, or adds it).
    /// `false`, and nothing changed, where the scan holds no readable list for it to go in.
    pub(in crate::audit) fn patch(&mut self, region: &str, fresh: FreshResource) -> bool {
        let Ok(regions) = &mut self.inventory.regions else {
            return false;
        };
        let Some(inventory) = regions.get_mut(region) else {
            return false;
        };
        match fresh {
            FreshResource::SecurityGroup { id, group } => {
                let Ok(groups) = &mut inventory.ec2.security_groups else {
                    return false;
                };
                let kept = groups.iter().position(|g| g.group_id == id);
                match (kept, group) {
                    (Some(at), Some(group)) => groups[at] = group,
                    (Some(at), None) => {
                        groups.remove(at);
                    }
                    (None, Some(group)) => groups.push(group),
                    (None, None) => {}
                }
                true
            }
        }
    }
}
