//! Whether an AWS Backup schedule expression runs at least once a day.

/// `cron(minutes hours day-of-month month day-of-week year)` runs daily when it fires on every
/// day of every month (whatever its hours); `rate(n unit)` when its period is at most a day.
pub fn runs_daily(expression: &str) -> bool {
    let expression = expression.trim();
    if let Some(fields) = expression
        .strip_prefix("cron(")
        .and_then(|e| e.strip_suffix(')'))
    {
        let fields: Vec<&str> = fields.split_whitespace().collect();
        let [_, _, day_of_month, month, day_of_week, ..] = fields[..] else {
            return false;
        };
        let every = |field: &str| matches!(field, "*" | "?" | "*/1");
        let every_weekday = |field: &str| {
            every(field) || matches!(field.to_ascii_uppercase().as_str(), "1-7" | "SUN-SAT")
        };
        every(day_of_month) && every(month) && every_weekday(day_of_week)
    } else if let Some(rate) = expression
        .strip_prefix("rate(")
        .and_then(|e| e.strip_suffix(')'))
    {
        let mut parts = rate.split_whitespace();
        let (Some(Ok(n)), Some(unit)) = (parts.next().map(str::parse::<u32>), parts.next()) else {
            return false;
        };
        let minutes = match unit.trim_end_matches('s') {
            "minute" => n,
            "hour" => n.saturating_mul(60),
            "day" => n.saturating_mul(24 * 60),
            _ => return false,
        };
        n > 0 && minutes <= 24 * 60
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::runs_daily;

    #[test]
    fn daily_and_more_often_count_weekly_and_monthly_do_not() {
        for daily in [
            "cron(0 5 ? * * *)",
            "cron(0 3 * * ? *)",
            "cron(0 */6 ? * * *)",
            "cron(30 1 ? * 1-7 *)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(90 minutes)",
        ] {
            assert!(runs_daily(daily), "{daily}");
        }
        for not_daily in [
            "cron(0 5 ? * MON *)",
            "cron(0 5 1 * ? *)",
            "cron(0 5 ? 1,7 * *)",
            "cron(0 5 ? * MON-FRI *)",
            "rate(2 days)",
            "rate(25 hours)",
            "rate(0 hours)",
            "cron(broken)",
            "",
        ] {
            assert!(!runs_daily(not_daily), "{not_daily}");
        }
    }
}
