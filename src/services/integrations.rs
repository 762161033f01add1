//! Departments' own systems (issue 19): coordinators issue, list and revoke API keys scoped to
//! one department; a key acts as that department's clerks do on its tasks, through an account of
//! its own, and reads the department's feed of task events from where it last acknowledged.
//! Keys are shown once and kept only as digests; every use is logged.

use rand::RngExt as _;

use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ApiKeyId, SessionId, StaffId};
use crate::domain::integrations::{
    ApiKey, FeedEntry, KeyName, KeyUse, PREFIX_ALPHABET, PREFIX_LEN, compose_key,
};
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::{Role, StaffMember, Username};
use crate::error::{AppError, FieldCode};
use crate::secrets::{random_token, token_digest};
use crate::services::access::{Coordinator, DepartmentMember};
use crate::state::AppState;
use crate::store;

/// A key just issued: the only time its secret is seen.
pub struct Issued {
    pub key: ApiKey,
    pub secret: String,
}

/// Coordinators: a new key for one department's system.
pub async fn issue(
    state: &AppState,
    coordinator: &Coordinator,
    department: DepartmentId,
    name: &str,
) -> Result<Issued, AppError> {
    let name = KeyName::parse(name, &["name"])?;
    let Some(found) = store::departments::find(&state.db, department).await? else {
        return Err(AppError::validation(
            &["departmentId"],
            FieldCode::Unknown,
            "没有这个部门。",
        ));
    };
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let (prefix, username) = loop {
        let prefix = draw_prefix();
        let username = Username::parse(&format!("api-{prefix}"), &[])?;
        if !store::integrations::prefix_taken(&transaction, &prefix).await?
            && !store::people::username_taken(&transaction, &username).await?
        {
            break (prefix, username);
        }
    };
    let by = &coordinator.staff().member;
    let account = StaffMember {
        id: StaffId::new(),
        district_id: by.district_id,
        username,
        display_name: format!("{}·对接系统：{}", found.name_zh, name.as_str()),
        role: Role::DepartmentStaff,
        school_id: None,
        department_id: Some(department),
    };
    // No password verifies against "!": the account signs in only with its key.
    store::people::insert(&transaction, &account, "!".to_owned(), now).await?;
    let key = ApiKey {
        id: ApiKeyId::new(),
        department_id: department,
        account_id: account.id,
        name: name.as_str().to_owned(),
        prefix: prefix.clone(),
        created_by: by.id,
        created_at: now,
        revoked_at: None,
        last_used_at: None,
        acknowledged: 0,
    };
    let secret = compose_key(&prefix, &random_token());
    let digest = token_digest(&secret);
    store::integrations::insert(
        &transaction,
        store::integrations::NewKey { key: &key, digest },
    )
    .await?;
    transaction.commit().await?;
    tracing::info!(key = %key.id, department = %department.0, "API key issued");
    Ok(Issued { key, secret })
}

fn draw_prefix() -> String {
    let mut rng = rand::rng();
    (0..PREFIX_LEN)
        .map(|_| PREFIX_ALPHABET[rng.random_range(0..PREFIX_ALPHABET.len())] as char)
        .collect()
}

/// Coordinators: the keys, newest first, of one department or all.
pub async fn list(
    state: &AppState,
    _: &Coordinator,
    department: Option<DepartmentId>,
) -> Result<Vec<ApiKey>, AppError> {
    Ok(store::integrations::list(&state.db, department).await?)
}

