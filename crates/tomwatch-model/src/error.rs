use serde::Serialize;
use std::fmt;

/// Where a collection error happened: bounded, label-safe coordinates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Scope {
    pub account_id: String,
    pub region: String,
    pub service: ServiceName,
}

/// The AWS service name as a label value (`ec2`, `s3`, ...), from a fixed set.
pub type ServiceName = &'static str;

/// Why a value could not be collected. The set is fixed so it can be a metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// AWS rejected the call for rate limits, even after retries.
    Throttled,
    /// Missing IAM permission, SCP denial, or credentials AWS would not accept.
    AccessDenied,
    /// The call did not finish within its time budget.
    Timeout,
    /// The service or operation does not exist in that region or endpoint (opt-in region, emulator gap).
    NotAvailable,
    /// Anything else: connection failures, 5xx after retries, unparseable responses.
    Other,
    /// AWS does not offer the service in that region (its published service availability), so
    /// it was not called: there is nothing there to collect, and nothing failed. Never the
    /// outcome of a call, so never an `error_type` label, and left out of the errors an
    /// inventory lists; a check whose resources it hides says NOT_APPLICABLE.
    NotOffered,
}

impl ErrorKind {
    /// What a failed call can be: the values of the `error_type` label. (`NotOffered` is no
    /// failure and is not among them.)
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Throttled,
        ErrorKind::AccessDenied,
        ErrorKind::Timeout,
        ErrorKind::NotAvailable,
        ErrorKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled",
            ErrorKind::AccessDenied => "access_denied",
            ErrorKind::Timeout => "timeout",
            ErrorKind::NotAvailable => "not_available",
            ErrorKind::Other => "other",
            ErrorKind::NotOffered => "not_offered",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value tomwatch needed and could not get, with everything needed to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionError {
    #[serde(flatten)]
    pub scope: Scope,
    /// The API operation that failed, e.g. `GetBucketEncryption`.
    pub operation: &'static str,
    #[serde(rename = "error_type")]
    pub kind: ErrorKind,
    /// The raw message, for humans and logs; never a metric label.
    pub message: String,
}

impl fmt::Display for CollectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} failed ({}) in account {} region {}: {}",
            self.scope.service,
            self.operation,
            self.kind,
            self.scope.account_id,
            self.scope.region,
            self.message
        )
    }
}

/// A collected value, or the error that prevented collecting it. Never a silent default.
pub type Collected<T> = Result<T, CollectionError>;
