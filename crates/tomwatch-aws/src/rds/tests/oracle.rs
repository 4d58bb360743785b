use super::*;
use aws_sdk_rds::operation::describe_option_groups::DescribeOptionGroupsOutput;
use aws_sdk_rds::types::{Option as DbOption, OptionGroup, OptionGroupMembership, OptionSetting};

fn oracle(id: &str, options: Option<&str>) -> DbInstance {
    let mut db = instance(id, "oracle-params");
    db.engine = Some("oracle-ee".into());
    db.engine_version = Some("19.0.0.0.ru-2024-10.rur-2024-10.r1".into());
    db.option_group_memberships = options.map(|name| {
        vec![OptionGroupMembership::builder()
            .option_group_name(name)
            .status("in-sync")
            .build()]
    });
    db
}

#[tokio::test]
async fn oracle_instances_get_the_ssl_option_of_their_option_group_and_no_one_else_asks() {
    let options = mock!(Client::describe_option_groups)
        .match_requests(|r| r.option_group_name() == Some("ledger-options"))
        .then_output(|| {
            DescribeOptionGroupsOutput::builder()
                .option_groups_list(
                    OptionGroup::builder()
                        .option_group_name("ledger-options")
                        .engine_name("oracle-ee")
                        .options(
                            DbOption::builder()
                                .option_name("SSL")
                                .port(2484)
                                .option_settings(
                                    OptionSetting::builder()
                                        .name("SQLNET.SSL_VERSION")
                                        .value("1.2")
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let [clusters, cluster_snapshots, snapshots] = no_clusters_or_snapshots();
    let client = mocked_client!(
        aws_sdk_rds,
        mock!(Client::describe_db_instances).then_output(|| {
            DescribeDbInstancesOutput::builder()
                .db_instances(oracle("ledger", Some("ledger-options")))
                .db_instances(oracle("archive", None))
                .db_instances(instance("orders", "oracle-params"))
                .build()
        }),
        options,
        mock!(Client::describe_db_parameters)
            .then_output(|| DescribeDbParametersOutput::builder().build()),
        clusters,
        cluster_snapshots,
        snapshots,
    );
    let instances = collect(&client, &caller("eu-central-1", "rds"))
        .await
        .instances
        .expect("listed");
    assert_eq!(
        instances[0].oracle_ssl,
        Some(Ok(Some(tomwatch_model::inventory::OracleSslOption {
            option_group: "ledger-options".into(),
            port: Some(2484),
            ssl_version: Some("1.2".into()),
        })))
    );
    let unlinked = instances[1].oracle_ssl.clone().expect("an Oracle instance");
    assert!(
        unlinked.is_err_and(|e| e.message.contains("OptionGroupMemberships")),
        "an Oracle instance without its option group is unseen, not without SSL"
    );
    assert_eq!(
        instances[2].oracle_ssl, None,
        "PostgreSQL has no SSL option to read"
    );
    assert_eq!(options.num_calls(), 1);
}
