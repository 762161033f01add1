//! Uploading and reading children's drawings and photos.
//!
//! Processing runs at most `MEDIA_WORKERS` images at a time, so a burst of uploads cannot starve
//! text submissions. By default each image is decoded in its own `tongsheng media-worker`
//! process under an address-space limit: a decoder that exhausts memory, panics or aborts takes
//! down only that process, and the upload is refused as CORRUPT. With `MEDIA_ISOLATION=thread`
//! it runs on a blocking thread instead, where a panic is still caught. Either way the size is
//! checked before decoding and the decoder has explicit limits.

use crate::backplane::Limit;
use crate::config::MediaIsolation;
use crate::domain::ids::{ChildId, MediaId};
use crate::domain::media::Media;
use crate::domain::media::Uploader;
use crate::domain::media::{MediaState, Region, RejectCode, Rendition};
use crate::domain::people::{Actor, Role};
use crate::error::AppError;
use crate::media::{Processed, cover, process, worker};
use crate::state::AppState;
use crate::store;
use crate::telemetry::RequestId;

const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
/// A child may upload this many images a day (a drawing or photo for each proposal, and tries).
pub const CHILD_UPLOADS: Limit = Limit {
    name: "upload:child",
    max: 30,
    window: DAY,
};
/// ...and this many bytes a day.
pub const CHILD_UPLOAD_BYTES: Limit = Limit {
    name: "upload_bytes:child",
    max: 64 * 1024 * 1024,
    window: DAY,
};

/// A signed-in child or teacher: uploads one image. Refusals are recorded too, with their code,
/// and returned as the media's state. A child's uploads count against a daily quota of images and
/// of bytes (RATE_LIMITED past either), refused ones included: decoding is the cost.
pub async fn upload(state: &AppState, actor: &Actor, bytes: Vec<u8>) -> Result<Media, AppError> {
    if let Actor::Child(child) = actor {
        let subject = child.id.to_string();
        let now = state.clock.now();
        let size = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let refused = |retry_after| AppError::RateLimited { retry_after };
        state
            .backplane
            .take(&CHILD_UPLOADS, &subject, now)
            .await
            .map_err(refused)?;
        state
            .backplane
            .take_many(&CHILD_UPLOAD_BYTES, &subject, size, now)
            .await
            .map_err(refused)?;
    }
    let (uploader, child_id, class_id) = match actor {
        Actor::Child(child) => (
            Uploader::Child(child.id.0),
            Some(child.id),
            Some(child.class_id),
        ),
        Actor::Staff(staff) if staff.member.role == Role::Teacher => {
            (Uploader::Staff(staff.member.id.0), None, None)
        }
        Actor::Staff(_) | Actor::Integration(_) => return Err(AppError::Forbidden),
        Actor::Anonymous => return Err(AppError::Unauthenticated),
    };
    let mut media = Media {
        id: MediaId::new(),
        uploader,
        child_id,
        class_id,
        state: MediaState::Processing,
        reject_code: None,
        display_key: None,
        thumbnail_key: None,
        covered_key: None,
        publishable: false,
        width: None,
        height: None,
    };
    store::media::insert(&state.db, &media, state.clock.now()).await?;
    match run_pipeline(state, bytes).await {
        Ok(processed) => {
            media.display_key = Some(
                state
                    .media
                    .storage
                    .put(&processed.display)
                    .await
                    .map_err(AppError::internal)?,
            );
            media.thumbnail_key = Some(
                state
                    .media
                    .storage
                    .put(&processed.thumbnail)
                    .await
                    .map_err(AppError::internal)?,
            );
            media.width = Some(processed.width);
            media.height = Some(processed.height);
            media.state = MediaState::Ready;
        }
        Err(code) => {
            media.state = MediaState::Rejected;
            media.reject_code = Some(code);
        }
    }
    store::media::finish(&state.db, &media).await?;
    Ok(media)
}

