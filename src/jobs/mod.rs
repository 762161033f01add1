//! Background work, fed by the outbox (screening, safeguarding notices, the departments' feeds,
//! the task streams' relay)
//! and the clock (the deadline sweep, cases not acknowledged in time, unrated answers closing, retention): each job claims its rows in the same transaction as the
//! change it makes, so a row is handled once even with many instances, and a crash leaves it for
//! the next run; the deletions an erasure could not finish are retried until done. Tests drain the queue with [`run_pending`] instead of waiting.

mod cleanup;
mod feed;
mod safeguarding;
mod screening;
mod streams;

use std::time::Duration;
use tokio::task::JoinHandle;

use crate::error::AppError;
use crate::state::AppState;

/// Handles every pending outbox row the jobs know; returns how many were handled.
pub async fn run_pending(state: &AppState) -> Result<usize, AppError> {
    let mut handled = 0;
    loop {
        let mut done = screening::run(state).await?;
        done += safeguarding::run(state).await?;
        done += cleanup::run(state).await?;
        done += feed::run(state).await?;
        done += crate::services::tasks::sweep(state).await?;
        done += crate::services::answers::close_unrated(state).await?;
        done += crate::services::privacy::retention_run(state, false)
            .await?
            .len();
        // Redis down holds up only the streams: the rest of the work goes on.
        done += match streams::run(state).await {
            Err(AppError::Unavailable) if state.backplane.kind() == "redis" => 0,
            other => other?,
        };
        handled += done;
        if done == 0 {
            // Housekeeping, not work: a batch of old handled rows each poll.
            crate::services::outbox::prune(state).await?;
            return Ok(handled);
        }
    }
}

/// Counts one outbox row's outcome: 1 when handled, 0 when another worker had claimed it. A
/// database (or Redis) that is down stops the run, and the rows wait for the next; any other
/// failure is logged, so that one bad row does not hold up the rows behind it.
fn tally(
    outcome: Result<bool, AppError>,
    row: i64,
    failed: &'static str,
) -> Result<usize, AppError> {
    match outcome {
        Ok(handled) => Ok(usize::from(handled)),
        Err(AppError::Unavailable) => Err(AppError::Unavailable),
        Err(error) => {
            tracing::warn!(row, code = error.code().as_str(), "{failed}");
            Ok(0)
        }
    }
}

/// Runs the jobs every `interval` until shutdown; the task ends with the work in hand finished.
pub fn spawn(state: AppState, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = state.shutdown.clone();
        loop {
            if let Err(error) = run_pending(&state).await {
                tracing::warn!(
                    code = error.code().as_str(),
                    "background jobs failed; will retry"
                );
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(interval) => {}
            }
        }
        tracing::info!("background jobs stopped");
    })
}
