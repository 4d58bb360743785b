use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_lambda::Client;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{LambdaFunction, LambdaInventory, Tags};
use tomwatch_model::Collected;

/// ListTags calls in flight at once within one region.
const TAG_CONCURRENCY: usize = 8;

impl RegionalCollection for LambdaInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "lambda", aws_sdk_lambda);
        collect(&client, &session.caller(region, "lambda")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> LambdaInventory {
    const OP: &str = "ListFunctions";
    let functions = async {
        let pages = all_pages!(caller, OP, client.list_functions()).await?;
        let listed = pages
            .iter()
            .flat_map(|p| p.functions())
            .map(|f| {
                let arn = f
                    .function_arn()
                    .ok_or_else(|| caller.missing(OP, "FunctionArn"))?;
                Ok((
                    arn.to_string(),
                    f.function_name().unwrap_or_default().to_string(), // default: display name
                ))
            })
            .collect::<Collected<Vec<_>>>()?;
        let functions: Vec<LambdaFunction> = stream::iter(listed)
            .map(|(arn, name)| async move {
                let tags = tags(client, caller, &arn).await;
                LambdaFunction { arn, name, tags }
            })
            .buffered(TAG_CONCURRENCY)
            .collect()
            .await;
        Ok(functions)
    };
    LambdaInventory {
        functions: functions.await,
    }
}

async fn tags(client: &Client, caller: &Caller, arn: &str) -> Collected<Tags> {
    let output = caller
        .call("ListTags", client.list_tags().resource(arn).send())
        .await?;
    Ok(output
        .tags()
        .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()) // default: no Tags in ListTags: the function has none
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{caller, mocked_client};
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_sdk_lambda::types::FunctionConfiguration;
    use aws_smithy_mocks::mock;

    #[tokio::test]
    async fn every_page_of_functions_is_read_with_each_functions_tags() {
        let page = |name: &'static str, next: Option<&'static str>| {
            ListFunctionsOutput::builder()
                .functions(
                    FunctionConfiguration::builder()
                        .function_name(name)
                        .function_arn(format!(
                            "arn:aws:lambda:eu-central-1:111111111111:function:{name}"
                        ))
                        .build(),
                )
                .set_next_marker(next.map(str::to_string))
                .build()
        };
        let rule = mock!(Client::list_functions)
            .sequence()
            .output(move || page("thumbnails", Some("m")))
            .output(move || page("exports", None))
            .build();
        let tags = mock!(Client::list_tags)
            .match_requests(|r| r.resource().is_some_and(|arn| arn.ends_with(":thumbnails")))
            .then_output(|| {
                aws_sdk_lambda::operation::list_tags::ListTagsOutput::builder()
                    .tags("managed-by", "terraform")
                    .build()
            });
        let denied = mock!(Client::list_tags)
            .match_requests(|r| r.resource().is_some_and(|arn| arn.ends_with(":exports")))
            .then_error(|| {
                aws_sdk_lambda::operation::list_tags::ListTagsError::generic(
                    crate::testing::aws_error("AccessDeniedException"),
                )
            });
        let client = mocked_client!(aws_sdk_lambda, rule, tags, denied);
        let functions = collect(&client, &caller("eu-central-1", "lambda"))
            .await
            .functions
            .expect("listed");
        let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["thumbnails", "exports"]);
        assert_eq!(
            functions[0]
                .tags
                .as_ref()
                .map(|t| t.get("managed-by").cloned()),
            Ok(Some("terraform".to_string()))
        );
        assert_eq!(
            functions[1].tags.as_ref().map_err(|e| e.kind),
            Err(tomwatch_model::ErrorKind::AccessDenied),
            "a denied tag read stays with its function"
        );
    }
}
