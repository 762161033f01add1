//! Signing in with username and password into the API's own session record, signing out (which
//! ends that session everywhere), and the idle notice's "I am still here".

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{DOCTYPE, html};

use super::ConsoleState;
use super::layout;
use super::session::{self, COOKIE, CSRF_FIELD, PRE_COOKIE, Posted, Staff};
use crate::error::AppError;
use crate::secrets::{random_token, same_secret};
use crate::services;

/// `/console`: each role lands on its first page.
pub async fn home(staff: Staff) -> Response {
    let first = layout::menu(staff.role())
        .first()
        .map_or("/console/sign-in", |(href, _)| href);
    Redirect::to(first).into_response()
}

fn sign_in_page(
    state: &ConsoleState,
    pre: &str,
    username: &str,
    problem: Option<&str>,
) -> Html<String> {
    let token = state.app.secrets.form_token(pre);
    Html(
        html! {
            (DOCTYPE)
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "登录 · 童声工作台" }
                link rel="stylesheet" href="/console/console.css";
            }
            body.sign-in {
                main #main {
                    h1 { "童声工作台" }
                    p { "老师、学校保护负责人、部门工作人员和区里的协调员在这里处理孩子们的建议。" }
                    form method="post" action="/console/sign-in" {
                        input type="hidden" name=(CSRF_FIELD) value=(token);
                        @if let Some(problem) = problem {
                            p.form-error role="alert" { (problem) }
                        }
                        label for="username" { "用户名" }
                        input #username name="username" autocomplete="username" required value=(username);
                        label for="password" { "密码" }
                        input #password name="password" type="password" autocomplete="current-password" required;
                        button type="submit" { "登录" }
                    }
                    p.hint { "登录后 30 分钟不操作会自动退出。共用电脑用完请点“退出”。" }
                }
            }
        }
        .into_string(),
    )
}

/// The sign-in form, with a fresh value its token is bound to.
pub async fn form(State(state): State<ConsoleState>, request: Request) -> Response {
    let pre = session::cookie(request.headers(), PRE_COOKIE).unwrap_or_else(random_token);
    let cookie = session::set_cookie(&state, PRE_COOKIE, &pre, 3600);
    (
        [(header::SET_COOKIE, cookie)],
        sign_in_page(&state, &pre, "", None),
    )
        .into_response()
}

pub async fn submit(State(state): State<ConsoleState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let client = session::client(&state, &parts);
    let pre = session::cookie(&parts.headers, PRE_COOKIE).unwrap_or_default();
    let Ok(bytes) = Bytes::from_request(Request::from_parts(parts, body), &state).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    let expected = state.app.secrets.form_token(&pre);
    if pre.is_empty() || !same_secret(field(CSRF_FIELD).as_bytes(), expected.as_bytes()) {
        return session::stale_form();
    }
    let username = field("username");
    match services::sessions::sign_in_staff(&state.app, username, field("password"), client).await {
        Ok(signed_in) => {
            let seconds = (signed_in.expires_at - state.app.clock.now()).num_seconds();
            let headers = axum::response::AppendHeaders([
                (
                    header::SET_COOKIE,
                    session::set_cookie(&state, COOKIE, &signed_in.token, seconds.max(0)),
                ),
                (
                    header::SET_COOKIE,
                    session::set_cookie(&state, PRE_COOKIE, "", 0),
                ),
            ]);
            (headers, Redirect::to("/console")).into_response()
        }
        Err(error) => {
            let (status, problem) = match &error {
                AppError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    "用户名或密码不对，请再试一次。".to_owned(),
                ),
                AppError::RateLimited { retry_after } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "尝试次数太多了，请 {} 分钟后再试。",
                        retry_after.as_secs().div_ceil(60).max(1)
                    ),
                ),
                other => return layout::trouble(other),
            };
            (status, sign_in_page(&state, &pre, username, Some(&problem))).into_response()
        }
    }
}

/// Ends this session on every instance (the API's token with it) and forgets the cookie.
pub async fn sign_out(State(state): State<ConsoleState>, posted: Posted) -> Response {
    if let Err(error) = services::sessions::sign_out(&state.app, &posted.staff.actor).await {
        return layout::trouble(&error);
    }
    (
        [(
            header::SET_COOKIE,
            session::set_cookie(&state, COOKIE, "", 0),
        )],
        Redirect::to("/console/sign-in"),
    )
        .into_response()
}

/// The idle notice's "I am still here": signing the request in counted as a use.
pub async fn still_here(_posted: Posted) -> StatusCode {
    StatusCode::NO_CONTENT
}
