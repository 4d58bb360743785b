//! What one collection unit (one service in one region, or one global service in the account)
//! produces, and where it goes.
//!
//! Generated from the model's one list of services (`tomwatch_model::with_services!`): the enums
//! and their functions (failed, collect, store) have an arm per service, so a service without a
//! collector or a field is a compile error, and no global service can reach a regional unit.

use tomwatch_aws::{AwsSession, GlobalCollection, RegionalCollection};
use tomwatch_model::inventory::CollectedErrors;
use tomwatch_model::{
    AccountInventory, CollectionError, RegionInventory, RegionalService, ServiceKind,
};

macro_rules! parts {
    (
        regional { $($service:ident => $field:ident: $inventory:ty, $name:literal;)* }
        global { $($global:ident => $global_field:ident: $global_inventory:ty, $global_name:literal;)* }
    ) => {
        /// What one regional collection unit produced. Boxed: the inventories differ a lot in
        /// size (EC2 and RDS hold several collections), and a part is moved between tasks.
        pub(super) enum Part {
            $($service(Box<$inventory>),)*
        }

        impl Part {
            /// A unit that produced nothing: every collection of the service carries `error`.
            pub(super) fn failed(service: RegionalService, error: CollectionError) -> Part {
                match service {
                    $(RegionalService::$service => Part::$service(Box::new(<$inventory>::failed(error))),)*
                }
            }

            /// Collects one regional service, and whether every value of it was collected.
            pub(super) async fn collect(
                session: &AwsSession,
                region: &str,
                service: RegionalService,
            ) -> (Part, bool) {
                match service {
                    $(RegionalService::$service => {
                        let collected = <$inventory as RegionalCollection>::collect(session, region).await;
                        let complete = collected.is_complete();
                        (Part::$service(Box::new(collected)), complete)
                    })*
                }
            }

            /// Puts the collection where it belongs in its region's inventory.
            pub(super) fn store_into(self, inventory: &mut RegionInventory) {
                match self {
                    $(Part::$service(collected) => inventory.$field = *collected,)*
                }
            }
        }

        /// What one account-wide collection unit produced.
        pub(super) enum GlobalPart {
            $($global(Box<$global_inventory>),)*
        }

        impl GlobalPart {
            pub(super) fn store_into(self, inventory: &mut AccountInventory) {
                match self {
                    $(GlobalPart::$global(collected) => inventory.$global_field = *collected,)*
                }
            }
        }

        /// A collection of any one service: what a rescan of a single service produces.
        pub(super) enum ServicePart {
            Regional(Part),
            Global(GlobalPart),
        }

        impl ServicePart {
            /// `service` in `region` (ignored for a global service), and whether every value
            /// of it was collected.
            pub(super) async fn collect(
                session: &AwsSession,
                region: &str,
                service: ServiceKind,
            ) -> (ServicePart, bool) {
                match service {
                    $(ServiceKind::$service => {
                        let (part, complete) = Part::collect(session, region, RegionalService::$service).await;
                        (ServicePart::Regional(part), complete)
                    })*
                    $(ServiceKind::$global => {
                        let collected = <$global_inventory as GlobalCollection>::collect(session).await;
                        let complete = collected.is_complete();
                        (ServicePart::Global(GlobalPart::$global(Box::new(collected))), complete)
                    })*
                }
            }

            /// A unit of `service` that produced nothing.
            pub(super) fn failed(service: ServiceKind, error: CollectionError) -> ServicePart {
                match service {
                    $(ServiceKind::$service => ServicePart::Regional(Part::failed(RegionalService::$service, error)),)*
                    $(ServiceKind::$global => ServicePart::Global(GlobalPart::$global(Box::new(<$global_inventory>::failed(error)))),)*
                }
            }
        }
    };
}

tomwatch_model::with_services!(parts);
