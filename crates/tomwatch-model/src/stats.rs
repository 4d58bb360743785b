use crate::ErrorKind;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Counts of API requests sent and operations failed, by service and operation. Cumulative for
/// the process: it lives outside any scan's snapshot so counters never go backwards. Shared by
/// the collectors (which record) and the exporter (which reads); neither needs the other.
#[derive(Debug, Clone, Default)]
pub struct ApiStats {
    /// By service, then operation: nested so that counting a request looks up `&str` keys and
    /// allocates only the first time an operation is seen.
    inner: Arc<Mutex<BTreeMap<&'static str, BTreeMap<String, OperationStats>>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationStats {
    /// HTTP requests sent: every page of a listing and every retry is one.
    pub requests: u64,
    /// The requests among them that repeated a failed attempt (throttling, 5xx, timeouts).
    pub retries: u64,
    /// Operations that failed after their last attempt, by error type.
    pub errors: BTreeMap<ErrorKind, u64>,
}

impl ApiStats {
    /// One attempt of `operation` is about to be sent; `attempt` counts from 1.
    pub fn record_attempt(&self, service: &'static str, operation: &str, attempt: u32) {
        self.update(service, operation, |entry| {
            entry.requests += 1;
            if attempt > 1 {
                entry.retries += 1;
            }
        });
    }

    /// `operation` failed for good: its retries (if any) are spent.
    pub fn record_failure(&self, service: &'static str, operation: &str, kind: ErrorKind) {
        self.update(service, operation, |entry| {
            *entry.errors.entry(kind).or_default() += 1;
        });
    }

    fn update(
        &self,
        service: &'static str,
        operation: &str,
        change: impl FnOnce(&mut OperationStats),
    ) {
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let operations = map.entry(service).or_default();
        match operations.get_mut(operation) {
            Some(entry) => change(entry),
            None => change(operations.entry(operation.to_string()).or_default()),
        }
    }

    /// A copy of the counts, sorted by (service, operation).
    pub fn snapshot(&self) -> BTreeMap<(&'static str, String), OperationStats> {
        let map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        map.iter()
            .flat_map(|(service, operations)| {
                operations
                    .iter()
                    .map(|(operation, stats)| ((*service, operation.clone()), stats.clone()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_after_the_first_are_retries_and_failures_count_once() {
        let stats = ApiStats::default();
        stats.record_attempt("sqs", "ListQueues", 1);
        stats.record_attempt("sqs", "ListQueues", 2);
        stats.record_attempt("sqs", "ListQueues", 3);
        stats.record_failure("sqs", "ListQueues", ErrorKind::Throttled);
        stats.record_attempt("sqs", "ListQueues", 1);
        let snapshot = stats.snapshot();
        let queues = &snapshot[&("sqs", "ListQueues".to_string())];
        assert_eq!(queues.requests, 4);
        assert_eq!(queues.retries, 2);
        assert_eq!(queues.errors, BTreeMap::from([(ErrorKind::Throttled, 1)]));
    }
}
