use tomwatch_model::inventory::Tags;

/// Tags as key to value, from the (key, value) pairs of any SDK's tag type. AWS always sends a
/// key; a tag without a value is an empty string, as in the console.
pub(crate) fn tag_map<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Tags {
    pairs
        .into_iter()
        // default: a tag may have an empty value
        .filter_map(|(key, value)| Some((key?.to_string(), value.unwrap_or_default().to_string())))
        .collect()
}
