mod part;
mod rescan;
mod unit;

use crate::policy::Policy;
use crate::regions::{account_regions, RegionNotScanned};
use crate::report::{AccountReport, AuditReport, EvaluatedAccount, UnitReport};
use futures::future::join_all;
use part::Part;
pub use rescan::rescan;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::Semaphore;
use tomwatch_aws::{AccountTarget, AwsConnector, AwsSession};
use tomwatch_model::{
    AccountInventory, CollectionError, ErrorKind, RegionInventory, ServiceKind, GLOBAL_REGION,
};
use unit::{bounded, not_collected, not_offered_here, regional_units, service_unit, Limits};

/// One account to audit, as the config describes it.
#[derive(Debug, Clone)]
pub struct PlannedAccount {
    pub target: AccountTarget,
    pub environment: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RegionSelection {
    /// Every region enabled for each account.
    AllEnabled,
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Collection units in flight at once, across all accounts.
    pub concurrency: usize,
    /// Collection units in flight at once within one account and region.
    pub region_concurrency: usize,
    /// Collection units in flight at once within one account (see [`account_share`]).
    pub account_concurrency: usize,
    /// Budget of one unit (one service in one region); over it the unit is UNKNOWN with `timeout`.
    pub unit_timeout: Duration,
}

/// How many of the `concurrency` units in flight one of `accounts` may hold: its fair share,
/// but never less than one region's bound. Without it, an account whose calls are throttled
/// would hold every global permit while its retries back off (up to the unit budget each), and
/// the other accounts' scans would wait behind it.
pub fn account_share(concurrency: usize, accounts: usize, region_concurrency: usize) -> usize {
    let concurrency = concurrency.max(1);
    (concurrency / accounts.max(1))
        .max(region_concurrency)
        .clamp(1, concurrency)
}

/// Hears how an audit advances, for a progress display. Called from the scan's tasks.
pub trait AuditProgress: Sync {
    /// `units` more collection units will run (an account's, once its regions are known).
    fn planned(&self, _units: usize) {}
    /// One unit finished; `success` is false when any of its calls failed.
    fn unit_done(&self, _unit: &UnitReport) {}
}

/// For scans nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwatched;

impl AuditProgress for Unwatched {}

/// Audits every planned account. Never fails as a whole: whatever could not be collected is in
/// the report as errors and UNKNOWN findings.
pub async fn run_audit(
    connector: &AwsConnector,
    accounts: &[PlannedAccount],
    regions: &RegionSelection,
    options: &AuditOptions,
    policy: &Policy,
) -> AuditReport {
    run_watched_audit(connector, accounts, regions, options, policy, &Unwatched).await
}

/// [`run_audit`], telling `progress` as units are planned and done.
pub async fn run_watched_audit(
    connector: &AwsConnector,
    accounts: &[PlannedAccount],
    regions: &RegionSelection,
    options: &AuditOptions,
    policy: &Policy,
    progress: &dyn AuditProgress,
) -> AuditReport {
    let started_at = time::OffsetDateTime::now_utc();
    let limiter = Semaphore::new(options.concurrency.max(1));
    let scans = accounts.iter().map(|account| async {
        match connect(connector, &account.target).await {
            Ok(session) => {
                scan_account(&session, account, regions, options, &limiter, progress).await
            }
            Err(error) => unreachable_account(account, error),
        }
    });
    let scanned = join_all(scans).await;
    let mut report = AuditReport::new(started_at);
    let today = time::OffsetDateTime::now_utc().date();
    for scan in scanned {
        report.add(evaluate(&scan, policy, today));
    }
    report.finish();
    report.record_policy(policy, today);
    report
}

/// One account's inventory and how its collection units went.
#[derive(Debug)]
pub struct AccountScan {
    pub inventory: AccountInventory,
    pub units: Vec<UnitReport>,
    /// Configured regions that were not scanned: no region of the partition, or not enabled.
    pub regions_not_scanned: Vec<RegionNotScanned>,
}

/// Runs the policy's enabled checks on one account and marks the FAILs its suppressions cover
/// on `today` (UTC).
pub fn evaluate(scan: &AccountScan, policy: &Policy, today: time::Date) -> EvaluatedAccount {
    let inventory = &scan.inventory;
    let mut findings = policy.baseline.evaluate(inventory);
    policy.apply_suppressions(&mut findings, today);
    EvaluatedAccount {
        account: AccountReport {
            account_id: inventory.account_id.clone(),
            environment: inventory.environment.clone(),
            regions: inventory
                .regions
                .as_ref()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default(),
            regions_not_scanned: scan.regions_not_scanned.clone(),
        },
        findings,
        errors: inventory.errors(),
        units: scan.units.clone(),
    }
}

/// The scan of an account that could not even be connected to.
pub fn unreachable_account(account: &PlannedAccount, error: CollectionError) -> AccountScan {
    let inventory = AccountInventory::unreachable(
        &account.target.account_id,
        account.environment.clone(),
        error,
    );
    AccountScan {
        inventory,
        units: Vec::new(),
        regions_not_scanned: Vec::new(),
    }
}

/// Collects one account through an established session, every unit under `limiter`.
pub async fn scan_account(
    session: &AwsSession,
    account: &PlannedAccount,
    regions: &RegionSelection,
    options: &AuditOptions,
    limiter: &Semaphore,
    progress: &dyn AuditProgress,
) -> AccountScan {
    let account_id = &account.target.account_id;
    let environment = account.environment.clone();
    let account_limit = Semaphore::new(options.account_concurrency.max(1));
    let limits = Limits {
        global: limiter,
        account: &account_limit,
        progress,
    };
    let global_services = ServiceKind::ALL.iter().filter(|s| s.is_global()).count();
    progress.planned(global_services);
    // Every account-wide service, from the model's one list.
    let global = join_all(
        ServiceKind::ALL
            .iter()
            .filter(|service| service.is_global())
            .map(|&service| service_unit(session, limits, options, GLOBAL_REGION, service)),
    );
    // The account's regions and the services AWS offers in them are read while the global
    // units run, and a configured list's services while its regions are checked.
    let regional = async {
        let listed = match regions {
            RegionSelection::List(list) => Some(list),
            RegionSelection::AllEnabled => None,
        };
        let ((region_names, regions_not_scanned), listed_not_offered) =
            tokio::join!(account_regions(session, regions), async {
                match listed {
                    Some(list) => Some(session.services_not_offered(list).await),
                    None => None,
                }
            });
        let Ok(names) = &region_names else {
            return (region_names, regions_not_scanned, Vec::new());
        };
        // Cached per connector: the other accounts' scans find it read.
        let not_offered = match listed_not_offered {
            Some(not_offered) => not_offered,
            None => session.services_not_offered(names).await,
        };
        let (units, skipped) = regional_units(names, &not_offered);
        progress.planned(units.len());
        for (region, services) in &not_offered {
            if !services.is_empty() {
                let names: Vec<&str> = services.iter().map(|s| s.kind().name()).collect();
                tracing::info!(
                    account_id = %session.account_id(), region = %region,
                    "not scanned, as AWS does not offer them in {region}: {}",
                    names.join(", ")
                );
            }
        }
        let region_limits: BTreeMap<&String, Semaphore> = names
            .iter()
            .map(|r| (r, Semaphore::new(options.region_concurrency.max(1))))
            .collect();
        let region_limits = &region_limits;
        let mut parts = join_all(units.into_iter().map(|(region, service)| async move {
            // The region's permit first, so no global permit is held while waiting for it.
            let _region_permit = match region_limits.get(region) {
                Some(limit) => Some(limit.acquire().await.expect("never closed")),
                None => None,
            };
            // Boxed, like the global units: the collectors' futures are large, and a scan runs
            // inside a tokio worker whose stack would otherwise hold all of them at once.
            let work = Box::pin(Part::collect(session, region, service));
            let (part, unit) = bounded(
                limits,
                options.unit_timeout,
                session.account_id(),
                region,
                service.kind(),
                work,
            )
            .await;
            (
                region.clone(),
                part.unwrap_or_else(|error| Part::failed(service, error)),
                Some(unit),
            )
        }))
        .await;
        // A service AWS does not offer in the region is no unit: nothing ran, nothing failed.
        parts.extend(skipped.into_iter().map(|(region, service)| {
            let error = not_offered_here(session, region, service.kind());
            (region.clone(), Part::failed(service, error), None)
        }));
        (region_names, regions_not_scanned, parts)
    };
    let (global, (region_names, regions_not_scanned, parts)) = tokio::join!(global, regional);

    let mut units = Vec::new();
    let regions = region_names.map(|_| {
        let mut inventories: BTreeMap<String, RegionInventory> = BTreeMap::new();
        for (region, part, unit) in parts {
            units.extend(unit);
            let inventory = inventories.entry(region.clone()).or_insert_with(|| {
                // Replaced field by field below; every service of the region reports a part.
                RegionInventory::failed(&region, &not_collected(session, &region))
            });
            part.store_into(inventory);
        }
        inventories
    });
    // Every global field is replaced below: each global service reports a part.
    let mut inventory = AccountInventory::unreachable(
        account_id,
        environment,
        not_collected(session, GLOBAL_REGION),
    );
    inventory.regions = regions;
    let mut scan = AccountScan {
        inventory,
        units: Vec::new(),
        regions_not_scanned,
    };
    for (part, unit) in global {
        scan.replace(part, unit);
    }
    scan.units.extend(units);
    scan
}

/// A session in the account, confirmed to act in it when reached through a role.
pub async fn connect(
    connector: &AwsConnector,
    target: &AccountTarget,
) -> Result<AwsSession, CollectionError> {
    let session = connector.session(target).await?;
    if target.role_arn.is_some() {
        // The config validated that the role ARN names this account; confirm where we landed.
        let identity = session.identity().await?;
        if identity.account_id != target.account_id {
            return Err(CollectionError {
                scope: session.scope(GLOBAL_REGION, "sts"),
                operation: "GetCallerIdentity",
                kind: ErrorKind::Other,
                message: format!(
                    "the assumed role acts in account {}, not {}",
                    identity.account_id, target.account_id
                ),
            });
        }
    }
    Ok(session)
}

#[cfg(test)]
mod tests;
