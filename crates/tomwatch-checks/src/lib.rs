//! The TOM baseline as pure functions of an [`AccountInventory`].
//!
//! Every check lives in `src/<service>/<check_id>.rs` with its metadata, its evaluation and its
//! tests on hand-built inventories. Checks do no I/O: what they need is collected beforehand,
//! and what could not be collected makes them return UNKNOWN, never PASS or FAIL.

mod check;
pub mod controls;
mod params;
mod registry;
mod verdict;

mod cloudtrail;
mod ec2;
mod kms;
mod rds;
mod s3;

#[cfg(test)]
mod testing;

pub use check::{Check, CheckMeta, EvalContext};
pub use params::{ParameterError, Parameters, RegionPolicy};
pub use registry::{all_checks, evaluate_account, find_check};
pub use verdict::Verdict;
