checks! {
    cloudwatch_region_alarms_with_actions,
}
