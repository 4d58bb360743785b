//! AWS wildcard patterns (`*` any run of characters, `?` one character) as IAM resources, AWS
//! Backup selections and `StringLike` conditions use them, asked not only "does it match this
//! ARN" but "does it match every object of this bucket": a bucket policy is judged for all
//! keys, not for the few a test could list.

/// The pattern positions reachable after reading `text`, closed over `*` matching nothing.
fn states_after(pattern: &[char], text: &str) -> Vec<usize> {
    let mut states = closure(pattern, vec![0]);
    for c in text.chars() {
        let mut next = Vec::new();
        for &at in &states {
            match pattern.get(at) {
                Some('*') => next.push(at),
                Some('?') => next.push(at + 1),
                Some(&literal) if literal == c => next.push(at + 1),
                _ => {}
            }
        }
        states = closure(pattern, next);
        if states.is_empty() {
            break;
        }
    }
    states
}

fn closure(pattern: &[char], mut states: Vec<usize>) -> Vec<usize> {
    let mut i = 0;
    while i < states.len() {
        let at = states[i];
        if pattern.get(at) == Some(&'*') && !states.contains(&(at + 1)) {
            states.push(at + 1);
        }
        i += 1;
    }
    states.sort_unstable();
    states.dedup();
    states
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
}
