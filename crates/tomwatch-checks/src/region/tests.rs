//! Every row of the table on the same three estates (an EU and a non-EU resource, a region that
//! could not be listed, an account whose regions are unknown), then what only some kinds have.

use super::CHECKS;
use crate::check::Check;
use crate::testing::*;
use tomwatch_model::inventory::{
    EbsVolume, Ec2Instance, EcrRepository, EfsFileSystem, KmsKey, LambdaFunction, Secret, SnsTopic,
    SqsQueue, TableEncryption,
};
use tomwatch_model::{AccountInventory, Status};

/// How to put one resource of a row's kind into a region, and how its list fails there.
struct Estate {
    id: &'static str,
    plant: fn(&mut AccountInventory, &str),
    deny: fn(&mut AccountInventory, &str),
    /// The message's name for the resource `plant` puts in.
    label: &'static str,
}

fn instance(region: &str, id: &str) -> Ec2Instance {
    Ec2Instance {
        arn: format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/{id}"),
        instance_id: id.into(),
        state: "running".into(),
        tags: Default::default(),
    }
}

fn volume(region: &str) -> EbsVolume {
    EbsVolume {
        arn: format!("arn:aws:ec2:{region}:{ACCOUNT}:volume/vol-1"),
        volume_id: "vol-1".into(),
        encrypted: true,
        kms_key_id: None,
        tags: Default::default(),
    }
}

fn key(region: &str, manager: &str) -> KmsKey {
    kms_key(
        &format!("arn:aws:kms:{region}:{ACCOUNT}:key/k-{manager}"),
        manager,
    )
}

fn function(region: &str, name: &str) -> LambdaFunction {
    LambdaFunction {
        arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        name: name.into(),
        tags: Ok(Default::default()),
    }
}

fn file_system(region: &str) -> EfsFileSystem {
    EfsFileSystem {
        arn: format!("arn:aws:elasticfilesystem:{region}:{ACCOUNT}:file-system/fs-1"),
        file_system_id: "fs-1".into(),
        encrypted: true,
        kms_key_id: None,
        tags: Default::default(),
    }
}

/// Appends to a regional list, so that planting twice in one region keeps both.
macro_rules! push {
    ($account:expr, $region:expr, $($field:ident).+, $item:expr) => {
        region_mut($account, $region)
            .$($field).+
            .as_mut()
            .expect("fixture list is collected")
            .push($item)
    };
}

