//! `GET /reports/campaigns/{id}.csv` and `.xlsx`: the coordinators' report, for a spreadsheet;
//! `GET /reports/evaluation/{period}.html`, `.csv` and `.xlsx`: the plan's evaluation.

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
    let made = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        campaign_file(&state.app, &actor, &file).await
    };
    match made.await {
        Ok(file) => file_response(file),
        Err(error) => refusal(&state, error),
    }
}

/// A file: its content type, its name and its bytes.
pub type File = (&'static str, String, Vec<u8>);

/// A file to download, or (HTML) to read in the browser.
pub fn file_response((content_type, name, bytes): (&'static str, String, Vec<u8>)) -> Response {
    let disposition = if content_type.starts_with("text/html") {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{name}\"")
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// Coordinators: a campaign's report as `{id}.csv` or `{id}.xlsx` (the console serves it too).
pub async fn campaign_file(
    state: &crate::state::AppState,
    actor: &crate::domain::people::Actor,
    file: &str,
) -> Result<File, AppError> {
    let (id, format) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let campaign = CampaignId::parse(id).ok_or(AppError::NotFound)?;
    let report = services::report::report(
        state,
        &crate::services::access::coordinator(actor)?,
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

/// `GET /reports/evaluation/{period}.{csv|xlsx|html}`: the plan's evaluation for coordinators,
/// for a year (`2026.html`) or a span (`2026-03-01_2026-09-01.csv`, the second day excluded).
pub async fn evaluation(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let made = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        evaluation_file(&state.app, &actor, &file).await
    };
    match made.await {
        Ok(file) => file_response(file),
        Err(error) => refusal(&state, error),
    }
}

/// A year or a span as a file names it, and its words.
fn named_period(name: &str) -> Option<(services::evaluation::Period, String)> {
    use chrono::NaiveDate;
    if let Ok(year) = name.parse::<i32>() {
        let from = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let to = NaiveDate::from_ymd_opt(year + 1, 1, 1)?;
        return Some((
            services::evaluation::Period { from, to },
            format!("{year}年"),
        ));
    }
    let (from, to) = name.split_once('_')?;
    let from = NaiveDate::parse_from_str(from, "%Y-%m-%d").ok()?;
    let to = NaiveDate::parse_from_str(to, "%Y-%m-%d").ok()?;
    let words = format!("{from} 至 {}", to.pred_opt()?);
    (from < to).then_some((services::evaluation::Period { from, to }, words))
}

/// Coordinators: the plan's evaluation for a named period (the console serves it too).
pub async fn evaluation_file(
    state: &crate::state::AppState,
    actor: &crate::domain::people::Actor,
    file: &str,
) -> Result<File, AppError> {
    let coordinator = crate::services::access::coordinator(actor)?;
    let (name, format) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let (period, words) = named_period(name).ok_or(AppError::NotFound)?;
    let evaluation = services::evaluation::evaluation(state, &coordinator, period).await?;
    match format {
        "csv" => Ok((
            "text/csv; charset=utf-8",
            format!("evaluation-{name}.csv"),
            services::evaluation::exports::to_csv(&evaluation.by_measure)?,
        )),
        "xlsx" => Ok((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("evaluation-{name}.xlsx"),
            services::evaluation::exports::to_xlsx(&evaluation)?,
        )),
        "html" => Ok((
            "text/html; charset=utf-8",
            format!("evaluation-{name}.html"),
            crate::wall::evaluation::render(&evaluation, &words).into_bytes(),
        )),
        _ => Err(AppError::NotFound),
    }
}
