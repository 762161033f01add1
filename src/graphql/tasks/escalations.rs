//! Coordinators' lists across the district: escalated tasks (督办) with how overdue each is, and
//! the tasks in given states (answers awaiting publication, extension requests).

use async_graphql::{Context, Object, SimpleObject};

use super::{Task, TaskState, page_of, tasks};
use crate::domain::tasks::QueueKey;
use crate::graphql::context::{actor, state};
use crate::graphql::errors::GqlResult;
use crate::graphql::page::{KeyedConnection, page_request};
use crate::services;

/// A task escalated to the coordinators.
#[derive(SimpleObject)]
pub struct EscalatedTask {
    /// The task.
    pub task: Task,
    /// Working days past its deadline, today.
    pub working_days_overdue: i32,
}

#[derive(Default)]
pub struct EscalationsQuery;

#[Object]
impl EscalationsQuery {
    /// Coordinators: the open tasks escalated to them (督办), the longest overdue first.
    async fn escalated_tasks(&self, ctx: &Context<'_>) -> GqlResult<Vec<EscalatedTask>> {
        let state = state(ctx)?;
        let coordinator = services::access::coordinator(actor(ctx))?;
        let escalated = services::tasks::escalated(state, &coordinator).await?;
        let late: Vec<i32> = escalated
            .iter()
            .map(|(_, days)| i32::try_from(*days).unwrap_or(i32::MAX))
            .collect();
        let shown = tasks(state, escalated.into_iter().map(|(task, _)| task).collect()).await?;
        Ok(shown
            .into_iter()
            .zip(late)
            .map(|(task, working_days_overdue)| EscalatedTask {
                task,
                working_days_overdue,
            })
            .collect())
    }

    /// Coordinators: the district's tasks in these states, the nearest deadline first: the
    /// answers awaiting publication (`ANSWERED`), the extension requests to decide
    /// (`EXTENSION_REQUESTED`).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn district_tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which states; at least one.")] states: Vec<TaskState>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<QueueKey, Task>> {
        let state = state(ctx)?;
        let coordinator = services::access::coordinator(actor(ctx))?;
        let page = page_request::<QueueKey>(first, after)?;
        let states = states.into_iter().map(Into::into).collect();
        let found = services::tasks::in_states(state, &coordinator, states, &page).await?;
        Ok(page_of(state, found).await?)
    }
}
