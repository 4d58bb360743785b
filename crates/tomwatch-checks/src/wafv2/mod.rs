checks! {
    wafv2_web_acl_required_rules,
}
pub(crate) mod protection;
