checks! {
    kms_key_rotation_enabled,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
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
        kinds::KMS_KEY.select,
        kinds::KMS_KEY.wildcard,
        |region, key| (key.arn.clone(), judge(region, key)),
    )
}
