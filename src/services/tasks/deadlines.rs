//! Deadlines: the reminder (催办) and escalation (督办) sweep.

use super::{announce, record};
use crate::clock::local_date;
use crate::domain::calendar::WorkCalendar;
use crate::domain::tasks::TaskEventKind;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;

/// The reminder (催办) and escalation (督办) sweep: each open task whose deadline has come is
/// reminded once, and escalated once after `escalate_after` further working days. Returns how
/// many events it wrote.
pub async fn sweep(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let today = local_date(now);
    let calendar = WorkCalendar::national();
    let escalate_after = state.config.escalate_after_working_days;
    let mut written = 0;
    let escalate_by = calendar.working_days_before(today, escalate_after);
    for mut task in store::tasks::due_for_sweep(&state.db, today, escalate_by, 200).await? {
        let mut kinds = Vec::new();
        if task.reminded_at.is_none() {
            task.reminded_at = Some(now);
            kinds.push(TaskEventKind::Reminder);
        }
        if task.escalated_at.is_none() && task.due <= escalate_by {
            task.escalated_at = Some(now);
            kinds.push(TaskEventKind::Escalation);
        }
        if kinds.is_empty() {
            continue;
        }
        let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
        if !store::tasks::update(&transaction, &task, task.state, now).await? {
            continue;
        }
        let mut events = Vec::new();
        for kind in &kinds {
            let text = match kind {
                TaskEventKind::Reminder => format!("期限 {} 已到，请尽快办理（催办）", task.due),
                _ => format!(
                    "期限 {} 已过 {escalate_after} 个工作日，转协调员督办",
                    task.due
                ),
            };
            events.push(record(&transaction, &task, *kind, None, Some(&text), now).await?);
        }
        transaction.commit().await?;
        for (kind, event) in kinds.iter().zip(&events) {
            state.metrics.task_deadline_event(kind.as_str());
            announce(state, &task, event).await;
        }
        written += events.len();
    }
    Ok(written)
}
