//! Every use of an API key is logged (issue 19): the root fields of each operation a key sends,
//! with the request id, before the operation runs. An operation whose use cannot be logged does
//! not run.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection};
use async_graphql::{ServerResult, Variables};
use std::sync::Arc;

use super::context::RequestId;
use crate::domain::people::Actor;
use crate::services;
use crate::state::AppState;

pub struct KeyUses;

impl ExtensionFactory for KeyUses {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(KeyUses)
    }
}

#[async_trait::async_trait]
impl Extension for KeyUses {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let (Some(Actor::Integration(key)), Some(state)) =
            (ctx.data_opt::<Actor>(), ctx.data_opt::<AppState>())
        else {
            return Ok(document);
        };
        let request = ctx.data_opt::<RequestId>().map_or("", |id| id.0.as_str());
        services::integrations::record_use(state, key.key_id, &root_fields(&document), request)
            .await
            .map_err(|error| {
                async_graphql::Error::from(error).into_server_error(Default::default())
            })?;
        Ok(document)
    }
}

/// The operations' root fields, as `mutation signFor` or `query taskEvents,task`.
fn root_fields(document: &ExecutableDocument) -> String {
    document
        .operations
        .iter()
        .map(|(_, operation)| {
            let fields: Vec<&str> = operation
                .node
                .selection_set
                .node
                .items
                .iter()
                .filter_map(|selection| match &selection.node {
                    Selection::Field(field) => Some(field.node.name.node.as_str()),
                    _ => None,
                })
                .collect();
            format!("{} {}", operation.node.ty, fields.join(","))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