fn estates() -> Vec<Estate> {
    use crate::{autoscaling, cognito, dynamodb, ecs, eks, elasticache, elb, elbv2, s3};
    vec![
        Estate {
            id: "ec2_instance_allowed_region",
            plant: |a, r| push!(a, r, ec2.instances, instance(r, "i-1")),
            deny: |a, r| {
                region_mut(a, r).ec2.instances = Err(denied("ec2", "DescribeInstances", r))
            },
            label: "instance i-1",
        },
        Estate {
            id: "ec2_volume_allowed_region",
            plant: |a, r| push!(a, r, ec2.volumes, volume(r)),
            deny: |a, r| region_mut(a, r).ec2.volumes = Err(denied("ec2", "DescribeVolumes", r)),
            label: "volume vol-1",
        },
        Estate {
            id: "rds_instance_allowed_region",
            plant: |a, r| push!(a, r, rds.instances, rds_instance("orders", true, false)),
            deny: |a, r| {
                region_mut(a, r).rds.instances = Err(denied("rds", "DescribeDBInstances", r))
            },
            label: "database orders",
        },
        Estate {
            id: "rds_cluster_allowed_region",
            plant: |a, r| push!(a, r, rds.clusters, rds_cluster("aurora")),
            deny: |a, r| {
                region_mut(a, r).rds.clusters = Err(denied("rds", "DescribeDBClusters", r))
            },
            label: "cluster aurora",
        },
        Estate {
            id: "s3_bucket_allowed_region",
            plant: |a, r| {
                let bucket = s3::fixtures::bucket(&format!("data-{r}"), r, None);
                a.s3.buckets.as_mut().expect("collected").push(bucket)
            },
            deny: |a, _| a.s3.buckets = s3::fixtures::denied_for_bucket("ListBuckets"),
            label: "bucket data-",
        },
        Estate {
            id: "kms_key_allowed_region",
            plant: |a, r| push!(a, r, kms.keys, key(r, "CUSTOMER")),
            deny: |a, r| region_mut(a, r).kms.keys = Err(denied("kms", "ListKeys", r)),
            label: "key k-CUSTOMER",
        },
        Estate {
            id: "elbv2_load_balancer_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    elbv2.load_balancers,
                    elbv2::fixtures::alb("web", vec![])
                )
            },
            deny: |a, r| {
                region_mut(a, r).elbv2.load_balancers =
                    Err(denied("elbv2", "DescribeLoadBalancers", r))
            },
            label: "load balancer web",
        },
        Estate {
            id: "cognito_user_pool_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    cognito.user_pools,
                    cognito::fixtures::pool("users", "ON")
                )
            },
            deny: |a, r| {
                region_mut(a, r).cognito.user_pools = Err(denied("cognito-idp", "ListUserPools", r))
            },
            label: "user pool users",
        },
        Estate {
            id: "elasticache_cluster_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    elasticache.clusters,
                    elasticache::fixtures::cluster("c", &[])
                )
            },
            deny: |a, r| {
                region_mut(a, r).elasticache.clusters =
                    Err(denied("elasticache", "DescribeCacheClusters", r))
            },
            label: "cache cluster c",
        },
        Estate {
            id: "elasticache_serverless_cache_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    elasticache.serverless_caches,
                    elasticache::fixtures::serverless("carts")
                )
            },
            deny: |a, r| {
                region_mut(a, r).elasticache.serverless_caches =
                    Err(denied("elasticache", "DescribeServerlessCaches", r))
            },
            label: "serverless cache carts",
        },
        Estate {
            id: "autoscaling_group_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    autoscaling.groups,
                    autoscaling::fixtures::group("web")
                )
            },
            deny: |a, r| {
                region_mut(a, r).autoscaling.groups =
                    Err(denied("autoscaling", "DescribeAutoScalingGroups", r))
            },
            label: "Auto Scaling group web",
        },
        Estate {
            id: "ecs_cluster_allowed_region",
            plant: |a, r| push!(a, r, ecs.clusters, ecs::fixtures::cluster("shop", vec![])),
            deny: |a, r| region_mut(a, r).ecs.clusters = Err(denied("ecs", "ListClusters", r)),
            label: "ECS cluster shop",
        },
        Estate {
            id: "lambda_function_allowed_region",
            plant: |a, r| push!(a, r, lambda.functions, function(r, "exports")),
            deny: |a, r| {
                region_mut(a, r).lambda.functions = Err(denied("lambda", "ListFunctions", r))
            },
            label: "function exports",
        },
        Estate {
            id: "efs_file_system_allowed_region",
            plant: |a, r| push!(a, r, efs.file_systems, file_system(r)),
            deny: |a, r| {
                region_mut(a, r).efs.file_systems =
                    Err(denied("elasticfilesystem", "DescribeFileSystems", r))
            },
            label: "file system fs-1",
        },
        Estate {
            id: "dynamodb_table_allowed_region",
            plant: |a, r| {
                let table = dynamodb::fixtures::table(r, "orders", TableEncryption::AwsOwnedKey);
                push!(a, r, dynamodb.tables, table)
            },
            deny: |a, r| {
                region_mut(a, r).dynamodb.tables = Err(denied("dynamodb", "ListTables", r))
            },
            label: "table orders",
        },
        Estate {
            id: "eks_cluster_allowed_region",
            plant: |a, r| {
                push!(
                    a,
                    r,
                    eks.clusters,
                    eks::fixtures::cluster(r, "platform", None)
                )
            },
            deny: |a, r| region_mut(a, r).eks.clusters = Err(denied("eks", "ListClusters", r)),
            label: "EKS cluster platform",
        },
        Estate {
            id: "ecr_repository_allowed_region",
            plant: |a, r| {
                let repository = EcrRepository {
                    arn: format!("arn:aws:ecr:{r}:{ACCOUNT}:repository/api"),
                    name: "api".into(),
                };
                push!(a, r, ecr.repositories, repository)
            },
            deny: |a, r| {
                region_mut(a, r).ecr.repositories = Err(denied("ecr", "DescribeRepositories", r))
            },
            label: "repository api",
        },
        Estate {
            id: "sqs_queue_allowed_region",
            plant: |a, r| {
                let queue = SqsQueue {
                    arn: format!("arn:aws:sqs:{r}:{ACCOUNT}:jobs"),
                    url: format!("https://sqs.{r}.amazonaws.com/{ACCOUNT}/jobs"),
                    name: "jobs".into(),
                };
                push!(a, r, sqs.queues, queue)
            },
            deny: |a, r| region_mut(a, r).sqs.queues = Err(denied("sqs", "ListQueues", r)),
            label: "queue jobs",
        },
        Estate {
            id: "sns_topic_allowed_region",
            plant: |a, r| {
                let topic = SnsTopic {
                    arn: format!("arn:aws:sns:{r}:{ACCOUNT}:alerts"),
                    name: "alerts".into(),
                };
                push!(a, r, sns.topics, topic)
            },
            deny: |a, r| region_mut(a, r).sns.topics = Err(denied("sns", "ListTopics", r)),
            label: "topic alerts",
        },
        Estate {
            id: "secretsmanager_secret_allowed_region",
            plant: |a, r| {
                let secret = Secret {
                    arn: format!("arn:aws:secretsmanager:{r}:{ACCOUNT}:secret:db-AbCdEf"),
                    name: "db".into(),
                    kms_key_id: None,
                    owning_service: None,
                    tags: Default::default(),
                };
                push!(a, r, secretsmanager.secrets, secret)
            },
            deny: |a, r| {
                region_mut(a, r).secretsmanager.secrets =
                    Err(denied("secretsmanager", "ListSecrets", r))
            },
            label: "secret db",
        },
        Estate {
            id: "elb_load_balancer_allowed_region",
            plant: |a, r| {
                let lb = elb::fixtures::load_balancer("legacy", vec![], &[]);
                push!(a, r, elb.load_balancers, lb)
            },
            deny: |a, r| {
                region_mut(a, r).elb.load_balancers = Err(denied("elb", "DescribeLoadBalancers", r))
            },
            label: "classic load balancer legacy",
        },
    ]
}