async fn run_pipeline(state: &AppState, bytes: Vec<u8>) -> Result<Processed, RejectCode> {
    let Ok(_permit) = state.media.permit().await else {
        return Err(RejectCode::Corrupt);
    };
    match &state.config.media_isolation {
        MediaIsolation::Process(program) => {
            let memory = state.config.media_worker_memory_mb * 1024 * 1024;
            worker::run_isolated(program, bytes, memory, std::time::Duration::from_secs(30)).await
        }
        MediaIsolation::Thread => {
            match tokio::task::spawn_blocking(move || process(&bytes)).await {
                Ok(result) => result,
                Err(_panicked) => {
                    tracing::warn!("an image decoder panicked; the upload is refused as CORRUPT");
                    Err(RejectCode::Corrupt)
                }
            }
        }
    }
}

/// The uploader, the teachers of the child it is of, and the staff of the departments its
/// proposal is routed to: one rendition's bytes. Anyone else, and a rejected upload, is
/// NOT_FOUND; and the public, for an image marked publishable of a published proposal (the
/// covered rendition where regions are covered).
///
/// Every staff read of an image of a child is written to the access log.
pub async fn read(
    state: &AppState,
    actor: &Actor,
    id: MediaId,
    rendition: Rendition,
    request: &RequestId,
) -> Result<Vec<u8>, AppError> {
    let bytes = readable(state, actor, id, rendition).await?;
    if let (Actor::Staff(staff), Some(child)) = (actor, bytes.1) {
        crate::services::access::log_reads(state, staff, &[child], "media.read", request).await?;
    }
    Ok(bytes.0)
}

/// The rendition's bytes and the child the image is of, when the actor may see it.
async fn readable(
    state: &AppState,
    actor: &Actor,
    id: MediaId,
    rendition: Rendition,
) -> Result<(Vec<u8>, Option<ChildId>), AppError> {
    let media = store::media::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let child = media.child_id;
    // An image of an escalated proposal is the school's safeguarding lead's alone.
    if let Some(school) = with_the_lead(state, &media).await? {
        crate::services::access::safeguarding_lead_of(actor, school)?;
        let key = media.key(rendition).ok_or(AppError::NotFound)?;
        return fetch(state, key, child).await;
    }
    let allowed = match (actor, media.uploader) {
        (Actor::Child(child), Uploader::Child(uploader)) => child.id.0 == uploader,
        (Actor::Staff(staff), Uploader::Staff(uploader)) if staff.member.id.0 == uploader => true,
        (Actor::Staff(staff), _) if staff.member.role == Role::DepartmentStaff => {
            routed_to(state, actor, &media).await?
        }
        (Actor::Staff(_), _) => match media.class_id {
            Some(class) => crate::services::access::class_teacher(&state.db, actor, class)
                .await
                .is_ok(),
            None => false,
        },
        // The public: only an image the teacher marked publishable, with a published proposal.
        (Actor::Anonymous, _) => {
            let shown = match media.child_id {
                Some(child) => {
                    store::publications::shows_media(&state.db, &media.id.to_string(), child)
                        .await?
                }
                None => false,
            };
            if !(media.publishable && shown) {
                return Err(AppError::Unauthenticated);
            }
            let key = match rendition {
                // A covered image is only ever shown covered.
                Rendition::Display | Rendition::Covered => media
                    .covered_key
                    .as_deref()
                    .or(media.display_key.as_deref()),
                Rendition::Thumbnail if media.covered_key.is_some() => media.covered_key.as_deref(),
                Rendition::Thumbnail => media.thumbnail_key.as_deref(),
            };
            let key = key.ok_or(AppError::NotFound)?.to_owned();
            // The public's read is of what was published, not of the child's data.
            return fetch(state, &key, None).await;
        }
        _ => false,
    };
    let key = media
        .key(rendition)
        .filter(|_| allowed)
        .ok_or(AppError::NotFound)?;
    fetch(state, key, child).await
}

