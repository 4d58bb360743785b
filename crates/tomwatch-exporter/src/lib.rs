//! The Prometheus side of `tomwatch serve`: renders the scheduler's snapshots as metrics and
//! serves them, with the findings API, over HTTP or HTTPS.
//!
//! Nothing here talks to AWS: `/metrics` reads the current snapshots and never waits on a scan.

mod auth;
mod exposition;
pub mod metrics;
mod server;
pub mod web_config;

pub use metrics::BuildInfo;
pub use server::{serve, AppState};
pub use web_config::{WebConfig, WebConfigError};
