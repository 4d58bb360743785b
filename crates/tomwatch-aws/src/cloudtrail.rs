use crate::attempts::sdk_client;
use crate::caller::Caller;
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
use tomwatch_model::inventory::{CloudTrailInventory, Trail, TrailEvents, TrailStatus};

impl RegionalCollection for CloudTrailInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "cloudtrail", aws_sdk_cloudtrail);
        collect(&client, &session.caller(region, "cloudtrail")).await
    }
}

pub(crate) async fn collect(
    client: &aws_sdk_cloudtrail::Client,
    caller: &Caller,
) -> CloudTrailInventory {
    let region = caller.scope.region.as_str();
    const OP: &str = "DescribeTrails";
    let trails = async {
        // Shadow trails included: an organization trail reaches a member account only as a
        // shadow of the management account's trail, even in its home region.
        let output = caller
            .call(
                OP,
                client.describe_trails().include_shadow_trails(true).send(),
            )
            .await?;
        let mut trails = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for trail in output.trail_list() {
            let home_region = trail
                .home_region()
                .ok_or_else(|| caller.missing(OP, "HomeRegion"))?;
            // Each trail is reported once, by its home region, whatever the API returns elsewhere;
            // its status is read there too (a shadow's status is its home trail's).
            if home_region != region {
                continue;
            }
            let arn = trail
                .trail_arn()
                .ok_or_else(|| caller.missing(OP, "TrailARN"))?;
            if !seen.insert(arn) {
                continue;
            }
            let status = caller
                .call("GetTrailStatus", client.get_trail_status().name(arn).send())
                .await
                .and_then(|s| {
                    let is_logging = s
                        .is_logging()
                        .ok_or_else(|| caller.missing("GetTrailStatus", "IsLogging"))?;
                    Ok(TrailStatus { is_logging })
                });
            let event_selectors = caller
                .call(
                    "GetEventSelectors",
                    client.get_event_selectors().trail_name(arn).send(),
                )
                .await
                .map(|output| recorded_events(&output));
            trails.push(Trail {
                event_selectors,
                arn: arn.to_string(),
                name: trail.name().unwrap_or_default().to_string(), // default: display name; the ARN identifies
                home_region: home_region.to_string(),
                is_multi_region: trail
                    .is_multi_region_trail()
                    .ok_or_else(|| caller.missing(OP, "IsMultiRegionTrail"))?,
                log_file_validation: trail
                    .log_file_validation_enabled()
                    .ok_or_else(|| caller.missing(OP, "LogFileValidationEnabled"))?,
                kms_key_id: trail.kms_key_id().map(str::to_string),
                // default: AWS may omit the flag on a trail that is not an organization trail
                organization_trail: trail.is_organization_trail().unwrap_or(false),
                status,
            });
        }
        Ok(trails)
    };
    CloudTrailInventory {
        trails: trails.await,
    }
}

