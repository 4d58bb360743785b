checks! {
    organizations_account_member,
}
