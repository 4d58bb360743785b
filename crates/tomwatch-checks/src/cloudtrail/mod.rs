checks! {
    cloudtrail_account_multi_region_trail,
    cloudtrail_account_s3_data_events,
    cloudtrail_trail_kms_encrypted,
    cloudtrail_trail_log_file_validation,
    cloudtrail_trail_management_events,
    cloudtrail_trail_multi_region,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::Trail;

/// Evaluates `judge` on every trail, reported once by its home region.
fn per_trail(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &Trail) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        |r| &r.cloudtrail.trails,
        "arn:aws:cloudtrail:{region}:{account}:trail/*",
        |region, trail| (trail.arn.clone(), judge(region, trail)),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::check::Check;
    use crate::check::Evidence;
    use crate::testing::*;
    use tomwatch_model::inventory::{Trail, TrailEvents, TrailStatus};

    /// A multi-region, validated, logging trail homed in eu-central-1.
    pub fn trail(name: &str) -> Trail {
        Trail {
            arn: format!("arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/{name}"),
            name: name.into(),
            home_region: "eu-central-1".into(),
            is_multi_region: true,
            log_file_validation: true,
            kms_key_id: None,
            organization_trail: false,
            status: Ok(TrailStatus { is_logging: true }),
            event_selectors: Ok(TrailEvents {
                management_read: true,
                management_write: true,
                s3_data: false,
            }),
        }
    }

    pub fn run_on_trails(check: &Check, trails: Result<Vec<Trail>, ()>) -> Vec<Evidence> {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").cloudtrail.trails =
            trails.map_err(|()| denied("cloudtrail", "DescribeTrails", "eu-central-1"));
        run(check, &account)
    }
}
