//! The access log, for coordinators.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::ids::ChildId;
use crate::services;

/// One staff read of a child's personal data.
#[derive(SimpleObject)]
pub struct AccessLogEntry {
    pub at: DateTime<Utc>,
    pub staff_id: ID,
    pub child_id: ID,
    /// What was read, for example `child` or `class.children`.
    pub operation: String,
    pub request_id: String,
}

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// Coordinators: who read which child's data, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        child_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<KeyedConnection<i64, AccessLogEntry>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let child = child_id
            .map(|id| parse_id(&id, ChildId::parse, &["childId"]))
            .transpose()?;
        let request = page_request::<i64>(first, after)?;
        let page =
            services::access::access_log(&state(ctx)?.db, &coordinator, child, &request).await?;
        Ok(connection(
            page,
            |entry| entry.id,
            |entry| AccessLogEntry {
                at: entry.at,
                staff_id: ID(entry.staff_id.to_string()),
                child_id: ID(entry.child_id.to_string()),
                operation: entry.operation,
                request_id: entry.request_id,
            },
        ))
    }
}
