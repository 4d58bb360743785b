pub mod kms_key_allowed_region;
pub mod kms_key_rotation_enabled;

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::KmsKey;

/// Evaluates `judge` on every KMS key of the account (UNKNOWN where a region's list failed).
fn per_key(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &KmsKey) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        |r| &r.kms.keys,
        "arn:aws:kms:{region}:{account}:key/*",
        |region, key| (key.arn.clone(), judge(region, key)),
    )
}
