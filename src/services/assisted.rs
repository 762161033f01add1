//! A teacher submitting for children: one who dictates (the proposal is marked as assisted), or
//! a batch of paper proposals, each credited to its child. The same checks apply as when the
//! child submits; the teacher's name is on each proposal's first event.

use crate::domain::ids::ChildId;
use crate::domain::proposals::Proposal;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::services::access::ClassTeacher;
use crate::services::notifications::announce_recorded;
use crate::services::submission::{Author, Prepared, Submission, is_duplicate, prepare, record};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

/// The class's teacher: submits for a child of the class who dictates. Idempotent like the
/// child's own submission.
pub async fn submit_for_child(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
    submission: Submission,
) -> Result<Proposal, AppError> {
    let author = author_in_class(state, teacher, child).await?;
    match prepare(state, &author, &submission, Some(teacher.staff().member.id)).await? {
        Prepared::Existing(proposal) => Ok(proposal),
        Prepared::New(proposal) => {
            match record(
                state,
                vec![proposal],
                EventActor::Staff(teacher.staff().member.id),
            )
            .await
            {
                Ok(recorded) => {
                    let proposal =
                        recorded
                            .into_iter()
                            .next()
                            .ok_or(AppError::Internal(anyhow::anyhow!(
                                "recording answered no proposal"
                            )))?;
                    announce_recorded(state, &proposal).await;
                    Ok(proposal)
                }
                Err(error) if is_duplicate(&error) => Err(AppError::Conflict),
                Err(error) => Err(error.into()),
            }
        }
    }
}

/// The class's teacher: enters paper proposals, each credited to a child of the class, all or
/// none. Each entry's problems are reported under `["proposals", <index>, …]`; entries already
/// recorded (a retried batch) are returned as they are.
pub async fn submit_paper(
    state: &AppState,
    teacher: &ClassTeacher,
    entries: Vec<(ChildId, Submission)>,
) -> Result<Vec<Proposal>, AppError> {
    if entries.is_empty() || entries.len() > 100 {
        return Err(AppError::validation(
            &["proposals"],
            FieldCode::Count,
            "一次可以录入 1 到 100 份。",
        ));
    }
    let mut problems = Vec::new();
    let mut prepared = Vec::new();
    for (index, (child, submission)) in entries.iter().enumerate() {
        let index = index.to_string();
        let outcome = match author_in_class(state, teacher, *child).await {
            Ok(author) => {
                prepare(state, &author, submission, Some(teacher.staff().member.id)).await
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok(ready) => prepared.push(ready),
            Err(AppError::Validation(fields)) => {
                problems.extend(fields.into_iter().map(|field| rerooted(field, &index)))
            }
            Err(AppError::Internal(cause)) => return Err(AppError::Internal(cause)),
            Err(AppError::Unavailable) => return Err(AppError::Unavailable),
            Err(other) => problems.push(FieldError::new(
                &["proposals", &index],
                FieldCode::Refused(other.code()),
                other.public_message(),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let new: Vec<Proposal> = prepared
        .iter()
        .filter_map(|p| {
            if let Prepared::New(p) = p {
                Some(p.clone())
            } else {
                None
            }
        })
        .collect();
    let mut recorded = record(state, new, EventActor::Staff(teacher.staff().member.id))
        .await
        .map_err(|error| {
            if is_duplicate(&error) {
                AppError::Conflict
            } else {
                error.into()
            }
        })?
        .into_iter();
    for proposal in recorded.as_slice() {
        announce_recorded(state, proposal).await;
    }
    // The recorded ones come back in order, their references as written.
    Ok(prepared
        .into_iter()
        .map(|p| match p {
            Prepared::New(p) => recorded.next().unwrap_or(p),
            Prepared::Existing(p) => p,
        })
        .collect())
}

/// `["input", rest…]` becomes `["proposals", index, rest…]`.
fn rerooted(field: FieldError, index: &str) -> FieldError {
    let mut path = vec!["proposals".to_owned(), index.to_owned()];
    path.extend(field.path.into_iter().skip_while(|part| part == "input"));
    FieldError { path, ..field }
}

async fn author_in_class(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
) -> Result<Author, AppError> {
    match store::children::find(&state.db, child).await? {
        Some(record) if record.class_id == teacher.class().id => Ok(Author {
            child: record.id,
            class: teacher.class().id,
            school: teacher.class().school_id,
        }),
        _ => Err(AppError::NotFound),
    }
}
