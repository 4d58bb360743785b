use crate::baseline::Rule;
use crate::params::Parameters;
use crate::verdict::Verdict;
use tomwatch_model::{AccountInventory, Collected, Finding, RegionInventory};

/// What the code knows about a check. Its control, severity and remediation are policy and live
/// in the baseline (`config/baselines/tom.yaml`), not here.
#[derive(Debug, Clone, Copy)]
pub struct CheckMeta {
    /// `<service>_<resource>_<property>`, equal to the module name.
    pub id: &'static str,
    pub title: &'static str,
    /// CloudFormation-style type of the resources it judges.
    pub resource_type: &'static str,
}

/// A check: its metadata and a pure function from an account's inventory to findings.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub meta: CheckMeta,
    pub evaluate: fn(&EvalContext) -> Vec<Finding>,
}

/// What a check may read: the inventory, the baseline's parameters, and its own rule (which
/// places its findings in a control with a severity).
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    pub account: &'a AccountInventory,
    pub params: &'a Parameters,
    pub rule: &'a Rule,
}

impl CheckMeta {
    pub fn finding(
        &self,
        ctx: &EvalContext,
        region: &str,
        resource_id: String,
        verdict: Verdict,
    ) -> Finding {
        self.typed_finding(ctx, region, self.resource_type, resource_id, verdict)
    }

    /// A finding on a resource of another type than the check's own, for checks that judge
    /// every workload whatever its type (tags).
    pub fn typed_finding(
        &self,
        ctx: &EvalContext,
        region: &str,
        resource_type: &'static str,
        resource_id: String,
        verdict: Verdict,
    ) -> Finding {
        Finding {
            check_id: self.id,
            control: ctx.rule.control.clone(),
            status: verdict.status,
            severity: ctx.rule.severity,
            account_id: ctx.account.account_id.clone(),
            region: region.to_string(),
            resource_type,
            resource_id,
            message: verdict.message,
            suppressed: false,
            suppression: None,
        }
    }

    /// Evaluates `judge` on every item of a per-region collection. A region whose list could not
    /// be collected, or an account whose regions are unknown, yields one UNKNOWN finding for the
    /// scope it could not see, so that blind spots count against the audit.
    pub fn per_region_item<T>(
        &self,
        ctx: &EvalContext,
        select: impl Fn(&RegionInventory) -> &Collected<Vec<T>>,
        wildcard: &str,
        judge: impl Fn(&str, &T) -> (String, Verdict),
    ) -> Vec<Finding> {
        self.per_region(ctx, select, wildcard, |region, _, items| {
            items.iter().map(|item| judge(region, item)).collect()
        })
    }

    /// Like [`CheckMeta::per_region_item`], but `judge` sees a region's whole list and the
    /// region's inventory, for checks that combine collections or judge nested items.
    pub fn per_region<T>(
        &self,
        ctx: &EvalContext,
        select: impl Fn(&RegionInventory) -> &Collected<Vec<T>>,
        wildcard: &str,
        judge: impl Fn(&str, &RegionInventory, &[T]) -> Vec<(String, Verdict)>,
    ) -> Vec<Finding> {
        let regions = match &ctx.account.regions {
            Ok(regions) => regions,
            Err(error) => {
                let id = scope_wildcard(ctx, "*", wildcard);
                return vec![self.finding(
                    ctx,
                    tomwatch_model::GLOBAL_REGION,
                    id,
                    Verdict::unknown(error),
                )];
            }
        };
        let mut findings = Vec::new();
        for (region, inventory) in regions {
            match select(inventory) {
                Ok(items) => findings.extend(
                    judge(region, inventory, items)
                        .into_iter()
                        .map(|(id, verdict)| self.finding(ctx, region, id, verdict)),
                ),
                Err(error) => {
                    let id = scope_wildcard(ctx, region, wildcard);
                    findings.push(self.finding(ctx, region, id, Verdict::unknown(error)));
                }
            }
        }
        findings
    }

    /// The account itself as the resource of an account-wide check.
    pub fn account_finding(&self, ctx: &EvalContext, verdict: Verdict) -> Finding {
        let id = format!("arn:aws:iam::{}:root", ctx.account.account_id);
        self.finding(ctx, tomwatch_model::GLOBAL_REGION, id, verdict)
    }
}

/// `arn:aws:ec2:eu-central-1:111111111111:instance/*`-style name for "everything of this type here".
fn scope_wildcard(ctx: &EvalContext, region: &str, wildcard: &str) -> String {
    // `wildcard` is a template with `{region}` and `{account}` placeholders.
    wildcard
        .replace("{region}", region)
        .replace("{account}", &ctx.account.account_id)
}

/// The verdict of TOM-REGION for a resource that lives in `region`.
pub fn region_verdict(ctx: &EvalContext, what: &str, region: &str) -> Verdict {
    let policy = &ctx.params.allowed_regions;
    if policy.allows(region) {
        Verdict::pass(format!("{what} is in {region}, an allowed region"))
    } else {
        Verdict::fail(format!(
            "{what} is in {region}, outside the allowed regions ({})",
            policy.describe()
        ))
    }
}
