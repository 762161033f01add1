//! Faults injected into the real schema, inside its error boundary, for tests that need a
//! resolver to panic or to hang.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy)]
pub enum Fault {
    /// Resolving the `department` field panics.
    PanicInDepartment,
    /// Resolving the `department` field takes this long.
    SlowDepartment(Duration),
}

impl ExtensionFactory for Fault {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait::async_trait]
impl Extension for Fault {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.path_node.field_name() == "department" {
            match self {
                Fault::PanicInDepartment => panic!("injected panic in a resolver"),
                Fault::SlowDepartment(delay) => tokio::time::sleep(*delay).await,
            }
        }
        next.run(ctx, info).await
    }
}
