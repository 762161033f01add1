//! `POST /media` (one image, multipart field `file`) and `GET /media/{id}/{rendition}`.

use axum::Json;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::HttpState;
use super::client::bearer_token;
use crate::domain::ids::MediaId;
use crate::domain::media::{MAX_BYTES, Rendition};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services;
use crate::telemetry::RequestId;

/// The body limit of an upload: the file and the multipart framing around it.
pub const MAX_UPLOAD_BODY: usize = MAX_BYTES + 64 * 1024;

pub async fn upload(
    State(state): State<HttpState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    match receive(&state, &headers, multipart).await {
        Ok(media) => {
            let status = if media.reject_code.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CREATED
            };
            let body = json!({
                "id": media.id.to_string(),
                "state": media.state.as_str(),
                "code": media.reject_code.map(|code| code.as_str()),
                "width": media.width,
                "height": media.height,
            });
            (status, Json(body)).into_response()
        }
        Err(error) => refuse(&state, error),
    }
}

async fn receive(
    state: &HttpState,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<crate::domain::media::Media, AppError> {
    let actor =
        services::sessions::authenticate(&state.app, bearer_token(headers).as_deref()).await?;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(unreadable)?);
        }
    }
    let file = file
        .ok_or_else(|| AppError::validation(&["file"], FieldCode::Required, "请选择一张图片。"))?;
    services::media::upload(&state.app, &actor, file.to_vec()).await
}

fn unreadable(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::validation(&["file"], FieldCode::TooLarge, "图片太大了，最多 8 MB。")
    } else {
        AppError::validation(&["file"], FieldCode::Unreadable, "上传不完整，请再试一次。")
    }
}

pub async fn rendition(
    State(state): State<HttpState>,
    Extension(request_id): Extension<RequestId>,
    Path((id, rendition)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        let id = MediaId::parse(&id).ok_or(AppError::NotFound)?;
        let rendition = Rendition::parse(&rendition).ok_or(AppError::NotFound)?;
        services::media::read(&state.app, &actor, id, rendition, &request_id).await
    }
    .await;
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => refuse(&state, error),
    }
}

fn refuse(state: &HttpState, error: AppError) -> Response {
    super::refusal(state, error)
}
