//! Which services AWS offers in a region, read from its public Systems Manager parameters
//! (`/aws/service/global-infrastructure/regions/<region>/services/<service>`, kept current by
//! AWS as services launch). A service AWS does not offer in a region is not called there: in a
//! newly launched region its endpoint does not exist, so every call would fail (a DNS error,
//! classified `other`) and turn the region's checks into UNKNOWN noise.
//!
//! Only evidence skips a service: the region's own parameter must exist (the list knows the
//! region) and the service's must come back invalid (AWS does not list it there). A region the
//! list does not know, a name in neither part of the answer, or a failed read leaves every
//! service of the region scanned, as before this existed.

use crate::attempts::sdk_client;
use crate::caller::Caller;
use crate::session::AwsSession;
use aws_sdk_ssm::Client;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tomwatch_model::{Collected, RegionalService};

const PREFIX: &str = "/aws/service/global-infrastructure/regions";
const OPERATION: &str = "GetParameters";
/// GetParameters takes at most ten names.
const NAMES_PER_CALL: usize = 10;
/// Regions read at once (three calls each): a burst SSM's default GetParameters rate absorbs.
const REGION_CONCURRENCY: usize = 4;
/// AWS adds services to regions rarely and never takes one away mid-day: a daemon re-reads daily.
const FRESH_FOR: Duration = Duration::from_secs(24 * 60 * 60);
/// After a failed read, how long every service of the region is scanned before the next try.
const RETRY_AFTER: Duration = Duration::from_secs(10 * 60);

/// The name the parameters give a service: its endpoint prefix, which is not always its IAM
/// prefix (`elasticloadbalancing` is `elb`, `elasticfilesystem` is `efs`).
pub fn parameter_name(service: RegionalService) -> &'static str {
    match service {
        RegionalService::Ec2 => "ec2",
        RegionalService::Rds => "rds",
        RegionalService::Kms => "kms",
        RegionalService::CloudTrail => "cloudtrail",
        RegionalService::Elbv2 => "elb",
        RegionalService::Cognito => "cognito-idp",
        RegionalService::GuardDuty => "guardduty",
        RegionalService::ElastiCache => "elasticache",
        RegionalService::AutoScaling => "autoscaling",
        RegionalService::Ecs => "ecs",
        RegionalService::Lambda => "lambda",
        RegionalService::CloudWatch => "cloudwatch",
        RegionalService::Backup => "backup",
        RegionalService::Efs => "efs",
        RegionalService::DynamoDb => "dynamodb",
        RegionalService::Eks => "eks",
        RegionalService::Ecr => "ecr",
        RegionalService::Sqs => "sqs",
        RegionalService::Sns => "sns",
        RegionalService::SecretsManager => "secretsmanager",
        RegionalService::Elb => "elb",
    }
}

/// Per region, what was last read; shared by every session of one connector, so a scan of
/// fifty accounts reads each region once, and a daemon once a day.
#[derive(Debug, Default)]
pub(crate) struct AvailabilityCache {
    regions: tokio::sync::Mutex<BTreeMap<String, Reading>>,
}

#[derive(Debug, Clone)]
struct Reading {
    at: Instant,
    /// `None`: the read failed.
    not_offered: Option<BTreeSet<RegionalService>>,
}

impl Reading {
    fn is_fresh(&self, now: Instant) -> bool {
        let life = match self.not_offered {
            Some(_) => FRESH_FOR,
            None => RETRY_AFTER,
        };
        now.duration_since(self.at) < life
    }
}

impl AwsSession {
    /// For each of `regions`, the regional services AWS does not offer there: empty where it
    /// offers all of them, and where that could not be read (logged and counted as a failed
    /// `ssm:GetParameters`; the region is then scanned whole).
    pub async fn services_not_offered(
        &self,
        regions: &[String],
    ) -> BTreeMap<String, BTreeSet<RegionalService>> {
        // Held while reading: the other accounts' scans wait for this read instead of repeating it.
        let mut cache = self.availability.regions.lock().await;
        let now = Instant::now();
        let stale: Vec<&String> = regions
            .iter()
            .filter(|region| !cache.get(*region).is_some_and(|r| r.is_fresh(now)))
            .collect();
        if !stale.is_empty() {
            let home = self.home_region();
            let client = sdk_client!(self, &home, "ssm", aws_sdk_ssm);
            let caller = self.caller(&home, "ssm");
            // The futures are made before they are streamed: a stream that makes them in a
            // closure borrowing the client is not `Send` for every lifetime, as tokio needs.
            let reads: Vec<_> = stale
                .into_iter()
                .map(|region| reading(&client, &caller, &self.account_id, region))
                .collect();
            let readings: Vec<(String, Reading)> = futures::stream::iter(reads)
                .buffer_unordered(REGION_CONCURRENCY)
                .collect()
                .await;
            cache.extend(readings);
        }
        regions
            .iter()
            .map(|region| {
                let not_offered = cache
                    .get(region)
                    .and_then(|reading| reading.not_offered.clone())
                    .unwrap_or_default(); // default: an unread region is scanned whole
                (region.clone(), not_offered)
            })
            .collect()
    }
}

/// What was read of `region`, logged if it failed.
async fn reading(
    client: &Client,
    caller: &Caller,
    account_id: &str,
    region: &str,
) -> (String, Reading) {
    let not_offered = read_region(client, caller, region).await;
    if let Err(error) = &not_offered {
        tracing::warn!(
            account_id = %account_id, region = %region,
            "could not read which services AWS offers in {region}, so every service is scanned there: {}",
            error.message
        );
    }
    let reading = Reading {
        at: Instant::now(),
        not_offered: not_offered.ok(),
    };
    (region.to_string(), reading)
}

