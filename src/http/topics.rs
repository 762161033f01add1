//! `GET /topics/{key}.svg`: the topics' pictures, public and cached for a day.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::domain::topics::PICTURES;

pub async fn picture(Path(file): Path<String>) -> Response {
    let key = file.strip_suffix(".svg").unwrap_or_default();
    match PICTURES.iter().find(|(k, _, _)| *k == key) {
        Some((_, svg, _)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *svg,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
