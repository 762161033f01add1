//! `GET /reports/campaigns/{id}.csv` and `.xlsx`: the coordinators' report, for a spreadsheet.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::client::bearer_token;
use super::{HttpState, refusal};
use crate::domain::ids::CampaignId;
use crate::error::AppError;
use crate::services;

pub async fn campaign(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    match export(&state, &file, &headers).await {
        Ok((content_type, name, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => refusal(&state, error),
    }
}

async fn export(
    state: &HttpState,
    file: &str,
    headers: &HeaderMap,
) -> Result<(&'static str, String, Vec<u8>), AppError> {
    let actor =
        services::sessions::authenticate(&state.app, bearer_token(headers).as_deref()).await?;
    let (id, format) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let campaign = CampaignId::parse(id).ok_or(AppError::NotFound)?;
    let report = services::report::report(
        &state.app,
        &crate::services::access::coordinator(&actor)?,
        campaign,
    )
    .await?;
    match format {
        "csv" => Ok((
            "text/csv; charset=utf-8",
            format!("report-{id}.csv"),
            services::report::to_csv(&report)?,
        )),
        "xlsx" => Ok((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("report-{id}.xlsx"),
            services::report::to_xlsx(&report)?,
        )),
        _ => Err(AppError::NotFound),
    }
}
