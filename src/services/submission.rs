//! The checks every new proposal passes, whoever types it (the child, or a teacher for a child
//! who dictates or wrote on paper), and recording it with its event and outbox row.

use crate::domain::campaigns::Campaign;
use crate::domain::forms::{Answer, Form};
use crate::domain::ids::{CampaignId, ChildId, ClassId, MediaId, ProposalId, SchoolId, StaffId};
use crate::domain::lifecycle::SchoolState;
use crate::domain::media::MediaState;
use crate::domain::media::Uploader;
use crate::domain::proposals::{Proposal, content_hash};
use crate::domain::topics::Topic;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

pub struct Submission {
    pub campaign_id: CampaignId,
    /// Made by the app before the first try; the same id on a retry returns the same proposal.
    pub client_submission_id: uuid::Uuid,
    pub topic: String,
    pub answers: Vec<Answer>,
    pub place: Option<String>,
    /// The code of the township or subdistrict the place is in, if the child picked one.
    pub area_code: Option<String>,
    pub consent_to_publish: bool,
}

/// Whose proposal it is.
pub struct Author {
    pub child: ChildId,
    pub class: ClassId,
    pub school: SchoolId,
}

pub enum Prepared {
    /// A retry of a submission already recorded, with the same content.
    Existing(Proposal),
    /// A new proposal, checked, not yet recorded.
    New(Proposal),
}

/// Checks a submission for its author: a retry returns the proposal already recorded (or
/// CONFLICT for other content); otherwise the submission must pass [`checked`].
pub async fn prepare(
    state: &AppState,
    author: &Author,
    submission: &Submission,
    assisted_by: Option<StaffId>,
) -> Result<Prepared, AppError> {
    if let Some(existing) = earlier_try(state, author, submission).await? {
        return Ok(Prepared::Existing(existing));
    }
    checked(state, author, submission, assisted_by)
        .await
        .map(Prepared::New)
}

