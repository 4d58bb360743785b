pub mod audit;
pub mod checks;
pub mod config;
pub mod iam_policy;
pub mod serve;
pub mod setup;