async fn fetch(
    state: &AppState,
    key: &str,
    child: Option<ChildId>,
) -> Result<(Vec<u8>, Option<ChildId>), AppError> {
    let bytes = state
        .media
        .storage
        .get(key)
        .await
        .map_err(AppError::internal)?;
    Ok((bytes, child))
}

/// The school whose safeguarding lead alone may see the image: set when a proposal it is attached
/// to was escalated.
async fn with_the_lead(
    state: &AppState,
    media: &Media,
) -> Result<Option<crate::domain::ids::SchoolId>, AppError> {
    let Some(child) = media.child_id else {
        return Ok(None);
    };
    for id in store::proposals::with_media(&state.db, child, media.id).await? {
        if let Some(proposal) = store::proposals::find(&state.db, id).await?
            && proposal.is_with_the_lead()
        {
            return Ok(Some(proposal.school_id));
        }
    }
    Ok(None)
}

/// Whether the image belongs to a proposal routed to the actor's department (as lead or
/// co-department).
async fn routed_to(state: &AppState, actor: &Actor, media: &Media) -> Result<bool, AppError> {
    let (Ok(member), Some(child)) = (
        crate::services::access::department_member(actor),
        media.child_id,
    ) else {
        return Ok(false);
    };
    let proposals = store::proposals::with_media(&state.db, child, media.id).await?;
    let tasks = store::tasks::of_proposals(&state.db, &proposals).await?;
    Ok(tasks
        .values()
        .any(|task| crate::services::tasks::departments_of(task).contains(&member.department())))
}

/// The teacher of the child an image is of.
async fn teacher_of_image(state: &AppState, actor: &Actor, id: MediaId) -> Result<Media, AppError> {
    let media = store::media::find(&state.db, id)
        .await?
        .filter(|m| m.state == MediaState::Ready)
        .ok_or(AppError::NotFound)?;
    let class = media.class_id.ok_or(AppError::NotFound)?;
    crate::services::access::class_teacher(&state.db, actor, class).await?;
    Ok(media)
}

/// The teacher of the child an image is of: marks it fit (or not) to be shown to the public
/// with the proposal, once that is published.
pub async fn set_publishable(
    state: &AppState,
    actor: &Actor,
    id: MediaId,
    publishable: bool,
) -> Result<Media, AppError> {
    let mut media = teacher_of_image(state, actor, id).await?;
    store::media::set_publishable(&state.db, id, publishable).await?;
    crate::services::publicity::changed(state).await;
    media.publishable = publishable;
    Ok(media)
}

/// The teacher of the child an image is of: covers regions (a face, a house number) in a new
/// `covered` rendition, which is what the public will see. No regions removes the cover.
pub async fn cover_regions(
    state: &AppState,
    actor: &Actor,
    id: MediaId,
    regions: Vec<Region>,
) -> Result<Media, AppError> {
    let mut media = teacher_of_image(state, actor, id).await?;
    if regions.is_empty() {
        store::media::set_covered(&state.db, id, None).await?;
        media.covered_key = None;
        return Ok(media);
    }
    let display_key = media.display_key.clone().ok_or(AppError::NotFound)?;
    let display = state
        .media
        .storage
        .get(&display_key)
        .await
        .map_err(AppError::internal)?;
    let Ok(_permit) = state.media.permit().await else {
        return Err(AppError::Unavailable);
    };
    let covered = tokio::task::spawn_blocking(move || cover(&display, &regions))
        .await
        .map_err(AppError::internal)?
        .map_err(|code| {
            AppError::internal(anyhow::anyhow!(
                "covering a stored rendition failed: {code:?}"
            ))
        })?;
    let key = state
        .media
        .storage
        .put(&covered)
        .await
        .map_err(AppError::internal)?;
    store::media::set_covered(&state.db, id, Some(key.clone())).await?;
    media.covered_key = Some(key);
    Ok(media)
}