/// The proposal an earlier try of this submission recorded, if there was one; CONFLICT when
/// its content differs.
pub async fn earlier_try(
    state: &AppState,
    author: &Author,
    submission: &Submission,
) -> Result<Option<Proposal>, AppError> {
    match store::proposals::find_by_submission(
        &state.db,
        author.child,
        submission.client_submission_id,
    )
    .await?
    {
        Some(existing) => same_or_conflict(state, existing, submission)
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// A new proposal, checked, not yet recorded: the campaign must be open and ask the child, an
/// under-14 needs a guardian's consent, and the answers must fit the child's band form.
pub async fn checked(
    state: &AppState,
    author: &Author,
    submission: &Submission,
    assisted_by: Option<StaffId>,
) -> Result<Proposal, AppError> {
    let record = store::children::find(&state.db, author.child)
        .await?
        .ok_or(AppError::NotFound)?;
    let campaign = crate::services::campaigns::find(state, submission.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if !campaign.is_open_at(now)
        || (campaign.id == crate::domain::campaigns::STANDING
            && crate::services::standing::is_paused_for(state, author.school).await?)
    {
        return Err(AppError::CampaignClosed);
    }
    let today = crate::clock::local_date(now);
    let band = record.birth.band_on(today).ok_or(AppError::NotInAudience)?;
    if !campaign.includes(author.school, band) {
        return Err(AppError::NotInAudience);
    }
    if record.needs_consent(today) {
        return Err(AppError::ConsentRequired);
    }
    let form = campaign.form_for(band).ok_or(AppError::NotInAudience)?;
    let (topic, answers, place) = validated(
        &campaign,
        form,
        &submission.topic,
        &submission.answers,
        submission.place.as_deref(),
    )?;
    usable_media(state, author.child, assisted_by, &answers).await?;
    let area_code = known_area(state, submission.area_code.as_deref()).await?;
    // Drawn, not looked up: one already taken is drawn again when the proposal is written.
    let reference = {
        use chrono::Datelike as _;
        crate::domain::proposals::new_reference(today.year(), &mut rand::rng())
    };
    Ok(Proposal {
        id: ProposalId::new(),
        campaign_id: campaign.id,
        child_id: author.child,
        class_id: author.class,
        school_id: author.school,
        band,
        content_hash: content_hash(
            campaign.id,
            topic.key(),
            &answers,
            place.as_deref(),
            submission.consent_to_publish,
        ),
        topic,
        answers,
        place,
        area_code,
        reference: Some(reference),
        consent_to_publish: submission.consent_to_publish,
        client_submission_id: submission.client_submission_id,
        assisted_by,
        school_state: SchoolState::Submitted,
        government_state: None,
        reopened: false,
        screening: None,
        created_at: now,
    })
}

/// Every attached image must be ready and be the child's own upload, or the upload of the teacher
/// typing for them that no other child's proposal holds yet. Wherever a media id comes in (submit,
/// revise, assisted and paper entry), this is the check: an id seen on the wall is not enough.
pub(crate) async fn usable_media(
    state: &AppState,
    child: ChildId,
    assisted_by: Option<StaffId>,
    answers: &[Answer],
) -> Result<(), AppError> {
    let mut problems = Vec::new();
    for answer in answers {
        for id in &answer.media {
            let media = match MediaId::parse(id) {
                Some(id) => store::media::find(&state.db, id).await?,
                None => None,
            };
            let usable = media.is_some_and(|media| {
                let mine = match media.uploader {
                    Uploader::Child(uploader) => uploader == child.0,
                    Uploader::Staff(staff) => assisted_by.is_some_and(|teacher| teacher.0 == staff),
                };
                mine && media.child_id.is_none_or(|of| of == child)
                    && media.state == MediaState::Ready
            });
            if !usable {
                problems.push(FieldError::new(
                    &["input", "answers", &answer.key],
                    FieldCode::MediaNotUsable,
                    "这张图片不能用，请重新上传。",
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(problems))
    }
}

/// Records new proposals, all or none, each with its first event and an outbox row asking for
/// screening ([`crate::services::recording`]); answers them as recorded.
pub async fn record(
    state: &AppState,
    proposals: Vec<Proposal>,
    actor: EventActor,
) -> Result<Vec<Proposal>, sea_orm::DbErr> {
    state.recorder.record(&state.db, proposals, actor).await
}

/// Whether a write failed because the same submission was recorded meanwhile.
pub fn is_duplicate(error: &sea_orm::DbErr) -> bool {
    error
        .sql_err()
        .is_some_and(|e| matches!(e, sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// The retry of a submission already recorded: the same proposal for the same content.
async fn same_or_conflict(
    state: &AppState,
    existing: Proposal,
    submission: &Submission,
) -> Result<Proposal, AppError> {
    let campaign = crate::services::campaigns::find(state, existing.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let same = campaign.id == submission.campaign_id
        && campaign.form_for(existing.band).is_some_and(|form| {
            validated(
                &campaign,
                form,
                &submission.topic,
                &submission.answers,
                submission.place.as_deref(),
            )
            .is_ok_and(|(topic, answers, place)| {
                existing.content_hash
                    == content_hash(
                        campaign.id,
                        topic.key(),
                        &answers,
                        place.as_deref(),
                        submission.consent_to_publish,
                    )
            })
        });
    if same {
        Ok(existing)
    } else {
        Err(AppError::Conflict)
    }
}

/// Checks a proposal's content against the campaign and the band's form: the topic must be one
/// the campaign offers, the answers must fit, the place at most 200 characters.
pub(crate) fn validated(
    campaign: &Campaign,
    form: &Form,
    topic: &str,
    answers: &[Answer],
    place: Option<&str>,
) -> Result<(Topic, Vec<Answer>, Option<String>), AppError> {
    let topic = Topic::parse(topic)
        .filter(|topic| campaign.offers(topic))
        .ok_or_else(|| {
            AppError::validation(
                &["input", "topic"],
                FieldCode::UnknownTopic,
                "请从列出的主题里选一个。",
            )
        });
    let answers = form.validate(answers);
    let place = place
        .map(str::trim)
        .filter(|place| !place.is_empty())
        .map(str::to_owned);
    let place_ok = place
        .as_ref()
        .is_none_or(|place| place.chars().count() <= 200);
    match (topic, answers) {
        (Ok(topic), Ok(answers)) if place_ok => Ok((topic, answers, place)),
        (topic, answers) => {
            let mut fields = Vec::new();
            for error in [topic.err(), answers.err()].into_iter().flatten() {
                if let AppError::Validation(more) = error {
                    fields.extend(more);
                }
            }
            if !place_ok {
                fields.push(FieldError::new(
                    &["input", "place"],
                    FieldCode::TooLong,
                    "地点最多 200 个字。",
                ));
            }
            Err(AppError::Validation(fields))
        }
    }
}

/// The area a child picked, which must be one of the district's; none if they picked none.
async fn known_area(state: &AppState, code: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(code) = code.map(str::trim).filter(|code| !code.is_empty()) else {
        return Ok(None);
    };
    let code = code.to_ascii_lowercase();
    if store::areas::code_taken(&state.db, &code).await? {
        Ok(Some(code))
    } else {
        Err(AppError::validation(
            &["input", "areaCode"],
            FieldCode::UnknownArea,
            "没有这个乡镇街道，请从列表里选。",
        ))
    }
}
