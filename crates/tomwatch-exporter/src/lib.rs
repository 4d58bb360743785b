//! Snapshot -> Prometheus families, and the HTTP server of `tomwatch serve`.
//!
//! Empty until the daemon lands (issue 4): the crate exists so the dependency graph is the
//! final one from the start (the exporter depends on the model, never on AWS).
