//! Finding every problem of a config that does not deserialize, not only the first.
//!
//! serde stops at the first value of the wrong type or unknown key. To report the others in the
//! same run, a block-style document is cut into pieces that parse on their own: each top-level
//! section, and each item of a top-level list (an account, a suppression). A piece keeps the
//! whole file's line count, with every line outside it blanked, so its errors carry the file's
//! own line and column. Flow-style documents are not cut; they report the first problem only.

/// The texts of the pieces, each as long (in lines) as `text`. Empty where the document is not
/// plain block style at the top level.
pub(super) fn pieces(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| starts_section(lines[i]))
        .collect();
    let before_first = &lines[..starts.first().copied().unwrap_or(lines.len())];
    let content_outside_sections = before_first
        .iter()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && *l != "---");
    if starts.is_empty() || content_outside_sections {
        return Vec::new();
    }
    let mut pieces = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let items = list_items(&lines, start + 1, end);
        if items.len() < 2 {
            pieces.push(keep(&lines, &[(start, end)]));
            continue;
        }
        for (k, &item) in items.iter().enumerate() {
            let item_end = items.get(k + 1).copied().unwrap_or(end);
            pieces.push(keep(&lines, &[(start, start + 1), (item, item_end)]));
        }
    }
    pieces
}

/// A top-level key: text at column 0 that is not a comment, a document marker or a list item
/// (YAML lets a section's items start at column 0).
fn starts_section(line: &str) -> bool {
    !line.is_empty() && !line.starts_with([' ', '\t', '#', '-', '.', '{', '['])
}

/// Lines in `from..to` that start an item of the section's block sequence (`- ` at the
/// shallowest indentation of such lines).
fn list_items(lines: &[&str], from: usize, to: usize) -> Vec<usize> {
    let dash = |line: &str| {
        let trimmed = line.trim_start_matches(' ');
        (trimmed == "-" || trimmed.starts_with("- ")).then(|| line.len() - trimmed.len())
    };
    let Some(indent) = (from..to).filter_map(|i| dash(lines[i])).min() else {
        return Vec::new();
    };
    (from..to)
        .filter(|&i| dash(lines[i]) == Some(indent))
        .collect()
}

fn keep(lines: &[&str], ranges: &[(usize, usize)]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if ranges.iter().any(|&(from, to)| (from..to).contains(&i)) {
                *line
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether an error concerns one value (so the other pieces still parse meaningfully), rather
/// than the document's syntax, after which nothing further can be trusted.
pub(super) fn is_value_error(error: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    matches!(
        error.without_snippet(),
        E::Message { .. }
            | E::SerdeInvalidType { .. }
            | E::SerdeInvalidValue { .. }
            | E::SerdeInvalidLength { .. }
            | E::SerdeUnknownVariant { .. }
            | E::SerdeUnknownField { .. }
            | E::SerdeMissingField { .. }
            | E::InvalidScalar { .. }
            | E::InvalidBooleanStrict { .. }
            | E::NullIntoString { .. }
            | E::DuplicateMappingKey { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment
accounts:
  - id: \"111111111111\"
    environment: production
  - id: \"222222222222\"
schedule:
  interval: 15m
";

    #[test]
    fn cuts_sections_and_list_items_keeping_line_numbers() {
        let pieces = pieces(TEXT);
        assert_eq!(pieces.len(), 3);
        let lines = TEXT.split('\n').count();
        assert!(pieces.iter().all(|p| p.split('\n').count() == lines));
        assert_eq!(
            pieces[0],
            "\naccounts:\n  - id: \"111111111111\"\n    environment: production\n\n\n\n"
        );
        assert_eq!(pieces[1], "\naccounts:\n\n\n  - id: \"222222222222\"\n\n\n");
        assert_eq!(pieces[2], "\n\n\n\n\nschedule:\n  interval: 15m\n");
    }

    #[test]
    fn items_may_start_at_column_zero() {
        let pieces = pieces("accounts:\n- id: a\n- id: b\n");
        assert_eq!(pieces, ["accounts:\n- id: a\n\n", "accounts:\n\n- id: b\n"]);
    }

    #[test]
    fn flow_style_is_not_cut() {
        assert!(pieces("{accounts: []}\n").is_empty());
        assert!(pieces("- a\n- b\n").is_empty());
        assert!(pieces("").is_empty());
    }
}
