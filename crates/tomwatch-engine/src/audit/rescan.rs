//! Recollecting single services into a scan that is kept: what an event-driven rescan does
//! (issue 13). One service in one region (or one global service) is collected again under the
//! same bounds as a full scan's units, and replaces what the scan held for it, so the account is
//! judged again on fresh data for what changed and on the kept data for the rest.

mod resource;

use super::part::ServicePart;
use super::{service_unit, AccountScan, AuditOptions, Limits};
use crate::events::Rescan;
use crate::report::UnitReport;
use futures::future::join_all;
use std::collections::BTreeSet;
use tokio::sync::Semaphore;
use tomwatch_aws::AwsSession;
use tomwatch_model::ServiceKind;

impl AccountScan {
    /// Whether the scan holds `service` in `region`: a global service always, a regional one
    /// only in a region the scan covered (a region it did not scan is left to the next full
    /// scan, which decides whether to scan it at all).
    pub fn covers(&self, region: &str, service: ServiceKind) -> bool {
        service.is_global()
            || self
                .inventory
                .regions
                .as_ref()
                .is_ok_and(|regions| regions.contains_key(region))
    }

    /// Puts a recollected service in place of what the scan held for it, and its unit's report
    /// in place of the old one. `false` (and nothing changed) for a region the scan does not
    /// cover.
    pub(super) fn replace(&mut self, part: ServicePart, unit: UnitReport) -> bool {
        match part {
            ServicePart::Global(part) => part.store_into(&mut self.inventory),
            ServicePart::Regional(part) => {
                let Ok(regions) = &mut self.inventory.regions else {
                    return false;
                };
                let Some(region) = regions.get_mut(&unit.region) else {
                    return false;
                };
                part.store_into(region);
            }
        }
        match self
            .units
            .iter_mut()
            .find(|old| old.region == unit.region && old.service == unit.service)
        {
            Some(old) => *old = unit,
            None => self.units.push(unit),
        }
        true
    }
}

/// Collects each of `rescans` that belongs to this session's account and that `scan` covers,
/// concurrently, each as a unit under `limiter`, the account's bound and the unit budget, and
/// puts the results into `scan`. A single-resource rescan describes its resource alone, and
/// falls back to its service where the resource cannot be put in place. Returns the rescans
/// done; the others are the next full scan's.
pub async fn rescan(
    session: &AwsSession,
    scan: &mut AccountScan,
    rescans: &BTreeSet<Rescan>,
    options: &AuditOptions,
    limiter: &Semaphore,
) -> Vec<Rescan> {
    let account_limit = Semaphore::new(options.account_concurrency.max(1));
    let limits = Limits {
        global: limiter,
        account: &account_limit,
        progress: &crate::audit::Unwatched,
    };
    let due: Vec<&Rescan> = rescans
        .iter()
        .filter(|r| r.account_id == session.account_id() && scan.covers(&r.region, r.service))
        .collect();
    let (single, mut services) = resource::plan(&due);
    let fresh = join_all(single.iter().map(|(rescan, resource)| {
        resource::refresh(session, limits, options, &rescan.region, resource)
    }))
    .await;
    for ((rescan, _), fresh) in single.iter().zip(fresh) {
        let patched = match fresh {
            Ok(fresh) => scan.patch(&rescan.region, fresh),
            Err(error) => {
                tracing::debug!(
                    error_type = %error.kind,
                    "describing one resource failed, rescanning its service: {}",
                    error.message
                );
                false
            }
        };
        if !patched {
            services.insert((rescan.region.clone(), rescan.service));
        }
    }
    let parts = join_all(
        services
            .iter()
            .map(|(region, service)| service_unit(session, limits, options, region, *service)),
    )
    .await;
    for (part, unit) in parts {
        scan.replace(part, unit);
    }
    due.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests;
