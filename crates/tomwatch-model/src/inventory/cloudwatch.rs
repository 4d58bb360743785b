use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// CloudWatch alarms in one region, metric and composite alike.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct CloudWatchInventory {
    pub alarms: Collected<Vec<Alarm>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Alarm {
    pub arn: String,
    pub name: String,
    pub actions_enabled: bool,
    /// What is notified or done when the alarm fires (SNS topics, Auto Scaling policies, ...).
    pub alarm_actions: Vec<String>,
    /// Compares a metric against an anomaly-detection band rather than a fixed threshold.
    pub anomaly_detection: bool,
}

impl Alarm {
    /// Fires something somewhere: enabled, with at least one action.
    pub fn notifies(&self) -> bool {
        self.actions_enabled && !self.alarm_actions.is_empty()
    }
}
