checks! {
    account_environment_declared,
}
