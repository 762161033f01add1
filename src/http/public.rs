//! The public wall and open data, no sign-in: `/`, `/feed.atom`, `/published.csv`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use crate::domain::page::PageRequest;
use crate::services;
use crate::store::publications::PublicFilter;
use crate::wall::WallFilter;

/// How many proposals the wall shows.
const WALL_SIZE: i32 = 50;

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法访问，请稍后再试。",
    )
        .into_response()
}

pub async fn wall(State(http): State<HttpState>, Query(filter): Query<WallFilter>) -> Response {
    let state = &http.app;
    let Ok(departments) = crate::store::departments::all(&state.db).await else {
        return unavailable();
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
    let Ok(request) = PageRequest::parse(Some(WALL_SIZE), None) else {
        return unavailable();
    };
    let (Ok(page), Ok(stats)) = (
        services::public::published(state, &public, &request).await,
        services::public::stats(state, None).await,
    ) else {
        return unavailable();
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
    let Ok(items) = services::public::all(state, None).await else {
        return unavailable();
    };
    let xml = crate::wall::atom(&items, &base(&headers), state.clock.now());
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

pub async fn csv(State(http): State<HttpState>) -> Response {
    let Ok(items) = services::public::all(&http.app, None).await else {
        return unavailable();
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
        Err(_) => unavailable(),
    }
}
