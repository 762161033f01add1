//! Deletions outside the database that must happen: an erased child's images (files on the
//! embedded default) and Redis keys. Each is tried at once; one that fails is written to the
//! outbox and retried by the background jobs until it is done, never logged and forgotten.

use serde_json::json;

use crate::domain::ids::ChildId;
use crate::error::AppError;
use crate::services::outbox;
use crate::state::AppState;
use crate::store;

/// The outbox topic of deletions still to do.
pub const TOPIC: &str = "erasure.cleanup";

/// Deletes an erased child's images (`keys`) and Redis keys now; what fails is left for the
/// jobs, which retry it until done.
pub async fn after_erasure(state: &AppState, child: ChildId, keys: Vec<String>) {
    let (left, redis_left) = attempt(state, child, keys, true).await;
    if left.is_empty() && !redis_left {
        return;
    }
    let payload = json!({ "childId": child.to_string(), "keys": left, "redis": redis_left });
    if let Err(error) =
        store::proposals::enqueue(&state.db, TOPIC, payload, state.clock.now()).await
    {
        // The database is down too: the erasure itself is done; the files and keys stay
        // unreachable (no record names them) until retention runs again.
        tracing::error!(error = %error, child = %child, "an erasure's cleanup could not be queued");
    }
}

/// The deletions of one queued row, in the transaction that claims it: committed only once all
/// succeeded, so a failure leaves the row for the next run. False when another worker had it.
pub async fn retry(state: &AppState, row: &outbox::Pending) -> Result<bool, AppError> {
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !outbox::claim(&transaction, row.id, state.clock.now()).await? {
        return Ok(false);
    }
    let child = row
        .payload
        .get("childId")
        .and_then(|id| id.as_str())
        .and_then(ChildId::parse);
    let keys: Vec<String> = row
        .payload
        .get("keys")
        .and_then(|keys| serde_json::from_value(keys.clone()).ok())
        .unwrap_or_default();
    let redis = row
        .payload
        .get("redis")
        .and_then(serde_json::Value::as_bool)
        == Some(true);
    let (left, redis_left) = match child {
        Some(child) => attempt(state, child, keys, redis).await,
        None => (Vec::new(), false),
    };
    if !left.is_empty() || redis_left {
        // Dropping the transaction un-claims the row: the next run tries again.
        return Err(AppError::internal(anyhow::anyhow!(
            "{} image(s) and {} Redis key set(s) left to delete",
            left.len(),
            usize::from(redis_left)
        )));
    }
    transaction.commit().await?;
    Ok(true)
}

/// Tries each deletion; returns the keys still there, and whether Redis still holds the child's.
async fn attempt(
    state: &AppState,
    child: ChildId,
    keys: Vec<String>,
    redis: bool,
) -> (Vec<String>, bool) {
    let mut left = Vec::new();
    for key in keys {
        if let Err(error) = state.media.storage.delete(&key).await {
            tracing::warn!(error = %error, key, "an erased child's image is not deleted yet");
            left.push(key);
        }
    }
    let redis_left = redis
        && match state.backplane.forget_containing(&child.to_string()).await {
            Ok(_) => false,
            Err(error) => {
                tracing::warn!(error = %error, "an erased child's Redis keys are not removed yet");
                true
            }
        };
    (left, redis_left)
}
