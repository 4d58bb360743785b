use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_guardduty::Client;
use tomwatch_model::inventory::{Detector, GuardDutyInventory};

impl RegionalCollection for GuardDutyInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "guardduty", aws_sdk_guardduty);
        collect(&client, &session.caller(region, "guardduty")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> GuardDutyInventory {
    let detectors = async {
        let pages = all_pages!(caller, "ListDetectors", client.list_detectors()).await?;
        let mut detectors = Vec::new();
        for id in pages.iter().flat_map(|p| p.detector_ids()) {
            let enabled = caller
                .call("GetDetector", client.get_detector().detector_id(id).send())
                .await
                .and_then(|d| {
                    d.status()
                        .map(|s| s.as_str() == "ENABLED")
                        .ok_or_else(|| caller.missing("GetDetector", "Status"))
                });
            detectors.push(Detector {
                id: id.clone(),
                enabled,
            });
        }
        Ok(detectors)
    };
    GuardDutyInventory {
        detectors: detectors.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_guardduty::operation::get_detector::{GetDetectorError, GetDetectorOutput};
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::types::DetectorStatus;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    #[tokio::test]
    async fn detector_status_is_read_and_a_denied_detail_stays_on_its_detector() {
        let list = || {
            mock!(Client::list_detectors)
                .then_output(|| ListDetectorsOutput::builder().detector_ids("d-1").build())
        };
        let client = mocked_client!(
            aws_sdk_guardduty,
            list(),
            mock!(Client::get_detector).then_output(|| GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .service_role("r")
                .build())
        );
        let detectors = collect(&client, &caller("eu-central-1", "guardduty"))
            .await
            .detectors
            .expect("listed");
        assert_eq!(detectors[0].enabled, Ok(true));

        let denied = mocked_client!(
            aws_sdk_guardduty,
            list(),
            mock!(Client::get_detector)
                .then_error(|| GetDetectorError::generic(aws_error("AccessDeniedException")))
        );
        let detectors = collect(&denied, &caller("eu-central-1", "guardduty"))
            .await
            .detectors
            .expect("listed");
        assert_eq!(
            detectors[0].enabled.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied)
        );
    }
}