/// The services AWS does not offer in `region`, read in three calls of at most ten names.
pub(crate) async fn read_region(
    client: &Client,
    caller: &Caller,
    region: &str,
) -> Collected<BTreeSet<RegionalService>> {
    let names: Vec<String> = std::iter::once(region_parameter(region))
        .chain(
            RegionalService::ALL
                .iter()
                .map(|&service| service_parameter(region, service)),
        )
        .collect();
    let answers = futures::future::try_join_all(names.chunks(NAMES_PER_CALL).map(|chunk| {
        let request = client.get_parameters().set_names(Some(chunk.to_vec()));
        caller.call(OPERATION, request.send())
    }))
    .await?;
    let found: BTreeSet<&str> = answers
        .iter()
        .flat_map(|answer| answer.parameters())
        .filter_map(|parameter| parameter.name())
        .collect();
    let invalid: BTreeSet<&str> = answers
        .iter()
        .flat_map(|answer| answer.invalid_parameters())
        .map(String::as_str)
        .collect();
    Ok(not_offered(region, &found, &invalid))
}

/// The services whose parameter AWS reported invalid, if the region's own parameter exists.
fn not_offered(
    region: &str,
    found: &BTreeSet<&str>,
    invalid: &BTreeSet<&str>,
) -> BTreeSet<RegionalService> {
    if !found.contains(region_parameter(region).as_str()) {
        return BTreeSet::new();
    }
    RegionalService::ALL
        .iter()
        .copied()
        .filter(|&service| invalid.contains(service_parameter(region, service).as_str()))
        .collect()
}

fn region_parameter(region: &str) -> String {
    format!("{PREFIX}/{region}")
}

fn service_parameter(region: &str, service: RegionalService) -> String {
    format!("{PREFIX}/{region}/services/{}", parameter_name(service))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_ssm::operation::get_parameters::{GetParametersError, GetParametersOutput};
    use aws_sdk_ssm::types::Parameter;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    const REGION: &str = "mx-central-1";

    /// Answers like AWS: every asked name that exists is a parameter, every other is invalid.
    fn aws_answering(existing: &'static [&'static str]) -> aws_smithy_mocks::Rule {
        mock!(Client::get_parameters).then_output(move || {
            // The mock sees no input here; the answer lists every name of this region, and
            // the collector matches by name, as it must with AWS's unordered answer.
            let mut output = GetParametersOutput::builder();
            for name in all_names() {
                let short = name.rsplit('/').next().unwrap_or_default().to_string(); // default: test data
                if existing.contains(&short.as_str()) || name == region_parameter(REGION) {
                    output =
                        output.parameters(Parameter::builder().name(name).value(short).build());
                } else {
                    output = output.invalid_parameters(name);
                }
            }
            output.build()
        })
    }

    fn all_names() -> Vec<String> {
        std::iter::once(region_parameter(REGION))
            .chain(
                RegionalService::ALL
                    .iter()
                    .map(|&s| service_parameter(REGION, s)),
            )
            .collect()
    }

    #[tokio::test]
    async fn services_the_region_does_not_list_are_not_offered() {
        let offered: &'static [&'static str] = &[
            "ec2",
            "rds",
            "kms",
            "cloudtrail",
            "elb",
            "guardduty",
            "elasticache",
            "autoscaling",
            "ecs",
            "lambda",
            "cloudwatch",
            "efs",
            "dynamodb",
            "ecr",
            "sqs",
            "sns",
            "secretsmanager",
        ];
        let rule = aws_answering(offered);
        let client = mocked_client!(aws_sdk_ssm, rule);
        let not_offered = read_region(&client, &caller("eu-central-1", "ssm"), REGION)
            .await
            .expect("read");
        assert_eq!(
            not_offered,
            [
                RegionalService::Cognito,
                RegionalService::Backup,
                RegionalService::Eks
            ]
            .into()
        );
        assert_eq!(rule.num_calls(), 3, "22 names, at most ten per call");
    }

    #[test]
    fn only_a_region_the_list_knows_has_services_not_offered() {
        let service = service_parameter(REGION, RegionalService::Eks);
        let region = region_parameter(REGION);
        let invalid: BTreeSet<&str> = [service.as_str()].into();
        let known: BTreeSet<&str> = [region.as_str()].into();
        assert_eq!(
            not_offered(REGION, &known, &invalid),
            [RegionalService::Eks].into()
        );
        // A region newer than the list: nothing is known, so everything is scanned.
        let unknown_region: BTreeSet<&str> = [region.as_str(), service.as_str()].into();
        assert!(not_offered(REGION, &BTreeSet::new(), &unknown_region).is_empty());
        // A name in neither part of the answer is no evidence.
        assert!(not_offered(REGION, &known, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn parameter_names_are_the_endpoint_prefixes() {
        assert_eq!(
            service_parameter("eu-central-1", RegionalService::Elbv2),
            "/aws/service/global-infrastructure/regions/eu-central-1/services/elb"
        );
        assert_eq!(parameter_name(RegionalService::Efs), "efs");
        assert_eq!(parameter_name(RegionalService::Cognito), "cognito-idp");
    }

    #[tokio::test]
    async fn a_failed_read_is_an_error_not_a_list() {
        let denied = mock!(Client::get_parameters)
            .then_error(|| GetParametersError::generic(aws_error("AccessDeniedException")));
        let client = mocked_client!(aws_sdk_ssm, denied);
        let error = read_region(&client, &caller("eu-central-1", "ssm"), REGION)
            .await
            .expect_err("denied");
        assert_eq!(
            (error.kind, error.operation),
            (ErrorKind::AccessDenied, OPERATION)
        );
    }
}
