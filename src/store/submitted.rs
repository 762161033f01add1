//! A new proposal as it is recorded: its row, its images attached to it, its first event, the
//! child's notification that it was sent, and the outbox row that asks for its screening, all or
//! none.
//!
//! On PostgreSQL that is one statement (a data-modifying CTE), so a child's submission costs one
//! round trip to write, and needs no transaction of its own. On SQLite it is four statements in
//! the caller's transaction (SQLite's CTEs cannot write).
//!
//! The tracking reference is drawn at random; one already taken makes the write do nothing and
//! answer `false`, so the caller draws another (a year's references are a few per cent of the
//! codes, so a taken one is met now and then).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, Statement, Value};

use super::entities::proposals;
use super::proposals::{Change, EventActor};
use crate::domain::forms::band_letter;
use crate::domain::ids::MediaId;
use crate::domain::lifecycle::SchoolState;
use crate::domain::proposals::Proposal;
use crate::domain::tracking::submitted_notice;

/// The outbox topic the screening job reads.
pub const SUBMITTED: &str = "proposal.submitted";

/// Records `proposal` as submitted by `actor`: `false` (and nothing written) when its reference
/// is taken.
pub async fn insert(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    actor: EventActor,
) -> Result<bool, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => insert_in_one_statement(db, proposal, actor).await,
        _ => insert_step_by_step(db, proposal, actor).await,
    }
}

fn media_of(proposal: &Proposal) -> Vec<MediaId> {
    proposal
        .answers
        .iter()
        .flat_map(|answer| &answer.media)
        .filter_map(|id| MediaId::parse(id))
        .collect()
}

fn payload(proposal: &Proposal) -> serde_json::Value {
    serde_json::json!({ "proposalId": proposal.id.to_string() })
}

fn actor_columns(actor: EventActor) -> (&'static str, Option<uuid::Uuid>) {
    match actor {
        EventActor::Child(id) => ("child", Some(id.0)),
        EventActor::Staff(id) => ("staff", Some(id.0)),
        EventActor::System => ("system", None),
    }
}

const ONE_STATEMENT: &str = "WITH p AS ( \
    INSERT INTO proposals (id, campaign_id, child_id, class_id, school_id, band, topic, answers, \
      place, consent_to_publish, client_submission_id, content_hash, assisted_by, school_state, \
      reopened, created_at, updated_at, area_code, reference) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, false, $15, $15, $16, $17) \
    ON CONFLICT (reference) DO NOTHING \
    RETURNING id, child_id, class_id, created_at \
  ), m AS ( \
    UPDATE media SET child_id = p.child_id, class_id = p.class_id FROM p \
    WHERE media.id IN (SELECT value::uuid FROM json_array_elements_text($18::json)) \
      AND (media.child_id IS NULL OR media.child_id = p.child_id) \
  ), n AS ( \
    INSERT INTO notifications (id, child_id, proposal_id, kind, text, at, read_at) \
    SELECT $24, p.child_id, p.id, $25, $26, p.created_at, NULL FROM p \
  ), e AS ( \
    INSERT INTO proposal_events (id, proposal_id, at, actor_kind, actor_id, layer, from_state, \
      to_state, reason) \
    SELECT $19, p.id, p.created_at, $20, $21, 'school', NULL, $14, NULL FROM p \
  ) \
  INSERT INTO outbox (created_at, topic, payload) \
  SELECT p.created_at, $22, $23 FROM p \
  RETURNING id";

async fn insert_in_one_statement(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    actor: EventActor,
) -> Result<bool, DbErr> {
    let (actor_kind, actor_id) = actor_columns(actor);
    let (notice, text) = submitted_notice(proposal);
    let media: Vec<String> = media_of(proposal).iter().map(ToString::to_string).collect();
    let values: Vec<Value> = vec![
        proposal.id.0.into(),
        proposal.campaign_id.0.into(),
        proposal.child_id.0.into(),
        proposal.class_id.0.into(),
        proposal.school_id.0.into(),
        band_letter(proposal.band).into(),
        proposal.topic.key().into(),
        serde_json::to_value(&proposal.answers)
            .unwrap_or_default()
            .into(),
        proposal.place.clone().into(),
        proposal.consent_to_publish.into(),
        proposal.client_submission_id.into(),
        proposal.content_hash.clone().into(),
        proposal.assisted_by.map(|id| id.0).into(),
        SchoolState::Submitted.as_str().into(),
        proposal.created_at.into(),
        proposal.area_code.clone().into(),
        proposal.reference.clone().into(),
        serde_json::json!(media).into(),
        uuid::Uuid::now_v7().into(),
        actor_kind.into(),
        actor_id.into(),
        SUBMITTED.into(),
        payload(proposal).into(),
        uuid::Uuid::now_v7().into(),
        notice.key().into(),
        text.into(),
    ];
    let written = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            ONE_STATEMENT,
            values,
        ))
        .await?;
    Ok(!written.is_empty())
}

async fn insert_step_by_step(
    db: &impl ConnectionTrait,
    proposal: &Proposal,
    actor: EventActor,
) -> Result<bool, DbErr> {
    let row = super::proposals::active_model(proposal);
    let inserted = proposals::Entity::insert(row)
        .on_conflict(
            OnConflict::column(proposals::Column::Reference)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    for id in media_of(proposal) {
        super::media::attach(db, id, proposal.child_id, proposal.class_id).await?;
    }
    let change = Change {
        layer: "school",
        from: None,
        to: SchoolState::Submitted.as_str(),
        reason: None,
    };
    super::proposals::append_event(db, proposal.id, actor, change, proposal.created_at).await?;
    let (notice, text) = submitted_notice(proposal);
    super::answers::notify(
        db,
        proposal.child_id,
        proposal.id,
        notice,
        text,
        proposal.created_at,
    )
    .await?;
    super::proposals::enqueue(db, SUBMITTED, payload(proposal), proposal.created_at).await?;
    Ok(true)
}
