pub mod kms_key_allowed_region;
pub mod kms_key_rotation_enabled;
