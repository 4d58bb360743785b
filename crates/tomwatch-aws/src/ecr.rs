use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_ecr::Client;
use tomwatch_model::inventory::{EcrInventory, EcrRepository};
use tomwatch_model::Collected;

const OP: &str = "DescribeRepositories";

impl RegionalCollection for EcrInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "ecr", aws_sdk_ecr);
        collect(&client, &session.caller(region, "ecr")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> EcrInventory {
    let repositories = async {
        let pages = all_pages!(caller, OP, client.describe_repositories()).await?;
        pages
            .iter()
            .flat_map(|page| page.repositories())
            .map(|repository| {
                Ok(EcrRepository {
                    arn: repository
                        .repository_arn()
                        .ok_or_else(|| caller.missing(OP, "repositoryArn"))?
                        .to_string(),
                    name: repository
                        .repository_name()
                        .ok_or_else(|| caller.missing(OP, "repositoryName"))?
                        .to_string(),
                })
            })
            .collect::<Collected<Vec<_>>>()
    };
    EcrInventory {
        repositories: repositories.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_ecr::operation::describe_repositories::{
        DescribeRepositoriesError, DescribeRepositoriesOutput,
    };
    use aws_sdk_ecr::types::Repository;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn repository(name: &str) -> Repository {
        Repository::builder()
            .repository_name(name)
            .repository_arn(format!(
                "arn:aws:ecr:eu-central-1:111111111111:repository/{name}"
            ))
            .registry_id("111111111111")
            .build()
    }

    #[tokio::test]
    async fn every_page_of_repositories_is_read_and_a_denied_listing_is_the_error() {
        let pages = mock!(Client::describe_repositories)
            .sequence()
            .output(|| {
                DescribeRepositoriesOutput::builder()
                    .repositories(repository("api"))
                    .next_token("n")
                    .build()
            })
            .output(|| {
                DescribeRepositoriesOutput::builder()
                    .repositories(repository("worker"))
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_ecr, pages);
        let listed = collect(&client, &caller("eu-central-1", "ecr"))
            .await
            .repositories
            .expect("listed");
        let names: Vec<&str> = listed.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["api", "worker"]);
        assert_eq!(
            listed[1].arn,
            "arn:aws:ecr:eu-central-1:111111111111:repository/worker"
        );

        let denied = mock!(Client::describe_repositories)
            .then_error(|| DescribeRepositoriesError::generic(aws_error("AccessDeniedException")));
        let client = mocked_client!(aws_sdk_ecr, denied);
        let error = collect(&client, &caller("eu-central-1", "ecr"))
            .await
            .repositories
            .expect_err("denied");
        assert_eq!((error.kind, error.operation), (ErrorKind::AccessDenied, OP));
    }

    #[tokio::test]
    async fn a_repository_without_its_arn_is_an_error_not_a_guess() {
        let incomplete = mock!(Client::describe_repositories).then_output(|| {
            DescribeRepositoriesOutput::builder()
                .repositories(Repository::builder().repository_name("api").build())
                .build()
        });
        let client = mocked_client!(aws_sdk_ecr, incomplete);
        let error = collect(&client, &caller("eu-central-1", "ecr"))
            .await
            .repositories
            .expect_err("no ARN");
        assert!(error.message.contains("repositoryArn"), "{}", error.message);
    }
}
