//! `GET /privacy/requests/{id}/export.zip` (an approved export) and
//! `GET /reports/compliance/{year}.csv`, for coordinators with their bearer token.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::client::bearer_token;
use super::{HttpState, refusal};
use crate::error::AppError;
use crate::services;
use crate::telemetry::RequestId;

pub async fn export(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        let request = RequestId(uuid::Uuid::now_v7().to_string());
        services::privacy::export(
            &state.app,
            &crate::services::access::coordinator(&actor)?,
            id,
            &request,
        )
        .await
    }
    .await;
    match result {
        Ok(zip) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"export.zip\"".to_owned(),
                ),
            ],
            zip,
        )
            .into_response(),
        Err(error) => refusal(&state, error),
    }
}

pub async fn compliance(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        let year: i32 = file
            .strip_suffix(".csv")
            .and_then(|y| y.parse().ok())
            .ok_or(AppError::NotFound)?;
        let report = services::compliance::report(
            &state.app,
            &crate::services::access::coordinator(&actor)?,
            year,
        )
        .await?;
        services::compliance::to_csv(&report)
    }
    .await;
    match result {
        Ok(csv) => ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response(),
        Err(error) => refusal(&state, error),
    }
}
