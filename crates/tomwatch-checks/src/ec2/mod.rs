pub mod ec2_ebs_encryption_by_default;
pub mod ec2_instance_allowed_region;
pub mod ec2_security_group_world_ingress_web_only;
pub mod ec2_volume_allowed_region;
pub mod ec2_volume_encrypted;
