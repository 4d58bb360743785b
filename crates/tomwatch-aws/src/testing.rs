//! Collector tests on mocked SDK responses (aws-smithy-mocks), without the SDK's test-util
//! feature: that feature would make `cargo test` build every SDK crate a second time.

use crate::caller::Caller;
use aws_smithy_types::error::ErrorMetadata;
use tomwatch_model::ApiStats;

/// A client of `$sdk` whose every call is answered by the given rules; retries off.
macro_rules! mocked_client {
    ($sdk:ident, $($rule:expr),* $(,)?) => {{
        let interceptor = aws_smithy_mocks::MockResponseInterceptor::new()
            .rule_mode(aws_smithy_mocks::RuleMode::MatchAny)
            $(.with_rule(&$rule))*;
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new("eu-central-1"))
                .credentials_provider($sdk::config::Credentials::new("AKID", "secret", None, None, "test"))
                .retry_config($sdk::config::retry::RetryConfig::disabled())
                .http_client(aws_smithy_mocks::create_mock_http_client())
                .interceptor(interceptor)
                .build(),
        )
    }};
}
pub(crate) use mocked_client;

pub const ACCOUNT: &str = "111111111111";

pub fn caller(region: &str, service: &'static str) -> Caller {
    Caller::new(ACCOUNT, region, service, &ApiStats::default())
}

/// The error metadata AWS sends for a given error code.
pub fn aws_error(code: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code(code)
        .message(format!("{code} (mocked)"))
        .build()
}
