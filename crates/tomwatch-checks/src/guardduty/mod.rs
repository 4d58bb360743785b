pub mod guardduty_detector_enabled;
