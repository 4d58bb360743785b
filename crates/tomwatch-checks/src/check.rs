use crate::params::Parameters;
use crate::verdict::Verdict;
use tomwatch_model::{AccountInventory, Collected, RegionInventory, Status};

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

/// A check: its metadata and a pure function from an account's inventory to evidence.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub meta: CheckMeta,
    pub evaluate: fn(&EvalContext) -> Vec<Evidence>,
}

/// What a check may read: the inventory and the baseline's parameters. Not its rule: where its
/// evidence is placed (control, severity) is the baseline's business.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    pub account: &'a AccountInventory,
    pub params: &'a Parameters,
}

/// What a check found about one resource: the verdict and why, without policy. The baseline
/// turns it into a `Finding` with the control and severity its rule gives the check
/// (`Baseline::evaluate`). "Policy is data, evidence is code" holds in the types.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub check_id: &'static str,
    /// The resource's region, or `global` for account-wide evidence.
    pub region: String,
    /// CloudFormation-style type, e.g. `AWS::S3::Bucket`.
    pub resource_type: &'static str,
    /// The ARN where AWS defines one; for an UNKNOWN whose resources could not even be listed,
    /// a wildcard ARN naming the scope that could not be seen.
    pub resource_id: String,
    pub status: Status,
    pub message: String,
}

impl CheckMeta {
    pub fn evidence(&self, region: &str, resource_id: String, verdict: Verdict) -> Evidence {
        self.typed_evidence(region, self.resource_type, resource_id, verdict)
    }

    /// Evidence on a resource of another type than the check's own, for checks that judge
    /// every workload whatever its type (tags).
    pub fn typed_evidence(
        &self,
        region: &str,
        resource_type: &'static str,
        resource_id: String,
        verdict: Verdict,
    ) -> Evidence {
        Evidence {
            check_id: self.id,
            region: region.to_string(),
            resource_type,
            resource_id,
            status: verdict.status,
            message: verdict.message,
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
    ) -> Vec<Evidence> {
        self.per_region(ctx, select, wildcard, |region, _, items| {
            items.iter().map(|item| judge(region, item)).collect()
        })
    }

    /// [`CheckMeta::per_region_item`] over a kind of `crate::kinds`, which knows where its
    /// items are kept and the wildcard that names them.
    pub fn per_kind_item<T>(
        &self,
        ctx: &EvalContext,
        kind: &crate::kinds::Regional<T>,
        judge: impl Fn(&str, &T) -> (String, Verdict),
    ) -> Vec<Evidence> {
        self.per_region_item(ctx, kind.select, kind.wildcard, judge)
    }

    /// Like [`CheckMeta::per_region_item`], but `judge` sees a region's whole list and the
    /// region's inventory, for checks that combine collections or judge nested items.
    pub fn per_region<T>(
        &self,
        ctx: &EvalContext,
        select: impl Fn(&RegionInventory) -> &Collected<Vec<T>>,
        wildcard: &str,
        judge: impl Fn(&str, &RegionInventory, &[T]) -> Vec<(String, Verdict)>,
    ) -> Vec<Evidence> {
        let regions = match &ctx.account.regions {
            Ok(regions) => regions,
            Err(error) => {
                let id = scope_wildcard(ctx, "*", wildcard);
                return vec![self.evidence(
                    tomwatch_model::GLOBAL_REGION,
                    id,
                    Verdict::not_collected(error),
                )];
            }
        };
        let mut findings = Vec::new();
        for (region, inventory) in regions {
            match select(inventory) {
                Ok(items) => findings.extend(
                    judge(region, inventory, items)
                        .into_iter()
                        .map(|(id, verdict)| self.evidence(region, id, verdict)),
                ),
                Err(error) => {
                    let id = scope_wildcard(ctx, region, wildcard);
                    findings.push(self.evidence(region, id, Verdict::not_collected(error)));
                }
            }
        }
        findings
    }

    /// The account itself as the resource of an account-wide check.
    pub fn account_evidence(&self, ctx: &EvalContext, verdict: Verdict) -> Evidence {
        let id = format!("arn:aws:iam::{}:root", ctx.account.account_id);
        self.evidence(tomwatch_model::GLOBAL_REGION, id, verdict)
    }
}

/// `arn:aws:ec2:eu-central-1:111111111111:instance/*`-style name for "everything of this type here".
fn scope_wildcard(ctx: &EvalContext, region: &str, wildcard: &str) -> String {
    crate::kinds::scope_wildcard(wildcard, &ctx.account.account_id, region)
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
