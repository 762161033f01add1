//! The access log, for coordinators.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::ids::{ChildId, StaffId};
use crate::domain::privacy::AccessFilter;
use crate::services;

/// One staff read of a child's personal data.
#[derive(SimpleObject)]
pub struct AccessLogEntry {
    /// When the read happened.
    pub at: DateTime<Utc>,
    /// The staff member who read.
    pub staff_id: ID,
    /// The child whose data was read.
    pub child_id: ID,
    /// What was read, for example `child` or `class.children`.
    pub operation: String,
    /// The request that read it, as in the server's logs.
    pub request_id: String,
}

/// Which reads to show; all given conditions hold.
#[derive(InputObject, Default)]
pub struct AccessLogFilter {
    /// Only reads of this child.
    pub child_id: Option<ID>,
    /// Only reads by this staff member.
    pub staff_id: Option<ID>,
    /// For example `child`, `class.children`, `moderation.queue`.
    pub operation: Option<String>,
    /// Inclusive.
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
        #[graphql(desc = "Only reads of this child (the same as `filter.childId`).")]
        child_id: Option<ID>,
        #[graphql(desc = "Which reads to show.")] filter: Option<AccessLogFilter>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
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
