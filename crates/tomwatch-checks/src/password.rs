//! What IAM's and Cognito's password policies share.

/// "does not require uppercase, symbols": the character classes a password policy leaves out,
/// or `None` when it requires all four.
pub(crate) fn character_class_gap(
    uppercase: bool,
    lowercase: bool,
    numbers: bool,
    symbols: bool,
) -> Option<String> {
    let missing: Vec<&str> = [
        (uppercase, "uppercase"),
        (lowercase, "lowercase"),
        (numbers, "numbers"),
        (symbols, "symbols"),
    ]
    .iter()
    .filter(|(required, _)| !required)
    .map(|(_, name)| *name)
    .collect();
    (!missing.is_empty()).then(|| format!("does not require {}", missing.join(", ")))
}
