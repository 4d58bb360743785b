//! What one collection unit (one regional service) produces, and where it goes.
//!
//! Generated from the model's one list of services (`tomwatch_model::with_services!`): the enum
//! and its three functions (failed, collect, store) have an arm per regional service, matched on
//! `RegionalService`, so a service without a collector or a field is a compile error, and no
//! global service can reach a regional unit.

use tomwatch_aws::{AwsSession, RegionalCollection};
use tomwatch_model::inventory::CollectedErrors;
use tomwatch_model::{CollectionError, RegionInventory, RegionalService};

macro_rules! regional_parts {
    (
        regional { $($service:ident => $field:ident: $inventory:ty, $name:literal;)* }
        global { $($global:tt)* }
    ) => {
        /// What one collection unit produced. Boxed: the inventories differ a lot in size (EC2
        /// and RDS hold several collections), and a part is moved between tasks.
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
    };
}

tomwatch_model::with_services!(regional_parts);