fn check(id: &str) -> &'static Check {
    CHECKS
        .iter()
        .find(|c| c.meta.id == id)
        .unwrap_or_else(|| panic!("{id} is not a row of the region table"))
}

#[test]
fn every_row_has_an_estate_and_every_estate_a_row() {
    let rows: Vec<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
    let estates: Vec<&str> = estates().iter().map(|e| e.id).collect();
    assert_eq!(rows, estates);
}

#[test]
fn eu_resources_pass_and_resources_elsewhere_fail() {
    for estate in estates() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        (estate.plant)(&mut account, "eu-central-1");
        (estate.plant)(&mut account, "us-east-1");
        let findings = run(check(estate.id), &account);
        let placed: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.region.as_str(), f.status))
            .collect();
        assert_eq!(
            placed,
            vec![("eu-central-1", Status::Pass), ("us-east-1", Status::Fail)],
            "{}",
            estate.id
        );
        let fail = &findings[1];
        assert!(
            fail.message.starts_with(estate.label)
                && fail.message.contains(
                    "is in us-east-1, outside the allowed regions (eu-central-1, eu-west-1, "
                ),
            "{}: {}",
            estate.id,
            fail.message
        );
        assert_eq!(fail.resource_type, check(estate.id).meta.resource_type);
    }
}

/// "EU-Raum" is the European Union: London and Zurich are `eu-` by name only.
#[test]
fn london_and_zurich_are_outside_the_default_regions() {
    for estate in estates() {
        let mut account = account(&["eu-central-2", "eu-west-2"]);
        (estate.plant)(&mut account, "eu-central-2");
        (estate.plant)(&mut account, "eu-west-2");
        let statuses: Vec<Status> = run(check(estate.id), &account)
            .iter()
            .map(|f| f.status)
            .collect();
        assert_eq!(statuses, vec![Status::Fail, Status::Fail], "{}", estate.id);
    }
}

