//! Plain data shared by every tomwatch crate.
//!
//! Nothing here talks to AWS or evaluates anything: the collectors (`tomwatch-aws`) fill these
//! types, the checks (`tomwatch-checks`) read them, the engine and the exporter move them around.

pub mod change_events;
mod error;
mod finding;
// The derives name `::tomwatch_model::...`, which must also resolve inside this crate.
extern crate self as tomwatch_model;

pub mod inventory;
pub mod security_hub;
mod stats;

pub use error::{Collected, CollectionError, ErrorKind, Scope};
pub use finding::{Finding, Severity, Status, SuppressionNote};
pub use inventory::{AccountInventory, RegionInventory, RegionalService, ServiceKind};
pub use stats::{ApiStats, OperationStats};

/// The pseudo-region of account-wide findings and of services without regions.
pub const GLOBAL_REGION: &str = "global";
