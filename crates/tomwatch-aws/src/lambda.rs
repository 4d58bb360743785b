use crate::caller::Caller;
use crate::session::AwsSession;
use aws_sdk_lambda::Client;
use tomwatch_model::inventory::{LambdaFunction, LambdaInventory};

impl AwsSession {
    pub async fn collect_lambda(&self, region: &str) -> LambdaInventory {
        let client = self.client(region, |config| Client::new(&config));
        collect(&client, &self.caller(region, "lambda")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> LambdaInventory {
    const OP: &str = "ListFunctions";
    let functions = async {
        let pages = caller
            .call(
                OP,
                client
                    .list_functions()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut functions = Vec::new();
        for function in pages.iter().flat_map(|p| p.functions()) {
            functions.push(LambdaFunction {
                arn: function
                    .function_arn()
                    .ok_or_else(|| caller.missing(OP, "FunctionArn"))?
                    .to_string(),
                name: function.function_name().unwrap_or_default().to_string(),
            });
        }
        Ok(functions)
    };
    LambdaInventory {
        functions: functions.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{caller, mocked_client};
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_sdk_lambda::types::FunctionConfiguration;
    use aws_smithy_mocks::mock;

    #[tokio::test]
    async fn every_page_of_functions_is_read() {
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
        let client = mocked_client!(aws_sdk_lambda, rule);
        let names: Vec<String> = collect(&client, &caller("eu-central-1", "lambda"))
            .await
            .functions
            .expect("listed")
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, vec!["thumbnails", "exports"]);
    }
}
