use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tomwatch_model::ErrorKind;

/// Maps an SDK error to the fixed set of error kinds that may become metric labels.
pub fn classify<E, R>(error: &SdkError<E, R>) -> ErrorKind
where
    E: ProvideErrorMetadata,
    R: HttpStatus,
{
    match error {
        SdkError::TimeoutError(_) => ErrorKind::Timeout,
        SdkError::DispatchFailure(failure) if failure.is_timeout() => ErrorKind::Timeout,
        SdkError::ServiceError(service) => {
            let status = service.raw().status_code();
            classify_code(error.code().unwrap_or_default(), status) // default: no code: classified by HTTP status
        }
        _ => ErrorKind::Other,
    }
}

/// An error and its sources as one line (`dispatch failure: io error: connection refused`),
/// without the Debug dump that the SDK's context display appends.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        // Wrappers often repeat their source's text; keep each piece once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

/// Gives access to the HTTP status of a raw response without naming the SDK's response type.
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

fn classify_code(code: &str, status: u16) -> ErrorKind {
    match code {
        "Throttling"
        | "ThrottlingException"
        | "ThrottledException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "RequestThrottled"
        | "RequestThrottledException"
        | "SlowDown"
        | "EC2ThrottledException"
        | "PriorRequestNotComplete"
        | "BandwidthLimitExceeded"
        | "ProvisionedThroughputExceededException" => ErrorKind::Throttled,
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedAccess"
        | "AuthorizationError"
        | "AuthFailure"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "AllAccessDisabled" => ErrorKind::AccessDenied,
        "OptInRequired"
        | "InvalidAction"
        | "UnsupportedOperation"
        | "NotImplemented"
        | "UnknownOperationException"
        | "SubscriptionRequiredException" => ErrorKind::NotAvailable,
        _ => match status {
            429 => ErrorKind::Throttled,
            401 | 403 => ErrorKind::AccessDenied,
            // LocalStack and some partitions answer 501 for operations they do not implement.
            501 => ErrorKind::NotAvailable,
            _ => ErrorKind::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_their_kind() {
        assert_eq!(
            classify_code("ThrottlingException", 400),
            ErrorKind::Throttled
        );
        assert_eq!(
            classify_code("RequestLimitExceeded", 503),
            ErrorKind::Throttled
        );
        assert_eq!(
            classify_code("UnauthorizedOperation", 403),
            ErrorKind::AccessDenied
        );
        assert_eq!(classify_code("AccessDenied", 403), ErrorKind::AccessDenied);
        assert_eq!(classify_code("OptInRequired", 401), ErrorKind::NotAvailable);
        assert_eq!(
            classify_code("InternalFailure", 501),
            ErrorKind::NotAvailable
        );
    }

    #[test]
    fn unknown_codes_fall_back_to_the_status() {
        assert_eq!(classify_code("Whatever", 429), ErrorKind::Throttled);
        assert_eq!(classify_code("", 403), ErrorKind::AccessDenied);
        assert_eq!(classify_code("InternalError", 500), ErrorKind::Other);
    }
}
