//! Departments' own systems: API keys (coordinators) and the department's feed of task events
//! (a key, or a clerk).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use super::routing::department_id;
use crate::domain::ids::ApiKeyId;
use crate::domain::integrations::{ApiKey as DomainKey, FeedEntry};
use crate::domain::page::invalid_cursor;
use crate::graphql::states::TaskEventKind;
use crate::services;

/// A department system's key, as its managers see it. The key itself was shown once.
#[derive(SimpleObject)]
pub struct ApiKey {
    /// This key.
    pub id: ID,
    /// The department it acts for.
    pub department_id: ID,
    /// What the coordinator called it, such as 建设局工单系统.
    pub name: String,
    /// The key's first characters after `tsk_`, to recognise it.
    pub prefix: String,
    /// The account its steps are recorded under (a task event's `staffId`).
    pub account_id: ID,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The feed position its system last acknowledged.
    pub acknowledged: String,
}

impl From<DomainKey> for ApiKey {
    fn from(key: DomainKey) -> Self {
        ApiKey {
            id: ID(key.id.to_string()),
            department_id: ID(key.department_id.0.to_string()),
            name: key.name,
            prefix: key.prefix,
            account_id: ID(key.account_id.to_string()),
            created_at: key.created_at,
            revoked_at: key.revoked_at,
            last_used_at: key.last_used_at,
            acknowledged: key.acknowledged.to_string(),
        }
    }
}

/// A key just issued.
#[derive(SimpleObject)]
pub struct IssuedApiKey {
    /// The key as it will be listed.
    pub key: ApiKey,
    /// The key, to send as `Authorization: Bearer <secret>`. Shown this once: only its digest
    /// is kept.
    pub secret: String,
}

/// One use of a key.
#[derive(SimpleObject)]
pub struct ApiKeyUse {
    /// The operation's type and root fields, such as `mutation signForTask`.
    pub operation: String,
    /// The request it came in (as in the server's log).
    pub request_id: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One entry of a department's feed: a task event on a task the department leads or helps with.
#[derive(SimpleObject)]
pub struct TaskFeedEntry {
    /// Its place in the feed: acknowledge up to it once handled.
    pub position: String,
    /// The event (the same id as in the task's history and the Redis stream).
    pub event_id: ID,
    /// The task: read it with `task(id:)`.
    pub task_id: ID,
    /// The task's proposal.
    pub proposal_id: ID,
    /// What happened.
    pub kind: TaskEventKind,
    /// The department leads the task (else it helps).
    pub lead: bool,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl From<FeedEntry> for TaskFeedEntry {
    fn from(entry: FeedEntry) -> Self {
        TaskFeedEntry {
            position: entry.seq.to_string(),
            event_id: ID(entry.event_id.0.to_string()),
            task_id: ID(entry.task_id.0.to_string()),
            proposal_id: ID(entry.proposal_id.0.to_string()),
            kind: entry.kind.into(),
            lead: entry.lead,
            at: entry.at,
        }
    }
}

/// A page of the feed.
#[derive(SimpleObject)]
pub struct TaskFeed {
    /// The entries, oldest first.
    pub entries: Vec<TaskFeedEntry>,
    /// Where this page ends: pass it as `after` for the next, and acknowledge it once handled.
    pub end: String,
    /// More entries follow now.
    pub has_more: bool,
}

fn position(text: &str) -> Result<i64, crate::error::AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(invalid_cursor)
}

fn key_id(id: &ID) -> Result<ApiKeyId, crate::error::AppError> {
    parse_id(id, ApiKeyId::parse, &[])
}

#[derive(Default)]
pub struct IntegrationsQuery;

#[Object]
impl IntegrationsQuery {
    /// Coordinators: the departments' API keys, newest first.
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this department's.")] department_id: Option<ID>,
    ) -> GqlResult<Vec<ApiKey>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let department = department_id
            .map(|id| parse_id(&id, super::routing::department_id, &["departmentId"]))
            .transpose()?;
        let keys = services::integrations::list(state(ctx)?, &coordinator, department).await?;
        Ok(keys.into_iter().map(Into::into).collect())
    }

    /// Coordinators: every use of a key, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn api_key_uses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] key_id: ID,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")]
        after: Option<String>,
    ) -> GqlResult<KeyedConnection<uuid::Uuid, ApiKeyUse>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = self::key_id(&key_id)?;
        let request = page_request::<uuid::Uuid>(first, after)?;
        let page = services::integrations::uses(state(ctx)?, &coordinator, id, &request).await?;
        Ok(connection(
            page,
            |(id, _)| *id,
            |(_, used)| ApiKeyUse {
                operation: used.operation,
                request_id: used.request_id,
                at: used.at,
            },
        ))
    }

    /// A department's system (with its key) or clerk: the department's task events in the
    /// order they were committed. Without `after`, a key reads from what it last acknowledged
    /// (at least once: what it read and did not acknowledge comes again), a clerk from the
    /// start. Each entry's task is read with `task(id:)`.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn task_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A position (an entry's, or a page's `end`): the entries after it.")]
        after: Option<String>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
    ) -> GqlResult<TaskFeed> {
        let member = services::access::department_member(actor(ctx))?;
        let after = after.as_deref().map(position).transpose()?;
        let page = services::integrations::feed(state(ctx)?, &member, after, first).await?;
        Ok(TaskFeed {
            has_more: page.entries.has_next_page,
            entries: page.entries.items.into_iter().map(Into::into).collect(),
            end: page.end.to_string(),
        })
    }
}

#[derive(Default)]
pub struct IntegrationsMutation;

#[Object]
impl IntegrationsMutation {
    /// Coordinators: a new API key for one department's own system. The key is in the answer
    /// this once.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn issue_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The department it acts for.")] department_id: ID,
        #[graphql(desc = "What to call it, such as 建设局工单系统.")] name: String,
    ) -> GqlResult<IssuedApiKey> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let department = parse_id(&department_id, self::department_id, &["departmentId"])?;
        let issued =
            services::integrations::issue(state(ctx)?, &coordinator, department, &name).await?;
        Ok(IssuedApiKey {
            key: issued.key.into(),
            secret: issued.secret,
        })
    }

    /// Coordinators: revokes a key at once, on every instance.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] id: ID,
    ) -> GqlResult<ApiKey> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let key = services::integrations::revoke(state(ctx)?, &coordinator, key_id(&id)?).await?;
        Ok(key.into())
    }

    /// A department's system, with its key: the feed is handled up to this position; a read
    /// without `after` starts after it. Answers the acknowledged position.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn acknowledge_task_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A position the feed gave.")] up_to: String,
    ) -> GqlResult<String> {
        let member = services::access::department_member(actor(ctx))?;
        let up_to = position(&up_to).map_err(|_| {
            crate::error::AppError::validation(
                &["upTo"],
                crate::error::FieldCode::InvalidCursor,
                "确认的位置无效。",
            )
        })?;
        let acknowledged = services::integrations::acknowledge(state(ctx)?, &member, up_to).await?;
        Ok(acknowledged.to_string())
    }
}
