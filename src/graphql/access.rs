//! The access log, for coordinators.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::ids::{ChildId, StaffId};
use crate::services;
use crate::store::access_log::AccessFilter;

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

/// Which reads to show; all given conditions hold.
#[derive(InputObject, Default)]
pub struct AccessLogFilter {
    pub child_id: Option<ID>,
    pub staff_id: Option<ID>,
    /// For example `child`, `class.children`, `moderation.queue`.
    pub operation: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// Coordinators: who read which child's data, newest first (未成年人网络保护条例 第三十六条).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn access_log(
        &self,
        ctx: &Context<'_>,
        child_id: Option<ID>,
        filter: Option<AccessLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<KeyedConnection<i64, AccessLogEntry>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let filter = filter.unwrap_or_default();
        let filter = AccessFilter {
            child: child_id
                .or(filter.child_id)
                .map(|id| parse_id(&id, ChildId::parse, &["childId"]))
                .transpose()?,
            staff: filter
                .staff_id
                .map(|id| parse_id(&id, StaffId::parse, &["filter", "staffId"]))
                .transpose()?,
            operation: filter.operation,
            from: filter.from,
            to: filter.to,
        };
        let request = page_request::<i64>(first, after)?;
        let page =
            services::access::access_log(&state(ctx)?.db, &coordinator, &filter, &request).await?;
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
