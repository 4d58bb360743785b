checks! {
    secretsmanager_secret_encrypted_cmk,
}
