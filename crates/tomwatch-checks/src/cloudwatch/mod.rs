checks! {
    cloudwatch_region_alarms_with_actions,
    cloudwatch_region_anomaly_detection,
}
