//! Plans and runs audits: reads the config, fans out over account x region x service with a
//! bound, assembles each account's inventory, evaluates the checks and builds the report.

mod audit;
pub mod config;
pub mod daemon;
pub mod drift;
pub mod events;
pub mod policy;
mod regions;
mod report;
mod shard;
pub mod state;
#[cfg(test)]
mod testing;

pub use audit::{
    account_share, connect, evaluate, rescan, run_audit, run_watched_audit, scan_account,
    unreachable_account, AccountScan, AuditOptions, AuditProgress, PlannedAccount, RegionSelection,
    Unwatched,
};
pub use regions::{plan_regions, NotScannedReason, RegionNotScanned};
pub use report::{
    AccountReport, AuditReport, EvaluatedAccount, Outcome, SuppressionReport, UnitReport,
    AUDIT_SCHEMA,
};
pub use shard::{Shard, MAX_SHARDS};
