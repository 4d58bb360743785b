//! `tomwatch iam-policy`: the least-privilege policy, optionally with the event queue's actions.

use crate::cli::IamPolicyArgs;
use crate::exit;
use tomwatch_engine::config;

pub fn run(args: IamPolicyArgs) -> u8 {
    if let Some(arn) = &args.event_queue_arn {
        if !is_queue_arn(arn) {
            eprintln!(
                "error: --event-queue-arn `{arn}` is not an SQS queue ARN \
                 (arn:aws:sqs:<region>:<account>:<queue name>, the QueueArn attribute of the queue)"
            );
            return exit::USAGE;
        }
    }
    println!(
        "{}",
        tomwatch_aws::permissions::policy_document_for(tomwatch_aws::permissions::PolicyExtras {
            event_queue_arn: args.event_queue_arn.as_deref(),
            security_hub_export: args.security_hub_export,
        })
    );
    exit::COMPLIANT
}

/// `arn:<partition>:sqs:<region>:<12 digits>:<name>`, as SQS names its queues.
fn is_queue_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.split(':').collect();
    let [word, partition, service, region, account, name] = parts[..] else {
        return false;
    };
    word == "arn"
        && partition.starts_with("aws")
        && service == "sqs"
        && config::is_region_name(region)
        && config::is_account_id(account)
        && config::is_queue_name(name)
}

#[cfg(test)]
mod tests {
    use super::is_queue_arn;

    #[test]
    fn queue_arns_are_recognised_and_other_arns_refused() {
        assert!(is_queue_arn(
            "arn:aws:sqs:eu-central-1:111111111111:tomwatch-events"
        ));
        assert!(is_queue_arn("arn:aws:sqs:eu-central-1:111111111111:q.fifo"));
        for bad in [
            "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events",
            "arn:aws:sns:eu-central-1:111111111111:topic",
            "arn:aws:sqs:eu-central-1:11111111111:q",
            "arn:aws:sqs:eu-central-1:111111111111:*",
            "arn:aws:sqs:*:111111111111:q",
        ] {
            assert!(!is_queue_arn(bad), "{bad}");
        }
    }
}