/// Coordinators: revokes a key, at once and on every instance (its WebSockets close). Revoking a
/// revoked key changes nothing.
pub async fn revoke(
    state: &AppState,
    coordinator: &Coordinator,
    id: ApiKeyId,
) -> Result<ApiKey, AppError> {
    let now = state.clock.now();
    if store::integrations::revoke(&state.db, id, coordinator.staff().member.id, now).await? {
        tracing::info!(key = %id, "API key revoked");
        crate::services::sessions::announce_ended(state, &[SessionId(id.0)]).await;
    }
    store::integrations::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Coordinators: a key's uses, newest first.
pub async fn uses(
    state: &AppState,
    _: &Coordinator,
    id: ApiKeyId,
    page: &PageRequest<uuid::Uuid>,
) -> Result<Page<(uuid::Uuid, KeyUse)>, AppError> {
    store::integrations::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(store::integrations::uses(&state.db, id, page).await?)
}

/// Logs one use of a key: the operation's root fields and the request.
pub async fn record_use(
    state: &AppState,
    key: ApiKeyId,
    operation: &str,
    request_id: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    Ok(store::integrations::log_use(&state.db, key, operation, request_id, now).await?)
}

/// A page of the department's feed, and the position it ends at.
pub struct FeedPage {
    pub entries: Page<FeedEntry>,
    /// Where the next read starts: the last entry's number, or where this one started.
    pub end: i64,
}

/// The department's task events in the order they were committed, after `after`; without it, a
/// key starts after what it last acknowledged (so what it read and did not acknowledge comes
/// again: at least once), a clerk at the beginning.
pub async fn feed(
    state: &AppState,
    member: &DepartmentMember,
    after: Option<i64>,
    first: Option<i32>,
) -> Result<FeedPage, AppError> {
    let start = match (after, member.key()) {
        (Some(after), _) if after < 0 => return Err(crate::domain::page::invalid_cursor()),
        (Some(after), _) => after,
        (None, Some(key)) => store::integrations::find(&state.db, key)
            .await?
            .map_or(0, |key| key.acknowledged),
        (None, None) => 0,
    };
    let page = PageRequest::parse(first, Some(start))?;
    let entries = store::integrations::feed(&state.db, member.department(), start, &page).await?;
    let end = entries.items.last().map_or(start, |entry| entry.seq);
    Ok(FeedPage { entries, end })
}

/// A key acknowledges the feed up to a position: what it has handled. Only keys acknowledge (a
/// clerk's console reads live); a position past the feed's end is refused.
pub async fn acknowledge(
    state: &AppState,
    member: &DepartmentMember,
    up_to: i64,
) -> Result<i64, AppError> {
    let key = member.key().ok_or(AppError::Forbidden)?;
    let head = store::integrations::feed_head(&state.db, member.department()).await?;
    if !(0..=head).contains(&up_to) {
        return Err(AppError::validation(
            &["upTo"],
            FieldCode::InvalidCursor,
            "确认的位置超出了已有的事件。",
        ));
    }
    store::integrations::acknowledge(&state.db, key, up_to).await?;
    Ok(store::integrations::find(&state.db, key)
        .await?
        .map_or(up_to, |key| key.acknowledged))
}

/// The outbox topic of task events waiting for their numbers in the departments' feeds.
pub const FEED_TOPIC: &str = "feed.task";

/// Numbers one task event in the feed of each department that sees it, in the caller's
/// transaction (the feed job's, which claimed the outbox row). Numbers are drawn under the
/// department's head row, locked until that transaction commits: the feed is in commit order.
pub async fn number_in_feeds(
    db: &impl sea_orm::ConnectionTrait,
    payload: &serde_json::Value,
) -> Result<(), AppError> {
    let text = |name: &str| payload.get(name).and_then(|value| value.as_str());
    let id = |name: &str| text(name).and_then(|t| uuid::Uuid::parse_str(t).ok());
    let (Some(event), Some(task), Some(proposal), Some(kind), Some(at)) = (
        id("eventId"),
        id("taskId"),
        id("proposalId"),
        text("kind").and_then(crate::domain::tasks::TaskEventKind::parse),
        text("at").and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok()),
    ) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a task event without its ids"
        )));
    };
    let lead = id("leadDepartmentId");
    let departments: Vec<uuid::Uuid> = payload
        .get("departmentIds")
        .and_then(|ids| ids.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().and_then(|id| uuid::Uuid::parse_str(id).ok()))
                .collect()
        })
        .unwrap_or_default();
    let entries = departments
        .into_iter()
        .map(|department| store::integrations::NewEntry {
            department: DepartmentId(department),
            event_id: crate::domain::ids::TaskEventId(event),
            task_id: crate::domain::ids::TaskId(task),
            proposal_id: crate::domain::ids::ProposalId(proposal),
            kind,
            lead: lead == Some(department),
            at: at.with_timezone(&chrono::Utc),
        })
        .collect();
    Ok(store::integrations::append_to_feed(db, entries).await?)
}