/// Folds basic and advanced event selectors into what the trail records.
fn recorded_events(output: &GetEventSelectorsOutput) -> TrailEvents {
    let mut events = TrailEvents::default();
    for selector in output.event_selectors() {
        // default: AWS's documented default is true
        if selector.include_management_events().unwrap_or(true) {
            match selector.read_write_type().map(|t| t.as_str()) {
                Some("ReadOnly") => events.management_read = true,
                Some("WriteOnly") => events.management_write = true,
                _ => {
                    events.management_read = true;
                    events.management_write = true;
                }
            }
        }
        if selector
            .data_resources()
            .iter()
            .any(|r| r.r#type() == Some("AWS::S3::Object"))
        {
            events.s3_data = true;
        }
    }
    for selector in output.advanced_event_selectors() {
        let equals = |field: &str| {
            selector
                .field_selectors()
                .iter()
                .find(|f| f.field() == field)
                .map(|f| f.equals().to_vec())
        };
        match equals("eventCategory").as_deref() {
            Some([category]) if category == "Management" => match equals("readOnly").as_deref() {
                Some([value]) if value == "true" => events.management_read = true,
                Some([value]) if value == "false" => events.management_write = true,
                _ => {
                    events.management_read = true;
                    events.management_write = true;
                }
            },
            Some([category])
                if category == "Data"
                    && equals("resources.type")
                        .is_some_and(|t| t.iter().any(|t| t == "AWS::S3::Object")) =>
            {
                events.s3_data = true;
            }
            _ => {}
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
    };

    fn field(name: &str, value: &str) -> AdvancedFieldSelector {
        AdvancedFieldSelector::builder()
            .field(name)
            .equals(value)
            .build()
            .expect("valid")
    }

    #[test]
    fn basic_selectors_give_read_write_and_s3_data() {
        let output = GetEventSelectorsOutput::builder()
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::WriteOnly)
                    .include_management_events(true)
                    .data_resources(
                        DataResource::builder()
                            .r#type("AWS::S3::Object")
                            .values("arn:aws:s3")
                            .build(),
                    )
                    .build(),
            )
            .build();
        assert_eq!(
            recorded_events(&output),
            TrailEvents {
                management_read: false,
                management_write: true,
                s3_data: true
            }
        );
    }

    #[test]
    fn advanced_selectors_are_understood_too() {
        let selector = |fields: Vec<AdvancedFieldSelector>| {
            AdvancedEventSelector::builder()
                .set_field_selectors(Some(fields))
                .build()
                .expect("valid")
        };
        let output = GetEventSelectorsOutput::builder()
            .advanced_event_selectors(selector(vec![field("eventCategory", "Management")]))
            .advanced_event_selectors(selector(vec![
                field("eventCategory", "Data"),
                field("resources.type", "AWS::S3::Object"),
            ]))
            .build();
        assert_eq!(
            recorded_events(&output),
            TrailEvents {
                management_read: true,
                management_write: true,
                s3_data: true
            }
        );
        let read_only = GetEventSelectorsOutput::builder()
            .advanced_event_selectors(selector(vec![
                field("eventCategory", "Management"),
                field("readOnly", "true"),
            ]))
            .build();
        assert!(!recorded_events(&read_only).management_write);
    }

    // The collector itself, on mocked SDK responses in AWS's shape.
    use crate::testing::{caller, mocked_client};
    use aws_sdk_cloudtrail::operation::describe_trails::DescribeTrailsOutput;
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use aws_sdk_cloudtrail::types::Trail as SdkTrail;
    use aws_sdk_cloudtrail::Client;
    use aws_smithy_mocks::mock;

    /// A status without IsLogging is an error of that trail, never "not logging".
    #[tokio::test]
    async fn a_status_without_is_logging_is_an_error_not_false() {
        let describe = mock!(Client::describe_trails).then_output(|| {
            DescribeTrailsOutput::builder()
                .trail_list(
                    SdkTrail::builder()
                        .name("org")
                        .trail_arn("arn:aws:cloudtrail:eu-central-1:111111111111:trail/org")
                        .home_region("eu-central-1")
                        .is_multi_region_trail(true)
                        .log_file_validation_enabled(true)
                        .build(),
                )
                .build()
        });
        let status =
            mock!(Client::get_trail_status).then_output(|| GetTrailStatusOutput::builder().build());
        let selectors = mock!(Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let client = mocked_client!(aws_sdk_cloudtrail, describe, status, selectors);
        let trails = collect(&client, &caller("eu-central-1", "cloudtrail"))
            .await
            .trails
            .expect("listed");
        let error = trails[0].status.clone().expect_err("no IsLogging");
        assert_eq!(error.operation, "GetTrailStatus");
        assert!(error.message.contains("IsLogging"), "{}", error.message);
    }

    /// A member account sees its organization's trail only as a shadow trail: the collector
    /// must ask for shadows, keep the trail once in its home region, and read its status by ARN.
    #[tokio::test]
    async fn an_organization_trail_is_seen_from_a_member_account_once_in_its_home_region() {
        const ORG_TRAIL: &str = "arn:aws:cloudtrail:eu-central-1:999999999999:trail/org";
        let shadow = || {
            SdkTrail::builder()
                .name(ORG_TRAIL)
                .trail_arn(ORG_TRAIL)
                .home_region("eu-central-1")
                .is_multi_region_trail(true)
                .is_organization_trail(true)
                .log_file_validation_enabled(true)
                .build()
        };
        let describe = mock!(Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(true))
            .then_output(move || {
                DescribeTrailsOutput::builder()
                    .trail_list(shadow())
                    .trail_list(shadow())
                    .build()
            });
        let status = mock!(Client::get_trail_status)
            .match_requests(|r| r.name() == Some(ORG_TRAIL))
            .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let selectors = mock!(Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let client = mocked_client!(aws_sdk_cloudtrail, describe, status, selectors);
        let home = collect(&client, &caller("eu-central-1", "cloudtrail"))
            .await
            .trails
            .expect("listed");
        assert_eq!(home.len(), 1, "{home:?}");
        assert!(home[0].organization_trail);
        assert_eq!(home[0].status, Ok(TrailStatus { is_logging: true }));
        let elsewhere = collect(&client, &caller("eu-west-1", "cloudtrail"))
            .await
            .trails
            .expect("listed");
        assert!(
            elsewhere.is_empty(),
            "a shadow is reported by its home region only"
        );
    }
}
