use crate::ErrorKind;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Counts of API operations made and failed, by service and operation. Cumulative for the
/// process: it lives outside any scan's snapshot so counters never go backwards. Shared by the
/// collectors (which record) and the exporter (which reads); neither needs the other.
#[derive(Debug, Clone, Default)]
pub struct ApiStats {
    inner: Arc<Mutex<BTreeMap<(&'static str, &'static str), OperationStats>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationStats {
    pub requests: u64,
    pub errors: BTreeMap<ErrorKind, u64>,
}

impl ApiStats {
    pub fn record(&self, service: &'static str, operation: &'static str, error: Option<ErrorKind>) {
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = map.entry((service, operation)).or_default();
        entry.requests += 1;
        if let Some(kind) = error {
            *entry.errors.entry(kind).or_default() += 1;
        }
    }

    /// A copy of the counts, sorted by (service, operation).
    pub fn snapshot(&self) -> BTreeMap<(&'static str, &'static str), OperationStats> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
