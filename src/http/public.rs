//! The public wall and open data, no sign-in: `/`, `/feed.atom`, `/published.csv`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use crate::domain::page::PageRequest;
use crate::domain::publicity::PublicFilter;
use crate::services;
use crate::wall::WallFilter;

/// How many proposals the wall shows.
const WALL_SIZE: i32 = 50;

/// A public page that could not be built: logged with its cause, answered 503.
fn unavailable(page: &'static str, error: impl std::fmt::Debug) -> Response {
    tracing::warn!(page, error = ?error, "a public page could not be built");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法访问，请稍后再试。",
    )
        .into_response()
}

pub async fn wall(State(http): State<HttpState>, Query(filter): Query<WallFilter>) -> Response {
    let state = &http.app;
    let departments = match services::departments::all(&state.db).await {
        Ok(departments) => departments,
        Err(error) => return unavailable("wall", error),
    };
    let department = filter
        .department
        .as_deref()
        .filter(|code| !code.is_empty())
        .and_then(|code| departments.values().find(|d| d.code.as_str() == code))
        .map(|d| d.id);
    let public = PublicFilter {
        campaign: None,
        topic: filter.topic.clone().filter(|t| !t.is_empty()),
        department,
    };
    let request = match PageRequest::parse(Some(WALL_SIZE), None) {
        Ok(request) => request,
        Err(error) => return unavailable("wall", error),
    };
    let page = match services::publicity::published(state, &public, &request).await {
        Ok(page) => page,
        Err(error) => return unavailable("wall", error),
    };
    let stats = match services::publicity::stats(state, None).await {
        Ok(stats) => stats,
        Err(error) => return unavailable("wall", error),
    };
    let mut choices: Vec<(String, String)> = departments
        .values()
        .map(|d| (d.code.as_str().to_owned(), d.name_zh.clone()))
        .collect();
    choices.sort();
    let html = crate::wall::render(&page.items, &stats, &choices, &filter);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub async fn feed(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    let state = &http.app;
    let items = match services::publicity::all(state, None).await {
        Ok(items) => items,
        Err(error) => return unavailable("feed", error),
    };
    let xml = crate::wall::atom(&items, &base(&headers), state.clock.now());
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

pub async fn csv(State(http): State<HttpState>) -> Response {
    let items = match services::publicity::all(&http.app, None).await {
        Ok(items) => items,
        Err(error) => return unavailable("csv", error),
    };
    match crate::wall::csv(&items) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"published.csv\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => unavailable("csv", error),
    }
}
