//! CloudTrail management events, as EventBridge delivers them to an SQS queue, turned into the
//! smallest rescans that settle them: one service in one account and region (account-wide for
//! global services). Pure: the queue is read elsewhere; this decides what a message means.
//!
//! A message that cannot trigger honest work is ignored with a reason from a fixed set, counted
//! by the daemon and deleted, never fatal.

use serde::Deserialize;
use std::collections::BTreeSet;
use time::OffsetDateTime;
use tomwatch_model::change_events::{
    resource_changed_by, services_changed_by, ResourceKind, CHANGE_EVENTS,
};
use tomwatch_model::{ServiceKind, GLOBAL_REGION};

/// One recorded API call that may change what a check sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// EventBridge's `source`, `aws.<service>`.
    pub source: String,
    pub event_source: String,
    pub event_name: String,
    /// The account the call acted in (`recipientAccountId`).
    pub account_id: String,
    pub region: String,
    /// When EventBridge received it; the start of the event-to-metric latency.
    pub time: Option<OffsetDateTime>,
    /// The call's `requestParameters`, where single-resource calls name their resource.
    pub request_parameters: Option<serde_json::Value>,
}

/// A collection to redo: `service` in `account_id`, in `region` or account-wide; or only one
/// resource of it, where the call changed that resource alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rescan {
    pub account_id: String,
    /// `GLOBAL_REGION` for a global service.
    pub region: String,
    pub service: ServiceKind,
    /// `Some`: describe this resource again, not the whole service.
    pub resource: Option<ResourceRef>,
}

/// One resource to describe again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceRef {
    pub kind: ResourceKind,
    pub id: String,
}

/// Why a message causes no rescan; the `reason` label of `tomwatch_events_ignored_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ignored {
    /// Not JSON, or not shaped as an EventBridge event with a CloudTrail detail.
    Malformed,
    /// A `source` that does not begin with `aws.`: a custom event, which anyone allowed to put
    /// events on the bus could forge, never triggers work.
    NotAws,
    /// Not "AWS API Call via CloudTrail" (a console sign-in, a service event).
    NotApiCall,
    /// A read-only call changes nothing.
    ReadOnly,
    /// A call that failed (`errorCode`) changed nothing.
    FailedCall,
    /// A write no check reads the result of.
    Irrelevant,
    /// In an account tomwatch does not audit.
    UnknownAccount,
    /// In an account that another replica audits (`--shard`), which reads the event from a
    /// queue of its own.
    OtherShard,
    /// In a region the account's scans do not cover (not configured, or not enabled): the next
    /// full scan decides whether to scan it at all.
    RegionNotScanned,
}

impl Ignored {
    pub const ALL: [Ignored; 9] = [
        Ignored::Malformed,
        Ignored::NotAws,
        Ignored::NotApiCall,
        Ignored::ReadOnly,
        Ignored::FailedCall,
        Ignored::Irrelevant,
        Ignored::UnknownAccount,
        Ignored::OtherShard,
        Ignored::RegionNotScanned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ignored::Malformed => "malformed",
            Ignored::NotAws => "not_aws",
            Ignored::NotApiCall => "not_api_call",
            Ignored::ReadOnly => "read_only",
            Ignored::FailedCall => "failed_call",
            Ignored::Irrelevant => "irrelevant",
            Ignored::UnknownAccount => "unknown_account",
            Ignored::OtherShard => "other_shard",
            Ignored::RegionNotScanned => "region_not_scanned",
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    source: String,
    #[serde(rename = "detail-type")]
    detail_type: String,
    time: Option<String>,
    region: Option<String>,
    account: Option<String>,
    detail: Detail,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    event_source: String,
    event_name: String,
    aws_region: Option<String>,
    recipient_account_id: Option<String>,
    #[serde(default)]
    read_only: Option<bool>,
    error_code: Option<String>,
    #[serde(default)]
    request_parameters: Option<serde_json::Value>,
}

/// The `source` label of `tomwatch_events_received_total`: the CloudTrail `eventSource`
/// (`ec2.amazonaws.com`) when it is one of the change events' sources, else `other`, so that
/// a forged or unexpected source cannot grow the series.
pub fn source_label(event_source: &str) -> &'static str {
    CHANGE_EVENTS
        .iter()
        .map(|e| e.event_source)
        .find(|known| *known == event_source)
        .unwrap_or("other")
}

/// The EventBridge event pattern of the rules that fill the queue (`deploy/events/`): successful
/// CloudTrail-recorded calls of every event source a check depends on, from AWS itself only.
/// Read calls never reach EventBridge; event names are left to [`rescans`], which keeps the
/// pattern far below EventBridge's size limit.
pub fn rule_pattern() -> serde_json::Value {
    let mut sources: Vec<&str> = CHANGE_EVENTS.iter().map(|e| e.event_source).collect();
    sources.sort_unstable();
    sources.dedup();
    serde_json::json!({
        "source": [{"prefix": "aws."}],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": sources,
            "errorCode": [{"exists": false}],
        },
    })
}

/// Reads one SQS message body: an EventBridge event whose detail is a CloudTrail record.
pub fn parse(body: &str) -> Result<ChangeEvent, Ignored> {
    let envelope: Envelope = serde_json::from_str(body).map_err(|_| Ignored::Malformed)?;
    if !envelope.source.starts_with("aws.") {
        return Err(Ignored::NotAws);
    }
    if envelope.detail_type != "AWS API Call via CloudTrail" {
        return Err(Ignored::NotApiCall);
    }
    let detail = envelope.detail;
    if detail.read_only == Some(true) {
        return Err(Ignored::ReadOnly);
    }
    if detail.error_code.is_some() {
        return Err(Ignored::FailedCall);
    }
    let account_id = detail
        .recipient_account_id
        .or(envelope.account)
        .ok_or(Ignored::Malformed)?;
    let region = detail
        .aws_region
        .or(envelope.region)
        .ok_or(Ignored::Malformed)?;
    let time = envelope.time.as_deref().and_then(|t| {
        OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    });
    Ok(ChangeEvent {
        source: envelope.source,
        event_source: detail.event_source,
        event_name: detail.event_name,
        account_id,
        region,
        time,
        request_parameters: detail.request_parameters,
    })
}

/// The rescans that settle `event`, given the accounts tomwatch audits.
pub fn rescans(event: &ChangeEvent, accounts: &BTreeSet<String>) -> Result<Vec<Rescan>, Ignored> {
    if !accounts.contains(&event.account_id) {
        return Err(Ignored::UnknownAccount);
    }
    let services =
        services_changed_by(&event.event_source, &event.event_name).ok_or(Ignored::Irrelevant)?;
    let resource = changed_resource(event);
    Ok(services
        .iter()
        .map(|service| Rescan {
            account_id: event.account_id.clone(),
            region: if service.is_global() {
                GLOBAL_REGION.to_string()
            } else {
                event.region.clone()
            },
            service: *service,
            resource: resource
                .clone()
                .filter(|resource| resource.kind.service() == *service),
        })
        .collect())
}

/// The one resource a call changed, where the change table says the call changes only the
/// resource its request names, and the request names it by an ID that looks like one.
fn changed_resource(event: &ChangeEvent) -> Option<ResourceRef> {
    let entry = resource_changed_by(&event.event_source, &event.event_name)?;
    let mut value = event.request_parameters.as_ref()?;
    for key in entry.id_path {
        value = value.get(key)?;
    }
    let id = value.as_str()?;
    let plausible = (1..=255).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    plausible.then(|| ResourceRef {
        kind: entry.resource,
        id: id.to_string(),
    })
}

#[cfg(test)]
mod tests;
