//! The reference children's app (`/app`): a mobile-first web app that talks to the server only
//! through the public GraphQL API, its WebSocket and `/media`, exactly as a school app would.
//! These are its files, compiled into the binary; the server holds no logic of its own for it.
//! It is installable (a manifest, an icon and a service worker that keeps the app's files for
//! use without a network); ideas made offline wait on the device and are sent when the network
//! returns, each with its `clientSubmissionId`, so a retry never makes a second one.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const INDEX: &str = include_str!("static/index.html");
const SCRIPT: &str = include_str!("static/app.js");
const STYLE: &str = include_str!("static/app.css");
const WORKER: &str = include_str!("static/sw.js");
const MANIFEST: &str = include_str!("static/manifest.webmanifest");
const ICON: &str = include_str!("static/icon.svg");

fn file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// The app's routes: the page at `/app/` (the service worker's scope) and `/app`, and its files.
pub fn router() -> Router {
    let page = get(|| async { file("text/html; charset=utf-8", INDEX) });
    Router::new()
        .route("/app", page.clone())
        .route("/app/", page)
        .route(
            "/app/app.js",
            get(|| async { file("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/app/app.css",
            get(|| async { file("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/app/sw.js",
            get(|| async { file("text/javascript; charset=utf-8", WORKER) }),
        )
        .route(
            "/app/manifest.webmanifest",
            get(|| async { file("application/manifest+json", MANIFEST) }),
        )
        .route(
            "/app/icon.svg",
            get(|| async { file("image/svg+xml", ICON) }),
        )
}
