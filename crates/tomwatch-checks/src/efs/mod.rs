checks! {
    efs_file_system_encrypted,
}
