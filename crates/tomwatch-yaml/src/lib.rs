//! YAML errors as a user should read them: located once, and for a value of the wrong type,
//! naming the key, the type it needs and an example, instead of serde's bare "invalid i32".
//!
//! Its own crate, below every reader of YAML: the baseline (tomwatch-checks), the config
//! (tomwatch-engine) and the web config (tomwatch-exporter).

use std::fmt;

/// A problem in a YAML document, where the user has to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based; `None` when the parser could not say where.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{line}:{column}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A located error for a YAML file that did not parse into its type. `text` is the file's
/// content, from which the key at the error's location is read.
pub fn syntax_error(error: &serde_saphyr::Error, text: &str) -> YamlError {
    let location = error.location();
    let message = error.to_string();
    let first_line = strip_location_prefix(message.lines().next().unwrap_or("invalid YAML"));
    let line = location.as_ref().map(|l| l.line() as u32);
    let column = location.as_ref().map(|l| l.column() as u32);
    let message = match (expected_type(first_line), line, column) {
        (Some((kind, example)), Some(line), Some(column)) => {
            match key_and_value_at(text, line as usize, column as usize) {
                Some((key, value)) => {
                    format!(
                        "`{key}` must be {kind} (e.g. `{key_leaf}: {example}`), not `{value}`",
                        key_leaf = leaf(&key)
                    )
                }
                None => format!("{first_line}: expected {kind}, e.g. {example}"),
            }
        }
        _ => first_line.to_string(),
    };
    YamlError {
        line,
        column,
        message,
    }
}

/// serde-saphyr prefixes `error: line L column C: `; we print the location ourselves, once.
fn strip_location_prefix(message: &str) -> &str {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    match message
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, rest)) if position.contains(" column ") => rest,
        _ => message,
    }
}

/// What serde's type errors ask for, in words, with an example value.
fn expected_type(message: &str) -> Option<(&'static str, &'static str)> {
    let number = |name: &str| message == format!("invalid {name}");
    if ["u8", "u16", "u32", "u64", "usize"]
        .iter()
        .any(|n| number(n))
    {
        Some(("a whole number, 0 or more", "32"))
    } else if ["i8", "i16", "i32", "i64", "isize"]
        .iter()
        .any(|n| number(n))
    {
        Some(("a whole number", "2"))
    } else if message == "invalid floating point" {
        Some(("a number", "0.1"))
    } else if message == "invalid bool" || message.starts_with("invalid boolean") {
        Some(("true or false", "true"))
    } else if message == "expected string scalar" {
        Some(("a single text value", "production"))
    } else {
        None
    }
}

fn leaf(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// The dotted key of the block mapping entry whose value starts at `line`:`column` (1-based),
/// and that value's text. Parent keys are the nearest lines above with less indentation.
/// `None` where the layout is not plain block style (flow mappings, multi-line values).
fn key_and_value_at(text: &str, line: usize, column: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let value = here.get(column.checked_sub(1)?..)?.trim();
    let value = value.split(" #").next().unwrap_or(value).trim();
    let entry = here.get(..column.checked_sub(1)?)?;
    let (key, indent) = mapping_key(entry)?;
    let mut path = vec![key];
    let mut limit = indent;
    for above in lines[..line - 1].iter().rev() {
        if above.trim().is_empty() || above.trim_start().starts_with('#') {
            continue;
        }
        let indent_above = above.len() - above.trim_start().len();
        if indent_above < limit {
            match mapping_key(above) {
                // `- sibling: ...` opens the list item our key belongs to: look above the dash.
                Some((_, key_indent)) if key_indent == limit => limit = indent_above,
                Some((parent, parent_indent)) => {
                    path.push(parent);
                    limit = parent_indent;
                }
                None if above.trim_start().starts_with("- ") => limit = indent_above,
                None => {}
            }
            if limit == 0 {
                break;
            }
        }
    }
    path.reverse();
    Some((path.join("."), value.to_string()))
}

/// `  name: ` or `  - name: ` → (`name`, the column where `name` starts, 0-based).
fn mapping_key(line: &str) -> Option<(String, usize)> {
    let (head, _) = line.split_once(':')?;
    let indent = head.len() - head.trim_start().len();
    let name = head.trim_start();
    let (name, indent) = match name.strip_prefix("- ") {
        Some(rest) => (rest.trim_start(), indent + 2),
        None => (name, indent),
    };
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    plain.then(|| (name.to_string(), indent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_the_block_layout() {
        let text = "scan:\n  # how many\n  concurrency: many  # a comment\nbaseline:\n  parameters:\n    min_redundancy: two\n";
        assert_eq!(
            key_and_value_at(text, 3, 16),
            Some(("scan.concurrency".into(), "many".into()))
        );
        assert_eq!(
            key_and_value_at(text, 6, 21),
            Some(("baseline.parameters.min_redundancy".into(), "two".into()))
        );
        let list = "accounts:\n  - id: \"1\"\n    environment: [a, b]\n";
        assert_eq!(
            key_and_value_at(list, 3, 18),
            Some(("accounts.environment".into(), "[a, b]".into()))
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_key_the_type_and_an_example() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)] // only the error matters here
        struct Scan {
            concurrency: usize,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct File {
            scan: Scan,
        }
        let text = "scan:\n  concurrency: many\n";
        let error = serde_saphyr::from_str::<File>(text).expect_err("not a number");
        let located = syntax_error(&error, text);
        assert_eq!(
            located.message,
            "`scan.concurrency` must be a whole number, 0 or more (e.g. `concurrency: 32`), not `many`"
        );
        assert_eq!((located.line, located.column), (Some(2), Some(16)));
    }
}
