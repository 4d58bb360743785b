checks! {
    guardduty_detector_enabled,
}
