use crate::check::{EvalContext, Evidence};
use crate::encryption_key::required_key;
use crate::kinds::DYNAMODB_TABLE;
use crate::verdict::Verdict;
use tomwatch_model::inventory::TableEncryption;

check! {
    title: "DynamoDB tables are encrypted at rest with a KMS key",
    resource_type: "AWS::DynamoDB::Table",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &DYNAMODB_TABLE, |region, table| {
            let subject = format!("table {}", table.name);
            let verdict = match &table.encryption {
                Err(error) => Verdict::not_collected(error),
                // DynamoDB always encrypts, by default under a key it owns: KMS in the account
                // neither shows that key nor logs its use, so it is not "KMS".
                Ok(TableEncryption::AwsOwnedKey) => Verdict::fail(format!(
                    "{subject} is encrypted only with DynamoDB's AWS owned key, which the \
                     account's KMS neither shows nor logs; choose aws/dynamodb or a \
                     customer-managed key"
                )),
                Ok(TableEncryption::Changing { status }) => Verdict::undecidable(format!(
                    "{subject}'s encryption is {status}: the key in force is changing"
                )),
                Ok(TableEncryption::Kms { key_arn }) => {
                    match required_key(ctx, &subject, region, key_arn.as_deref(), "aws/dynamodb")
                    {
                        Ok(key) => Verdict::pass(format!("{subject} is encrypted with {key}")),
                        Err(verdict) => verdict,
                    }
                }
            };
            (table.arn.clone(), verdict)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamodb::fixtures::table;
    use crate::params::{KmsKeyRequirement, Parameters};
    use crate::testing::*;
    use tomwatch_model::Status;

    const KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/orders";

    fn estate() -> tomwatch_model::AccountInventory {
        let mut account = account(&["eu-central-1"]);
        let kms = |key: Option<&str>| TableEncryption::Kms {
            key_arn: key.map(str::to_string),
        };
        region_mut(&mut account, "eu-central-1").dynamodb.tables = Ok(vec![
            table("eu-central-1", "orders", kms(Some(KEY))),
            table("eu-central-1", "carts", kms(None)),
            table("eu-central-1", "sessions", TableEncryption::AwsOwnedKey),
            table(
                "eu-central-1",
                "rekeying",
                TableEncryption::Changing {
                    status: "UPDATING".into(),
                },
            ),
        ]);
        account
    }

    #[test]
    fn a_kms_key_passes_dynamodbs_own_key_fails_and_a_changing_key_is_unknown() {
        let findings = run(&CHECK, &estate());
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [Status::Pass, Status::Pass, Status::Fail, Status::Unknown]
        );
        assert_eq!(findings[0].message, format!("table orders is encrypted with {KEY}"));
        assert!(findings[1].message.contains("aws/dynamodb"), "{}", findings[1].message);
        assert!(findings[2].message.contains("AWS owned key"), "{}", findings[2].message);
        assert!(findings[3].message.contains("UPDATING"), "{}", findings[3].message);
    }

    #[test]
    fn customer_managed_keys_only_fails_the_aws_managed_default() {
        let params = Parameters {
            at_rest_kms_keys: KmsKeyRequirement::CustomerManaged,
            ..Parameters::default()
        };
        let account = estate();
        let statuses: Vec<Status> = run_with(&CHECK, &account, &params)
            .iter()
            .map(|f| f.status)
            .collect();
        // The named key is not among the (empty) ListKeys, so who manages it is unseen.
        assert_eq!(
            statuses,
            [Status::Unknown, Status::Fail, Status::Fail, Status::Unknown]
        );
    }

    #[test]
    fn a_table_whose_description_failed_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut described = table("eu-central-1", "orders", TableEncryption::AwsOwnedKey);
        described.encryption = Err(denied("dynamodb", "DescribeTable", "eu-central-1"));
        region_mut(&mut account, "eu-central-1").dynamodb.tables = Ok(vec![described]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(finding.message.contains("DescribeTable"), "{}", finding.message);
    }
}
