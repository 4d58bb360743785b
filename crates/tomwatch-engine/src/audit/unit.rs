//! One collection unit (a service in a region, or account-wide): which units an account's
//! scan runs, and the bounds and time budget each runs under.

use super::part::ServicePart;
use super::{AuditOptions, AuditProgress};
use crate::report::UnitReport;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tomwatch_aws::AwsSession;
use tomwatch_model::{CollectionError, ErrorKind, RegionalService, Scope, ServiceKind};

/// One service (in `region`, or account-wide for a global one) collected as a bounded unit;
/// a unit over its budget is a failed part of its own.
pub(super) async fn service_unit(
    session: &AwsSession,
    limits: Limits<'_>,
    options: &AuditOptions,
    region: &str,
    service: ServiceKind,
) -> (ServicePart, UnitReport) {
    // Boxed: a collector's future is large, and many units are joined on one stack.
    let work = Box::pin(ServicePart::collect(session, region, service));
    let (part, unit) = bounded(
        limits,
        options.unit_timeout,
        session.account_id(),
        region,
        service,
        work,
    )
    .await;
    (
        part.unwrap_or_else(|error| ServicePart::failed(service, error)),
        unit,
    )
}

/// The bounds a unit waits for, in this order (after its region's): one order everywhere, so
/// no two units can each hold what the other waits for.
#[derive(Clone, Copy)]
pub(super) struct Limits<'a> {
    pub global: &'a Semaphore,
    pub account: &'a Semaphore,
    /// Told when the unit is done.
    pub progress: &'a dyn AuditProgress,
}

/// Runs one unit under the account's and the global concurrency bound and its time budget. A
/// unit over budget becomes a failed part of its own; it never delays or spoils the other units.
pub(super) async fn bounded<T>(
    limits: Limits<'_>,
    budget: Duration,
    account_id: &str,
    region: &str,
    service: ServiceKind,
    work: impl Future<Output = (T, bool)>,
) -> (Result<T, CollectionError>, UnitReport) {
    let _account_permit = limits
        .account
        .acquire()
        .await
        .expect("the scan never closes its semaphore");
    let _permit = limits
        .global
        .acquire()
        .await
        .expect("the audit never closes its semaphore");
    let started = Instant::now();
    let outcome = tokio::time::timeout(budget, work).await;
    let duration = started.elapsed();
    let (result, success) = match outcome {
        Ok((value, ok)) => (Ok(value), ok),
        Err(_) => {
            let error = CollectionError {
                scope: Scope {
                    account_id: account_id.to_string(),
                    region: region.to_string(),
                    service: service.name(),
                },
                operation: "*",
                kind: ErrorKind::Timeout,
                message: format!(
                    "collecting {} in {region} took longer than {}s",
                    service.name(),
                    budget.as_secs()
                ),
            };
            (Err(error), false)
        }
    };
    let unit = UnitReport {
        account_id: account_id.to_string(),
        region: region.to_string(),
        service: service.name(),
        success,
        duration,
    };
    limits.progress.unit_done(&unit);
    (result, unit)
}

/// The regional units to run, in region order, and the (region, service) pairs not to run
/// because AWS does not offer the service in the region.
pub(super) type RegionalUnit<'a> = (&'a String, RegionalService);

pub(super) fn regional_units<'a>(
    regions: &'a [String],
    not_offered: &BTreeMap<String, BTreeSet<RegionalService>>,
) -> (Vec<RegionalUnit<'a>>, Vec<RegionalUnit<'a>>) {
    regions
        .iter()
        .flat_map(|region| RegionalService::ALL.iter().map(move |&s| (region, s)))
        .partition(|(region, service)| {
            !not_offered
                .get(*region)
                .is_some_and(|services| services.contains(service))
        })
}

/// What stands in a service's inventory where AWS does not offer it: not a failure (it is no
/// error of the report) and NOT_APPLICABLE for the checks of its resources.
pub(super) fn not_offered_here(
    session: &AwsSession,
    region: &str,
    service: ServiceKind,
) -> CollectionError {
    CollectionError {
        scope: Scope {
            account_id: session.account_id().to_string(),
            region: region.to_string(),
            service: service.name(),
        },
        operation: "*",
        kind: ErrorKind::NotOffered,
        message: format!("AWS does not offer {} in {region}", service.name()),
    }
}

pub(super) fn not_collected(session: &AwsSession, region: &str) -> CollectionError {
    CollectionError {
        scope: Scope {
            account_id: session.account_id().to_string(),
            region: region.to_string(),
            service: "tomwatch",
        },
        operation: "*",
        kind: ErrorKind::Other,
        message: "the service was not collected".into(),
    }
}
