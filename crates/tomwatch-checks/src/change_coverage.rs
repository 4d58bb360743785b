//! Every check can be rescanned by an event: the services a check reads are derived from the
//! check itself (fail one service's collection and see which checks turn UNKNOWN), and each
//! of them must have change events in `tomwatch_model::change_events`. So a new check, or a
//! check that starts reading another service, cannot be left to the scheduled scan alone.

use crate::testing::{account, run_with};
use crate::{all_checks, Check, Parameters};
use std::collections::{BTreeMap, BTreeSet};
use tomwatch_model::change_events::CHANGE_EVENTS;
use tomwatch_model::{AccountInventory, CollectionError, ErrorKind, Scope, ServiceKind, Status};

macro_rules! failing {
    (
        regional { $($service:ident => $field:ident: $inventory:ty, $name:literal;)* }
        global { $($global:ident => $global_field:ident: $global_inventory:ty, $global_name:literal;)* }
    ) => {
        /// `account` with every collection of `service` failed.
        fn fail_service(account: &mut AccountInventory, service: ServiceKind) {
            let error = |region: &str| CollectionError {
                scope: Scope {
                    account_id: account_id(),
                    region: region.to_string(),
                    service: service.name(),
                },
                operation: "Probe",
                kind: ErrorKind::AccessDenied,
                message: "probe".into(),
            };
            match service {
                $(ServiceKind::$service => {
                    for (region, inventory) in account.regions.iter_mut().flatten() {
                        inventory.$field = <$inventory>::failed(error(region));
                    }
                })*
                $(ServiceKind::$global => {
                    account.$global_field = <$global_inventory>::failed(error("global"));
                })*
            }
        }
    };
}
tomwatch_model::with_services!(failing);

fn account_id() -> String {
    crate::testing::ACCOUNT.to_string()
}

/// Parameters that switch on every requirement, so no check is NOT_APPLICABLE by parameter.
fn everything_required() -> Parameters {
    Parameters {
        s3_data_events_required: true,
        backup_plan_required: true,
        ..Parameters::default()
    }
}

fn unknowns(check: &Check, inventory: &AccountInventory, params: &Parameters) -> usize {
    run_with(check, inventory, params)
        .iter()
        .filter(|e| e.status == Status::Unknown)
        .count()
}

/// Check → the services whose failure turns some of its findings UNKNOWN.
fn inputs() -> BTreeMap<&'static str, BTreeSet<ServiceKind>> {
    let params = everything_required();
    let base = account(&["eu-central-1"]);
    let mut inputs: BTreeMap<&'static str, BTreeSet<ServiceKind>> = BTreeMap::new();
    for check in all_checks() {
        let before = unknowns(check, &base, &params);
        let entry = inputs.entry(check.meta.id).or_default();
        for service in ServiceKind::ALL {
            let mut failed = base.clone();
            fail_service(&mut failed, *service);
            if unknowns(check, &failed, &params) > before {
                entry.insert(*service);
            }
        }
    }
    inputs
}

/// Checks decided by the configuration alone: nothing in AWS can change them.
const FROM_CONFIG_ONLY: &[&str] = &["account_environment_declared"];

/// Checks that leave the blind spot of a failed collection to another check (so that it is
/// reported once), and so cannot be probed by failing it: what they read, said by hand.
const BLIND_SPOT_REPORTED_ELSEWHERE: &[(&str, ServiceKind)] = &[
    // elbv2_load_balancer_waf_attached reports load balancers that could not be listed.
    ("wafv2_web_acl_required_rules", ServiceKind::Elbv2),
];

#[test]
fn every_check_reads_services_that_change_events_rescan() {
    let rescanned: BTreeSet<ServiceKind> = CHANGE_EVENTS
        .iter()
        .flat_map(|e| e.services.iter().copied())
        .collect();
    let mut inputs = inputs();
    for (check, service) in BLIND_SPOT_REPORTED_ELSEWHERE {
        let services = inputs.get_mut(check).expect("a check of the registry");
        assert!(
            services.is_empty(),
            "{check} can be probed after all: {services:?}"
        );
        services.insert(*service);
    }
    for (check, services) in &inputs {
        if FROM_CONFIG_ONLY.contains(check) {
            assert!(services.is_empty(), "{check} reads {services:?}");
            continue;
        }
        assert!(
            !services.is_empty(),
            "{check}: no service's failure makes it UNKNOWN, so no event would rescan it"
        );
        for service in services {
            assert!(
                rescanned.contains(service),
                "{check} reads {service:?}, which no change event rescans"
            );
        }
    }
    assert_eq!(inputs.len(), all_checks().len());
}
