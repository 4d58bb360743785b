use crate::check::{EvalContext, Evidence};
use crate::encryption_key::required_key;
use crate::kinds::EKS_CLUSTER;
use crate::verdict::Verdict;

check! {
    title: "EKS clusters envelope-encrypt Kubernetes secrets with a KMS key",
    resource_type: "AWS::EKS::Cluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &EKS_CLUSTER, |region, cluster| {
            let subject = format!("EKS cluster {}", cluster.name);
            let verdict = match &cluster.details {
                Err(error) => Verdict::not_collected(error),
                // Without a key of the account's, EKS's default envelope encryption uses a key
                // AWS owns: KMS in the account neither shows it nor logs its use.
                Ok(details) => match details.secrets_key_arn.as_deref() {
                    None => Verdict::fail(format!(
                        "{subject} envelope-encrypts its Kubernetes secrets only with EKS's AWS \
                         owned key; associate a KMS key (encryptionConfig)"
                    )),
                    Some(key) => match required_key(ctx, &subject, region, Some(key), "") {
                        Ok(key) => Verdict::pass(format!(
                            "{subject} envelope-encrypts its Kubernetes secrets with {key}"
                        )),
                        Err(verdict) => verdict,
                    },
                },
            };
            (cluster.arn.clone(), verdict)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eks::fixtures::cluster;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn a_cluster_with_a_kms_key_passes_and_one_without_fails() {
        let key = "arn:aws:kms:eu-central-1:111111111111:key/eks";
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").eks.clusters = Ok(vec![
            cluster("eu-central-1", "platform", Some(key)),
            cluster("eu-central-1", "sandbox", None),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Fail]);
        assert!(findings[0].message.ends_with(key), "{}", findings[0].message);
        assert!(findings[1].message.contains("AWS owned key"), "{}", findings[1].message);
    }

    #[test]
    fn a_key_in_a_region_outside_the_allowed_ones_fails() {
        let key = "arn:aws:kms:us-east-1:111111111111:key/eks";
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").eks.clusters =
            Ok(vec![cluster("eu-central-1", "platform", Some(key))]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(finding.message.contains("outside the allowed regions"), "{}", finding.message);
    }

    #[test]
    fn a_cluster_that_could_not_be_described_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut undescribed = cluster("eu-central-1", "platform", None);
        undescribed.details = Err(denied("eks", "DescribeCluster", "eu-central-1"));
        region_mut(&mut account, "eu-central-1").eks.clusters = Ok(vec![undescribed]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(finding.message.contains("DescribeCluster"), "{}", finding.message);
    }
}
