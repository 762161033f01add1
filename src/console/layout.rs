//! The page every console screen sits in: the role's menu, the session's idle notice, and the
//! ways a refusal is shown (beside its field, above the form, or as the whole page).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::api::Refusal;
use super::session::{CSRF_FIELD, Staff};
use crate::domain::people::Role;
use crate::error::{AppError, ErrorCode};

/// Minutes without use after which a staff session ends (`SessionPolicy::for_staff`).
fn idle_minutes() -> i64 {
    crate::domain::sessions::SessionPolicy::for_staff()
        .idle
        .map_or(0, |idle| idle.num_minutes())
}

/// Each role's menu: where it lands first, then its other pages.
pub fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Teacher => &[
            ("/console/review", "待审核"),
            ("/console/classes", "我的班级"),
        ],
        Role::SafeguardingLead | Role::DistrictSafeguardingLead => {
            &[("/console/cases", "保护个案")]
        }
        Role::DepartmentStaff => &[("/console/tasks", "任务")],
        Role::Coordinator => &[
            ("/console/district", "待办"),
            ("/console/campaigns", "征集活动"),
            ("/console/routing", "分派规则"),
            ("/console/keys", "接口密钥"),
            ("/console/data-requests", "数据请求"),
            ("/console/access-log", "访问记录"),
            ("/console/reports", "报告"),
        ],
    }
}

fn head(title: &str) -> Markup {
    html! {
        (DOCTYPE)
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · 童声工作台" }
            link rel="stylesheet" href="/console/console.css";
            script src="/console/console.js" defer {}
        }
    }
}

/// A whole page for a signed-in member of staff.
pub fn page(staff: &Staff, title: &str, body: Markup) -> Response {
    let idle = idle_minutes();
    let markup = html! {
        (head(title))
        body data-idle-minutes=(idle) data-csrf=(staff.csrf) {
            a.skip href="#main" { "跳到正文" }
            header.top {
                a.brand href="/console" { "童声工作台" }
                nav aria-label="主菜单" {
                    @for (href, label) in menu(staff.role()) {
                        a href=(href) { (label) }
                    }
                }
                form.sign-out method="post" action="/console/sign-out" {
                    (csrf(staff))
                    span.who { (staff.member.display_name) }
                    button type="submit" { "退出" }
                }
            }
            p.idle role="status" { "为了保护孩子的信息，" (idle) " 分钟不操作会自动退出。" }
            div #idle-warning hidden role="alert" {
                "还有 2 分钟就会自动退出。"
                button type="button" #still-here { "我还在，继续" }
            }
            main #main {
                h1 { (title) }
                (body)
            }
        }
    };
    Html(markup.into_string()).into_response()
}

/// A page with only a message, for when there is no session to act in.
pub fn bare(title: &str, message: &str) -> Html<String> {
    Html(
        html! {
            (head(title))
            body {
                main #main {
                    h1 { (title) }
                    p { (message) }
                    p { a href="/console" { "回到工作台" } }
                }
            }
        }
        .into_string(),
    )
}

/// The hidden field that carries the session's form token.
pub fn csrf(staff: &Staff) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(staff.csrf); }
}

/// The refusal's message for one field, shown beside it.
pub fn field_error(refusal: Option<&Refusal>, name: &str) -> Markup {
    html! {
        @if let Some(message) = refusal.and_then(|r| r.field(name)) {
            p.field-error role="alert" id={ "error-" (name) } { (message) }
        }
    }
}

/// A refusal's message above a form, when it is not about one field.
pub fn form_error(refusal: Option<&Refusal>) -> Markup {
    html! {
        @if let Some(refusal) = refusal {
            @if refusal.fields.is_empty() {
                p.form-error role="alert" { (refusal.message) }
            } @else {
                p.form-error role="alert" { "有几处需要改一改，请看标红的说明。" }
            }
        }
    }
}

/// What was just done, from the `done` query parameter after a post.
pub fn done(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            p.done role="status" { "✓ " (message) }
        }
    }
}

/// What a post on a list page did, or why it was refused, from the query after the redirect.
#[derive(serde::Deserialize, Default)]
pub struct Notice {
    pub done: Option<String>,
    pub problem: Option<String>,
}

pub fn notice(notice: &Notice) -> Markup {
    html! {
        (done(notice.done.as_deref()))
        @if let Some(problem) = &notice.problem {
            p.form-error role="alert" { (problem) }
        }
    }
}

/// Back to a list page with a refusal's message above it.
pub fn refused_on(path: &str, refusal: &Refusal) -> Response {
    let encoded =
        serde_urlencoded::to_string([("problem", refusal.message.as_str())]).unwrap_or_default();
    axum::response::Redirect::to(&format!("{path}?{encoded}")).into_response()
}

/// A refusal that leaves nothing to show: what a member of staff may not see is not found, so
/// an edited address tells nothing about what exists.
pub fn refused(staff: &Staff, refusal: &Refusal) -> Response {
    let (status, title, message) = match refusal.code.as_str() {
        "NOT_FOUND" => (
            StatusCode::NOT_FOUND,
            "没有找到",
            "没有找到这一页，或者你的账号不能查看它。",
        ),
        "FORBIDDEN" => (
            StatusCode::FORBIDDEN,
            "不能查看",
            "你的账号不能使用这一页。",
        ),
        "UNAUTHENTICATED" => (
            StatusCode::UNAUTHORIZED,
            "请重新登录",
            "登录已经结束，请重新登录。",
        ),
        _ => {
            tracing::warn!(code = %refusal.code, message = %refusal.message, "a console page could not be built");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "暂时无法打开",
                "暂时无法打开这一页，请稍后再试。",
            )
        }
    };
    let mut response = page(staff, title, html! { p { (message) } });
    *response.status_mut() = status;
    response
}

/// A failure before any page could be built (the database is unreachable).
pub fn trouble(error: &AppError) -> Response {
    let status = match error.code() {
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (
        status,
        bare("暂时无法打开", "暂时无法打开工作台，请稍后再试。"),
    )
        .into_response()
}

/// A timestamp as staff read it: `2026-12-01 14:05`, in China's time.
pub fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|at| {
            at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap_or(*at.offset()))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// Where to go after a post: the page, with what was done.
pub fn after(path: &str, done: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    let encoded = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    axum::response::Redirect::to(&format!("{path}{separator}{encoded}")).into_response()
}

/// A post on a list page: runs `mutation`, then goes back to `back` saying what was done, or
/// with the refusal above the list when the input was refused; another refusal is the page.
pub async fn act_then_return(
    state: &super::ConsoleState,
    staff: &Staff,
    mutation: &str,
    variables: serde_json::Value,
    back: &str,
    done: &str,
) -> Response {
    match super::api::run::<serde_json::Value>(state, staff, mutation, variables).await {
        Ok(_) => after(back, done),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            refused_on(back, &refusal)
        }
        Err(refusal) => refused(staff, &refusal),
    }
}
