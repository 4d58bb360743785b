//! What one collection unit (one regional service) produces, and where it goes.
//!
//! The regional services are listed once, in `regional_parts!` below: each line names the
//! service, its field in `RegionInventory`, its collector and its inventory type. The enum and
//! its three matches (failed, collect, store) are generated from that list, so adding a
//! regional service is one line here.

use tomwatch_aws::AwsSession;
use tomwatch_model::inventory::{
    AutoScalingInventory, BackupInventory, CloudTrailInventory, CloudWatchInventory,
    CognitoInventory, CollectedErrors, Ec2Inventory, EcsInventory, ElastiCacheInventory,
    Elbv2Inventory, GuardDutyInventory, KmsInventory, LambdaInventory, RdsInventory,
};
use tomwatch_model::{CollectionError, RegionInventory, ServiceKind};

macro_rules! regional_parts {
    ($($service:ident => $field:ident, $collect:ident, $inventory:ty;)*) => {
        /// What one collection unit produced. Boxed: the inventories differ a lot in size (EC2
        /// and RDS hold several collections), and a part is moved between tasks.
        pub(super) enum Part {
            $($service(Box<$inventory>),)*
        }

        impl Part {
            /// A unit that produced nothing: every collection of the service carries `error`.
            pub(super) fn failed(service: ServiceKind, error: CollectionError) -> Part {
                match service {
                    $(ServiceKind::$service => Part::$service(Box::new(<$inventory>::failed(error))),)*
                    global => unreachable!("{global:?} is collected once per account, not per region"),
                }
            }

            /// Collects one regional service, and whether every value of it was collected.
            pub(super) async fn collect(
                session: &AwsSession,
                region: &str,
                service: ServiceKind,
            ) -> (Part, bool) {
                match service {
                    $(ServiceKind::$service => {
                        let collected = session.$collect(region).await;
                        let complete = collected.is_complete();
                        (Part::$service(Box::new(collected)), complete)
                    })*
                    global => unreachable!("{global:?} is collected once per account, not per region"),
                }
            }

            /// Puts the collection where it belongs in its region's inventory.
            pub(super) fn store_into(self, inventory: &mut RegionInventory) {
                match self {
                    $(Part::$service(collected) => inventory.$field = *collected,)*
                }
            }
        }
    };
}

regional_parts! {
    Ec2 => ec2, collect_ec2, Ec2Inventory;
    Rds => rds, collect_rds, RdsInventory;
    Kms => kms, collect_kms, KmsInventory;
    CloudTrail => cloudtrail, collect_cloudtrail, CloudTrailInventory;
    Elbv2 => elbv2, collect_elbv2, Elbv2Inventory;
    Cognito => cognito, collect_cognito, CognitoInventory;
    GuardDuty => guardduty, collect_guardduty, GuardDutyInventory;
    ElastiCache => elasticache, collect_elasticache, ElastiCacheInventory;
    AutoScaling => autoscaling, collect_autoscaling, AutoScalingInventory;
    Ecs => ecs, collect_ecs, EcsInventory;
    Lambda => lambda, collect_lambda, LambdaInventory;
    CloudWatch => cloudwatch, collect_cloudwatch, CloudWatchInventory;
    Backup => backup, collect_backup, BackupInventory;
}
