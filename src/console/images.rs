//! Images for the console's pages: the same renditions and the same proof as `/media`, for the
//! signed-in member of staff (an `<img>` carries the session cookie, not a bearer token).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ConsoleState;
use super::layout;
use super::session::Staff;
use crate::domain::ids::MediaId;
use crate::domain::media::Rendition;
use crate::error::AppError;
use crate::services;

pub async fn rendition(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path((id, rendition)): Path<(String, String)>,
) -> Response {
    let read = async {
        let id = MediaId::parse(&id).ok_or(AppError::NotFound)?;
        let rendition = Rendition::parse(&rendition).ok_or(AppError::NotFound)?;
        services::media::read(&state.app, &staff.actor, id, rendition, &staff.request_id).await
    };
    match read.await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::NotFound | AppError::Forbidden) => {
            (axum::http::StatusCode::NOT_FOUND, "").into_response()
        }
        Err(error) => layout::trouble(&error),
    }
}
