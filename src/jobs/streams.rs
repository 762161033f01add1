//! The outbox relay: every task event goes to the stream of each department that sees the task
//! (README, "Task streams"), at least once, in the order it happened. A row is marked handled in
//! the transaction that claims it, committed only after Redis took the entries, so Redis being
//! down delays entries and never loses one; a crash between the two repeats an entry, which
//! consumers recognise by its `id`. Without Redis (the embedded default) there are no streams:
//! the rows are marked handled, the consoles having heard live already.

use std::collections::HashSet;

use crate::backplane::streams::{STREAM_VERSION, department_stream};
use crate::domain::departments::DepartmentId;
use crate::error::AppError;
use crate::services;
use crate::services::outbox;
use crate::services::tasks::topics;
use crate::state::AppState;

/// Relays up to a batch of task events; returns how many rows were handled.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    let topics = topics();
    let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
    let pending = outbox::pending(state, &topics, 100).await?;
    let mut handled = 0;
    let mut touched = HashSet::new();
    for row in pending {
        // Redis or the database down stops the run: the rows wait, in order, for the next.
        let outcome = relay(state, &row, &mut touched).await;
        handled += super::tally(outcome, row.id, "relaying a task event failed")?;
    }
    for stream in touched {
        if let Err(error) = state.backplane.trim_acknowledged(&stream).await {
            tracing::warn!(error = %error, "trimming a department stream failed");
        }
    }
    Ok(handled)
}

async fn relay(
    state: &AppState,
    row: &outbox::Pending,
    touched: &mut HashSet<String>,
) -> Result<bool, AppError> {
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !outbox::claim(&transaction, row.id, state.clock.now()).await? {
        return Ok(false);
    }
    let field = |name: &str| {
        row.payload
            .get(name)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let lead = field("leadDepartmentId");
    let departments: Vec<String> = row
        .payload
        .get("departmentIds")
        .and_then(|ids| ids.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for department in departments {
        let Some(id) = uuid::Uuid::parse_str(&department).ok().map(DepartmentId) else {
            continue;
        };
        let Some(found) = services::departments::by_id(&transaction, id).await? else {
            continue;
        };
        let stream = department_stream(found.code.as_str());
        let role = if department == lead { "lead" } else { "co" };
        let fields = [
            ("v", STREAM_VERSION.to_owned()),
            ("id", field("eventId")),
            ("kind", field("kind")),
            ("task", field("taskId")),
            ("proposal", field("proposalId")),
            ("department", found.code.as_str().to_owned()),
            ("role", role.to_owned()),
            ("at", field("at")),
        ];
        let appended = state
            .backplane
            .append(&stream, &fields)
            .await
            .map_err(|error| {
                tracing::warn!(error = %error, "Redis refused a task event; it will be retried");
                AppError::Unavailable
            })?;
        if appended {
            touched.insert(stream);
        }
    }
    transaction.commit().await?;
    Ok(true)
}
