pub mod rds_instance_allowed_region;
pub mod rds_instance_not_public;
pub mod rds_instance_storage_encrypted;
