//! AWS wildcard patterns (`*` any run of characters, `?` one character) as IAM resources, AWS
//! Backup selections and `StringLike` conditions use them, asked not only "does it match this
//! ARN" but "does it match every object of this bucket": a bucket policy is judged for all
//! keys, not for the few a test could list.

/// The pattern positions reachable after reading `text`, closed over `*` matching nothing.
/// One pass per character over a bitmap of positions: O(text × pattern) whatever the pattern,
/// so a hostile policy of thousands of `*` (a bucket policy may hold 20 KB) costs milliseconds.
fn states_after(pattern: &[char], text: &str) -> Vec<usize> {
    let mut states = vec![false; pattern.len() + 1];
    states[0] = true;
    close_over_stars(pattern, &mut states);
    for c in text.chars() {
        let mut next = vec![false; pattern.len() + 1];
        for (at, token) in pattern.iter().enumerate() {
            if !states[at] {
                continue;
            }
            match token {
                '*' => next[at] = true,
                '?' => next[at + 1] = true,
                literal if *literal == c => next[at + 1] = true,
                _ => {}
            }
        }
        close_over_stars(pattern, &mut next);
        states = next;
        if !states.contains(&true) {
            break;
        }
    }
    states
        .iter()
        .enumerate()
        .filter_map(|(at, reachable)| reachable.then_some(at))
        .collect()
}

/// A `*` may match nothing: whoever reaches it also reaches the position after it. Stars only
/// lead forward, so one pass in order reaches the fixpoint.
fn close_over_stars(pattern: &[char], states: &mut [bool]) {
    for (at, token) in pattern.iter().enumerate() {
        if states[at] && *token == '*' {
            states[at + 1] = true;
        }
    }
}

/// `pattern` matches `text` exactly (ARN patterns are case-sensitive).
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    states_after(&pattern, text).contains(&pattern.len())
}

/// `pattern` matches `prefix` followed by any non-empty string: every key under the prefix.
pub fn matches_everything_under(pattern: &str, prefix: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    states_after(&chars, prefix)
        .into_iter()
        .any(|at| at < chars.len() && chars[at..].iter().all(|&c| c == '*'))
}

/// `pattern` matches at least one string that starts with `prefix` and continues.
pub fn matches_something_under(pattern: &str, prefix: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    states_after(&chars, prefix)
        .into_iter()
        .any(|at| at < chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECTS: &str = "arn:aws:s3:::b/";

    #[test]
    fn exact_and_wildcard_matches() {
        assert!(matches("arn:aws:s3:::b", "arn:aws:s3:::b"));
        assert!(!matches("arn:aws:s3:::b", "arn:aws:s3:::bb"));
        assert!(matches("arn:aws:s3:::b*", "arn:aws:s3:::bb"));
        assert!(matches("*", "arn:aws:s3:::b"));
        assert!(matches("arn:aws:s3:::?", "arn:aws:s3:::b"));
        assert!(!matches("arn:aws:s3:::B", "arn:aws:s3:::b"));
    }

    #[test]
    fn every_object_only_when_the_rest_of_the_pattern_is_stars() {
        assert!(matches_everything_under("arn:aws:s3:::b/*", OBJECTS));
        assert!(matches_everything_under("*", OBJECTS));
        assert!(matches_everything_under("arn:aws:s3:::b*", OBJECTS));
        assert!(matches_everything_under("arn:*:s3:::*/*", OBJECTS));
        assert!(!matches_everything_under("arn:aws:s3:::b/logs/*", OBJECTS));
        assert!(!matches_everything_under("arn:aws:s3:::b", OBJECTS));
        assert!(!matches_everything_under("arn:aws:s3:::b/*.csv", OBJECTS));
        assert!(!matches_everything_under("arn:aws:s3:::other/*", OBJECTS));
    }

    #[test]
    fn some_object_when_any_key_under_the_prefix_matches() {
        assert!(matches_something_under("arn:aws:s3:::b/logs/*", OBJECTS));
        assert!(matches_something_under("arn:aws:s3:::b/?", OBJECTS));
        assert!(!matches_something_under("arn:aws:s3:::b", OBJECTS));
        assert!(!matches_something_under("arn:aws:s3:::other/*", OBJECTS));
    }

    #[test]
    fn a_hostile_pattern_of_thousands_of_stars_is_decided_quickly() {
        let stars = "*".repeat(20_000);
        let text = format!("{OBJECTS}{}", "k".repeat(2_000));
        let started = std::time::Instant::now();
        assert!(matches(&stars, &text));
        assert!(matches_everything_under(&stars, OBJECTS));
        assert!(!matches(&format!("{stars}x"), &text));
        // Quadratic closures took minutes here. The bitmap takes about 3.5 s unoptimized on a
        // 2-core machine (more while the crate's other tests share the cores): the bound
        // separates minutes from seconds without failing on a busy CI machine.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
    }
}
