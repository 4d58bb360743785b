//! Whether an AWS Backup schedule expression runs at least once a day.

/// `cron(minutes hours day-of-month month day-of-week year)` runs daily when it fires on every
/// day of every month (whatever its hours) in `year`, the current one; `rate(n unit)` when its
/// period is at most a day.
pub fn runs_daily(expression: &str, year: i32) -> bool {
    let expression = expression.trim();
    if let Some(fields) = expression
        .strip_prefix("cron(")
        .and_then(|e| e.strip_suffix(')'))
    {
        let fields: Vec<&str> = fields.split_whitespace().collect();
        let [_, _, day_of_month, month, day_of_week, ref rest @ ..] = fields[..] else {
            return false;
        };
        if !rest.first().is_none_or(|years| includes_year(years, year)) {
            return false;
        }
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

/// Whether a cron year field (`*`, `2026`, `2025-2027`, `2026,2028`, `2024/2`) includes `year`;
/// a field that cannot be read includes nothing.
fn includes_year(field: &str, year: i32) -> bool {
    field.split(',').any(|part| {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => match step.parse::<i32>() {
                Ok(step) if step > 0 => (range, step),
                _ => return false,
            },
            None => (part, 1),
        };
        let (first, last) = match range {
            "*" => (1970, 2199),
            _ => match range.split_once('-') {
                Some((a, b)) => match (a.parse::<i32>(), b.parse::<i32>()) {
                    (Ok(a), Ok(b)) => (a, b),
                    _ => return false,
                },
                None => match range.parse::<i32>() {
                    // `2024/2` starts at 2024 and runs on; a lone `2024` is that year only.
                    Ok(a) if part.contains('/') => (a, 2199),
                    Ok(a) => (a, a),
                    Err(_) => return false,
                },
            },
        };
        (first..=last).contains(&year) && (year - first) % step == 0
    })
}

#[cfg(test)]
mod tests {
    use super::runs_daily;

    const YEAR: i32 = 2026;

    #[test]
    fn a_year_field_that_has_passed_or_not_begun_is_not_daily() {
        for current in [
            "cron(0 5 ? * * 2026)",
            "cron(0 5 ? * * 2025-2027)",
            "cron(0 5 ? * * 2024,2026)",
            "cron(0 5 ? * * 2024/2)",
            "cron(0 5 ? * * */1)",
        ] {
            assert!(runs_daily(current, YEAR), "{current}");
        }
        for over in [
            "cron(0 5 ? * * 2024)",
            "cron(0 5 ? * * 2020-2025)",
            "cron(0 5 ? * * 2027)",
            "cron(0 5 ? * * 2025/2)",
            "cron(0 5 ? * * twenty)",
        ] {
            assert!(!runs_daily(over, YEAR), "{over}");
        }
    }

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
            assert!(runs_daily(daily, YEAR), "{daily}");
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
            assert!(!runs_daily(not_daily, YEAR), "{not_daily}");
        }
    }
}
