//! Calls whose whole effect is on one resource that the request names: settled by describing
//! that resource again instead of recollecting its service in the region. Declared as a table
//! (the call, the kind of resource, where its ID is in the request's `requestParameters`) so a
//! new entry is one line plus the collector's single-resource describe.

use crate::ServiceKind;

/// A kind of resource that its collector can describe alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// An EC2 security group, by group ID.
    SecurityGroup,
}

impl ResourceKind {
    /// The service whose inventory holds resources of this kind.
    pub fn service(self) -> ServiceKind {
        match self {
            ResourceKind::SecurityGroup => ServiceKind::Ec2,
        }
    }
}

/// Calls of one event source that change only the resource at `id_path`.
#[derive(Debug)]
pub struct ResourceEvents {
    pub event_source: &'static str,
    pub names: &'static [&'static str],
    pub resource: ResourceKind,
    /// Keys leading to the ID within the event's `requestParameters`.
    pub id_path: &'static [&'static str],
}

/// Only calls that cannot change any other resource: a security group's rules change that
/// group alone. Creating or deleting a group also changes who references it, so those stay
/// service-wide; so do calls that can name the group by name instead of ID (the ID is then
/// absent and the service is rescanned).
pub static RESOURCE_EVENTS: &[ResourceEvents] = &[ResourceEvents {
    event_source: "ec2.amazonaws.com",
    names: &[
        "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupEgress",
    ],
    resource: ResourceKind::SecurityGroup,
    id_path: &["groupId"],
}];

/// The single-resource entry for a call, if its effect is confined to one resource.
pub fn resource_changed_by(
    event_source: &str,
    event_name: &str,
) -> Option<&'static ResourceEvents> {
    RESOURCE_EVENTS
        .iter()
        .find(|e| e.event_source == event_source && e.names.contains(&event_name))
}

#[cfg(test)]
mod tests {
    use super::super::CHANGE_EVENTS;
    use super::*;

    /// A request without the ID (or a describe that fails) still has the service to rescan.
    #[test]
    fn single_resource_calls_fall_back_on_their_service() {
        for entry in RESOURCE_EVENTS {
            for name in entry.names {
                assert!(
                    CHANGE_EVENTS
                        .iter()
                        .any(|e| e.event_source == entry.event_source
                            && e.names.contains(name)
                            && e.services.contains(&entry.resource.service())),
                    "{name} has no service-wide change event to fall back on"
                );
            }
        }
        let rules = resource_changed_by("ec2.amazonaws.com", "RevokeSecurityGroupIngress")
            .expect("a rule change is one group's");
        assert_eq!(rules.resource, ResourceKind::SecurityGroup);
        assert!(resource_changed_by("ec2.amazonaws.com", "DeleteSecurityGroup").is_none());
    }
}
