pub mod kms_key_rotation_enabled;
