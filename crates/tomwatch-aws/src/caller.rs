use crate::classify::{classify, error_chain, HttpStatus};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::future::Future;
use tomwatch_model::ApiStats;
use tomwatch_model::{Collected, CollectionError, ErrorKind, Scope};

/// Every page of a paginated request, as one `Collected<Vec<Output>>` scoped to the caller: the
/// first failed page is the error (`all_pages!(caller, "DescribeVolumes", client.describe_volumes())`).
macro_rules! all_pages {
    ($caller:expr, $operation:expr, $request:expr) => {
        $caller.call($operation, $request.into_paginator().send().try_collect())
    };
}
pub(crate) use all_pages;

/// Makes API calls on behalf of one (account, region, service) scope: counts the calls that
/// failed for good, classifies their errors and attaches the scope, so that a failure is data
/// rather than a log line. (Each attempt is counted by the client: [`crate::attempts`].)
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub scope: Scope,
    stats: ApiStats,
}

impl Caller {
    pub fn new(account_id: &str, region: &str, service: &'static str, stats: &ApiStats) -> Self {
        Caller {
            scope: Scope {
                account_id: account_id.to_string(),
                region: region.to_string(),
                service,
            },
            stats: stats.clone(),
        }
    }

    /// The same account and service in another region (S3 buckets live in their own regions).
    pub fn in_region(&self, region: &str) -> Caller {
        let mut caller = self.clone();
        caller.scope.region = region.to_string();
        caller
    }

    pub async fn call<T, E, R>(
        &self,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Collected<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: HttpStatus + std::fmt::Debug + Send + Sync + 'static,
    {
        match request.await {
            Ok(value) => Ok(value),
            Err(error) => Err(self.failed(operation, &error)),
        }
    }

    /// Like [`Caller::call`], but the error codes in `absent` mean "not configured" (`Ok(None)`),
    /// as with S3's ServerSideEncryptionConfigurationNotFoundError.
    pub async fn call_absent_ok<T, E, R>(
        &self,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
        absent: &[&str],
    ) -> Collected<Option<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: HttpStatus + std::fmt::Debug + Send + Sync + 'static,
    {
        match request.await {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.code().is_some_and(|code| absent.contains(&code)) => Ok(None),
            Err(error) => Err(self.failed(operation, &error)),
        }
    }

    /// Counts, classifies and logs a failed call, and returns it as a scoped error.
    fn failed<E, R>(&self, operation: &'static str, error: &SdkError<E, R>) -> CollectionError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: HttpStatus + std::fmt::Debug + Send + Sync + 'static,
    {
        let kind = classify(error);
        self.stats
            .record_failure(self.scope.service, operation, kind);
        let message = error_chain(error);
        if kind == ErrorKind::AccessDenied {
            let missing = crate::permissions::iam_action(self.scope.service, operation);
            tracing::warn!(
                account_id = %self.scope.account_id, region = %self.scope.region,
                service = self.scope.service, operation, error_type = %kind, iam_action = %missing,
                "access denied: the role lacks {missing} (see deploy/iam): {message}"
            );
        } else {
            tracing::warn!(
                account_id = %self.scope.account_id, region = %self.scope.region,
                service = self.scope.service, operation, error_type = %kind, "{message}"
            );
        }
        self.error(operation, kind, message)
    }

    pub fn error(
        &self,
        operation: &'static str,
        kind: ErrorKind,
        message: String,
    ) -> CollectionError {
        CollectionError {
            scope: self.scope.clone(),
            operation,
            kind,
            message,
        }
    }

    /// The ARN AWS gives a resource of this scope whose listing names it only (a DynamoDB
    /// table, an EKS cluster): `arn:<partition>:<service>:<region>:<account>:<resource>`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        let region = &self.scope.region;
        format!(
            "arn:{}:{service}:{region}:{}:{resource}",
            crate::session::partition_of(region),
            self.scope.account_id
        )
    }

    /// A response that lacks a field AWS documents as always present: a malformed answer,
    /// which must not silently become `false`. The one way a collector reads such a field:
    /// `value.ok_or_else(|| caller.missing(OPERATION, "Field"))?`.
    pub fn missing(&self, operation: &'static str, what: &str) -> CollectionError {
        self.error(
            operation,
            ErrorKind::Other,
            format!("the response lacked {what}"),
        )
    }
}
