//! A department member's live feed of task events (the subscription).

use super::{Task, TaskEvent, single};
use crate::graphql::context::{actor, state};
use crate::services;
use async_graphql::{Context, SimpleObject, Subscription};
use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;

/// An event on a task, with the task as it stands.
#[derive(SimpleObject)]
pub struct TaskNotice {
    /// What happened.
    pub event: TaskEvent,
    /// The task as it stands.
    pub task: Task,
}

#[derive(Default)]
pub struct TasksSubscription;

#[Subscription]
impl TasksSubscription {
    /// Department staff: every event on a task their department leads or helps with (new task,
    /// reminder, escalation, note, extension …), whichever server it went through.
    async fn department_task_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, TaskNotice>> {
        let state = state(ctx)?.clone();
        let events =
            services::tasks::live(&state, services::access::department_member(actor(ctx))?).await?;
        let notices = events.filter_map(move |(one, event)| {
            let state = state.clone();
            async move {
                let task = single(&state, one).await.ok()?;
                Some(TaskNotice {
                    event: event.into(),
                    task,
                })
            }
        });
        Ok(notices.boxed())
    }
}
