//! Coordinators' list of escalated tasks (督办): how overdue each is.

use async_graphql::{Context, Object, SimpleObject};

use super::{Task, tasks};
use crate::graphql::context::{actor, state};
use crate::graphql::errors::GqlResult;
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
}
