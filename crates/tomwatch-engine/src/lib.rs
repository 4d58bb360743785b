//! Plans and runs audits: reads the config, fans out over account x region x service with a
//! bound, assembles each account's inventory, evaluates the checks and builds the report.

mod audit;
pub mod config;
mod report;

pub use audit::{run_audit, AuditOptions, PlannedAccount, RegionSelection};
pub use report::{AccountReport, AuditReport, Outcome, UnitReport, AUDIT_SCHEMA};
