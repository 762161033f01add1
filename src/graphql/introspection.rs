//! In production the schema is not introspectable. async-graphql's own switch answers an
//! introspection query with `null` and no error; this extension refuses it clearly instead.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};
use std::sync::Arc;

use super::errors::with_code;
use crate::error::ErrorCode;

pub struct NoIntrospection;

impl ExtensionFactory for NoIntrospection {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NoIntrospection)
    }
}

#[async_trait::async_trait]
impl Extension for NoIntrospection {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let operations = document
            .operations
            .iter()
            .map(|(_, operation)| &operation.node.selection_set.node);
        let fragments = document
            .fragments
            .values()
            .map(|fragment| &fragment.node.selection_set.node);
        if operations.chain(fragments).any(introspects) {
            let error = ServerError::new("Introspection is disabled.", None);
            return Err(with_code(error, ErrorCode::InvalidQuery));
        }
        Ok(document)
    }
}

/// Whether a selection set asks for `__schema` or `__type` anywhere. Only the query root has
/// these fields, so looking everywhere is simpler than tracking where the root is and no less
/// strict; the parser's recursion limit bounds the walk.
fn introspects(selection_set: &SelectionSet) -> bool {
    selection_set
        .items
        .iter()
        .any(|selection| match &selection.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type")
                    || introspects(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => introspects(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
}
