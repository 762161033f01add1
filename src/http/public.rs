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

/// A public page, with an ETag of its content: a browser or a school's proxy that has it asks
/// again with `If-None-Match` and gets 304 without the body. `no-cache`: always asked again, so
/// a withdrawn idea is never shown from a cache.
fn public_page(
    request: &HeaderMap,
    headers: &[(header::HeaderName, &'static str)],
    body: Vec<u8>,
) -> Response {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:016x}-{:x}\"", hasher.finish(), body.len());
    let cache = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, "public, no-cache".to_owned()),
    ];
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if unchanged {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let mut response = (cache, body).into_response();
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(name.clone(), header::HeaderValue::from_static(value));
    }
    response
}

pub async fn wall(
    State(http): State<HttpState>,
    Query(filter): Query<WallFilter>,
    asked: HeaderMap,
) -> Response {
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
    public_page(
        &asked,
        &[(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html.into_bytes(),
    )
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
    public_page(
        &headers,
        &[(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml.into_bytes(),
    )
}

pub async fn csv(State(http): State<HttpState>, request: HeaderMap) -> Response {
    let items = match services::publicity::all(&http.app, None).await {
        Ok(items) => items,
        Err(error) => return unavailable("csv", error),
    };
    match crate::wall::csv(&items) {
        Ok(bytes) => public_page(
            &request,
            &[
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"published.csv\"",
                ),
            ],
            bytes,
        ),
        Err(error) => unavailable("csv", error),
    }
}
