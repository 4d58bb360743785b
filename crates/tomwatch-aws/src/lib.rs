//! The only crate that talks to AWS.
//!
//! It builds SDK clients, assumes roles, calls the APIs and turns responses into
//! `tomwatch-model` types. Every failed call becomes a scoped [`CollectionError`] with a
//! classified [`ErrorKind`]; nothing here decides PASS or FAIL.
//!
//! [`CollectionError`]: tomwatch_model::CollectionError
//! [`ErrorKind`]: tomwatch_model::ErrorKind

mod attempts;
mod autoscaling;
mod availability;
mod backup;
mod caller;
mod classify;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod dynamodb;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elb;
mod elbv2;
mod event_queue;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod organizations;
pub mod permissions;
mod rds;
mod s3;
mod secretsmanager;
mod securityhub;
mod session;
mod sns;
mod sqs;
mod tags;
#[cfg(test)]
mod testing;

pub use classify::classify;
pub use event_queue::{queue_region, EventQueue, QueueMessage};
pub use securityhub::{batches as security_hub_batches, ImportOutcome};
pub use session::{
    partition_of, AccountTarget, AwsConnector, AwsSession, ConnectError, ConnectorOptions,
    GlobalCollection, Identity, RegionStatus, RegionalCollection,
};
