use crate::caller::Caller;
use crate::session::AwsSession;
use tomwatch_model::inventory::{CloudTrailInventory, Trail, TrailStatus};

impl AwsSession {
    pub async fn collect_cloudtrail(&self, region: &str) -> CloudTrailInventory {
        let client = self.client(region, |config| aws_sdk_cloudtrail::Client::new(&config));
        collect(&client, &self.caller(region, "cloudtrail")).await
    }
}

pub(crate) async fn collect(
    client: &aws_sdk_cloudtrail::Client,
    caller: &Caller,
) -> CloudTrailInventory {
    let region = caller.scope.region.as_str();
    const OP: &str = "DescribeTrails";
    let trails = async {
        let output = caller
            .call(
                OP,
                client.describe_trails().include_shadow_trails(false).send(),
            )
            .await?;
        let mut trails = Vec::new();
        for trail in output.trail_list() {
            let home_region = trail.home_region().unwrap_or(region);
            // Each trail is reported once, by its home region, whatever the API returns elsewhere.
            if home_region != region {
                continue;
            }
            let arn = trail
                .trail_arn()
                .ok_or_else(|| caller.missing(OP, "TrailARN"))?;
            let status = caller
                .call("GetTrailStatus", client.get_trail_status().name(arn).send())
                .await
                .map(|s| TrailStatus {
                    is_logging: s.is_logging().unwrap_or(false),
                });
            trails.push(Trail {
                arn: arn.to_string(),
                name: trail.name().unwrap_or_default().to_string(),
                home_region: home_region.to_string(),
                is_multi_region: trail
                    .is_multi_region_trail()
                    .ok_or_else(|| caller.missing(OP, "IsMultiRegionTrail"))?,
                log_file_validation: trail
                    .log_file_validation_enabled()
                    .ok_or_else(|| caller.missing(OP, "LogFileValidationEnabled"))?,
                kms_key_id: trail.kms_key_id().map(str::to_string),
                status,
            });
        }
        Ok(trails)
    };
    CloudTrailInventory {
        trails: trails.await,
    }
}
