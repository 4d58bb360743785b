//! The TOM controls: the promises of the TOM document that checks provide evidence for.

/// A control of the TOM baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
}

pub const ALL: &[Control] = &[
    Control {
        id: "TOM-REGION",
        title: "Infrastructure only in EU regions",
    },
    Control {
        id: "TOM-ENC-REST",
        title: "Encryption at rest with KMS",
    },
    Control {
        id: "TOM-NET",
        title: "Network isolation and least-privilege security groups",
    },
    Control {
        id: "TOM-AVAIL",
        title: "Multi-AZ, clustered and monitored critical components",
    },
    Control {
        id: "TOM-LOG",
        title: "Audit trail of user activity and system events",
    },
    Control {
        id: "TOM-BACKUP",
        title: "At least daily automated, encrypted backups",
    },
];

pub fn find(id: &str) -> Option<&'static Control> {
    ALL.iter().find(|c| c.id == id)
}