#[test]
fn a_scope_that_could_not_be_listed_is_unknown_and_named() {
    for estate in estates() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        (estate.plant)(&mut account, "eu-central-1");
        (estate.deny)(&mut account, "us-east-1");
        let findings = run(check(estate.id), &account);
        let unknown: Vec<_> = findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .collect();
        assert_eq!(unknown.len(), 1, "{}: {findings:#?}", estate.id);
        // S3 lists once per account; every other kind per region.
        let (region, scope) = match estate.id {
            "s3_bucket_allowed_region" => ("global", "eu-central-1"),
            _ => ("us-east-1", "us-east-1"),
        };
        assert_eq!(unknown[0].region, region, "{}", estate.id);
        assert!(
            unknown[0].resource_id.ends_with('*')
                && unknown[0].message.starts_with("could not be evaluated")
                && unknown[0]
                    .message
                    .ends_with(&format!("(access_denied) in {scope}")),
            "{}: {:?}",
            estate.id,
            unknown[0]
        );
    }
}

#[test]
fn an_account_whose_regions_are_unknown_is_unknown_not_empty() {
    for estate in estates()
        .iter()
        .filter(|e| e.id != "s3_bucket_allowed_region")
    {
        let mut account = account(&[]);
        account.regions = Err(denied("ec2", "DescribeRegions", "eu-central-1"));
        let (finding, status) = only(run(check(estate.id), &account));
        assert_eq!(status, Status::Unknown, "{}", estate.id);
        assert!(
            finding.resource_id.contains(&format!(":*:{ACCOUNT}:")),
            "{}: {}",
            estate.id,
            finding.resource_id
        );
    }
}

#[test]
fn the_wildcard_names_the_scope_that_could_not_be_seen() {
    let mut account = account(&["us-east-1"]);
    region_mut(&mut account, "us-east-1").ec2.instances =
        Err(denied("ec2", "DescribeInstances", "us-east-1"));
    let (finding, _) = only(run(check("ec2_instance_allowed_region"), &account));
    assert_eq!(
        finding.resource_id,
        format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*")
    );
    assert!(
        finding.message.contains("DescribeInstances"),
        "{}",
        finding.message
    );

    account.regions = Err(denied("ec2", "DescribeRegions", "eu-central-1"));
    let (finding, _) = only(run(check("ec2_instance_allowed_region"), &account));
    assert_eq!(
        finding.resource_id,
        format!("arn:aws:ec2:*:{ACCOUNT}:instance/*")
    );
}

#[test]
fn keys_aws_manages_are_not_workloads_and_undescribable_keys_are_unknown() {
    let kms = check("kms_key_allowed_region");
    let mut account = account(&["eu-central-1", "us-east-1"]);
    region_mut(&mut account, "eu-central-1").kms.keys = Ok(vec![key("eu-central-1", "CUSTOMER")]);
    region_mut(&mut account, "us-east-1").kms.keys =
        Ok(vec![key("us-east-1", "CUSTOMER"), key("us-east-1", "AWS")]);
    let statuses: Vec<Status> = run(kms, &account).iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        vec![Status::Pass, Status::Fail, Status::NotApplicable]
    );

    let mut account = crate::testing::account(&["us-east-1"]);
    let mut k = key("us-east-1", "CUSTOMER");
    k.details = Err(denied("kms", "DescribeKey", "us-east-1"));
    region_mut(&mut account, "us-east-1").kms.keys = Ok(vec![k]);
    assert_eq!(only(run(kms, &account)).1, Status::Unknown);
}

#[test]
fn a_bucket_is_judged_by_its_location_not_the_scanned_region() {
    let s3 = check("s3_bucket_allowed_region");
    let mut account = account(&["eu-central-1"]);
    account.s3.buckets = Ok(vec![
        crate::s3::fixtures::bucket("eu-data", "eu-central-1", None),
        crate::s3::fixtures::bucket("us-data", "us-east-1", None),
    ]);
    let findings = run(s3, &account);
    assert_eq!(
        findings.iter().map(|f| f.status).collect::<Vec<_>>(),
        vec![Status::Pass, Status::Fail]
    );
    assert_eq!(findings[1].region, "us-east-1");

    let mut mystery = crate::s3::fixtures::bucket("mystery", "eu-central-1", None);
    mystery.region = crate::s3::fixtures::denied_for_bucket("GetBucketLocation");
    account.s3.buckets = Ok(vec![mystery]);
    let (finding, status) = only(run(s3, &account));
    assert_eq!(
        (status, finding.region.as_str()),
        (Status::Unknown, "global")
    );

    account.s3.buckets = crate::s3::fixtures::denied_for_bucket("ListBuckets");
    assert_eq!(only(run(s3, &account)).0.resource_id, "arn:aws:s3:::*");
}
