checks! {
    dynamodb_table_encrypted_kms,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{DynamoDbTable, TableEncryption};

    pub fn table(region: &str, name: &str, encryption: TableEncryption) -> DynamoDbTable {
        DynamoDbTable {
            arn: format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"),
            name: name.into(),
            encryption: Ok(encryption),
            tags: Ok(Default::default()),
        }
    }
}
