//! The TOM baseline as pure functions of an [`AccountInventory`].
//!
//! Every check lives in `src/<service>/<check_id>.rs` with its metadata, its evaluation and its
//! tests on hand-built inventories, except TOM-REGION's, which are rows of one table
//! (`src/region/`) over the resource kinds of `src/kinds.rs`. Checks do no I/O: what they need is collected beforehand,
//! and what could not be collected makes them return UNKNOWN, never PASS or FAIL.

#[macro_use]
mod declare;

pub mod baseline;
mod check;
mod encryption_key;
mod kinds;
mod network;
mod params;
mod password;
mod pattern;
mod registry;
mod verdict;
mod workload;

mod account;
mod autoscaling;
mod backup;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod dynamodb;
mod ec2;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elb;
mod elbv2;
mod guardduty;
mod iam;
mod kms;
mod organizations;
mod rds;
mod region;
mod s3;
mod secretsmanager;
mod tagging;
mod wafv2;

#[cfg(test)]
mod change_coverage;
#[cfg(test)]
mod testing;

pub use baseline::{Baseline, BaselineError, Control, Rule};
pub use check::{Check, CheckMeta, EvalContext, Evidence};
pub use params::{
    ParameterError, ParameterOverrides, Parameters, RegionPolicy, EU_MEMBER_STATE_REGIONS,
};
pub use registry::{all_checks, find_check};
pub use verdict::Verdict;
