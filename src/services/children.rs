//! A child's record: reading it (logged), and guardian consent.

use chrono::NaiveDate;

use crate::domain::children::{Child, ConsentMethod, GuardianConsent, GuardianRelation};
use crate::domain::ids::ChildId;
use crate::domain::people::Actor;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::{self, teacher_of_child};
use crate::state::AppState;
use crate::store;
use crate::telemetry::RequestId;

/// The child's teachers, the school's safeguarding lead, coordinators: one child's record. The
/// read is logged. NOT_FOUND for anyone else.
pub async fn get(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
    request: &RequestId,
) -> Result<Child, AppError> {
    access::read_child(state, actor, child, "child", request).await
}

/// The child's teacher: records a guardian's consent. Consent cannot be dated in the future.
pub async fn record_consent(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
    method: ConsentMethod,
    given_on: NaiveDate,
    relation: GuardianRelation,
    request: &RequestId,
) -> Result<Child, AppError> {
    let teacher = teacher_of_child(state, actor, child).await?;
    let now = state.clock.now();
    if given_on > crate::clock::local_date(now) {
        return Err(AppError::validation(
            &["input", "givenOn"],
            FieldCode::InTheFuture,
            "同意日期不能晚于今天。",
        ));
    }
    let consent = GuardianConsent {
        method,
        given_on,
        relation,
    };
    store::children::insert_consent(&state.db, child, &consent, teacher.staff().member.id, now)
        .await?;
    access::log_reads(
        state,
        teacher.staff(),
        &[child],
        "recordGuardianConsent",
        request,
    )
    .await?;
    store::children::find(&state.db, child)
        .await?
        .ok_or(AppError::NotFound)
}

/// The child's teacher: records that the guardian withdrew consent.
pub async fn withdraw_consent(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
    request: &RequestId,
) -> Result<Child, AppError> {
    let teacher = teacher_of_child(state, actor, child).await?;
    store::children::withdraw_consents(
        &state.db,
        child,
        teacher.staff().member.id,
        state.clock.now(),
    )
    .await?;
    crate::services::privacy::consent_withdrawn(state, child, teacher.staff().member.id).await?;
    access::log_reads(
        state,
        teacher.staff(),
        &[child],
        "withdrawGuardianConsent",
        request,
    )
    .await?;
    store::children::find(&state.db, child)
        .await?
        .ok_or(AppError::NotFound)
}

/// A signed-in child: their own record, class and school.
pub async fn own_profile(
    state: &AppState,
    actor: &Actor,
) -> Result<
    (
        crate::domain::children::Child,
        crate::domain::classes::Class,
        crate::domain::people::School,
    ),
    AppError,
> {
    let me = actor.child()?;
    let child = store::children::find(&state.db, me.id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let class = store::classes::find(&state.db, child.class_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let school = store::people::find_school(&state.db, class.school_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((child, class, school))
}
