//! The console's session: the API's own session record, carried in a cookie. A page needs a
//! signed-in member of staff (`Staff`); a form post needs that and the token bound to the
//! session (`Posted`), checked before the handler runs, so no handler can forget it.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::{IpAddr, SocketAddr};

use super::ConsoleState;
use super::layout;
use crate::domain::people::{Actor, Role, StaffMember};
use crate::services;
use crate::telemetry::RequestId;

/// The session cookie's name.
pub const COOKIE: &str = "tongsheng_console";
/// A random value set before sign-in, to which the sign-in form's token is bound.
pub const PRE_COOKIE: &str = "tongsheng_console_pre";
/// The form field (and, for scripts, the header) that carries the token.
pub const CSRF_FIELD: &str = "csrf";

/// A signed-in member of staff, with what every page needs to act as them.
pub struct Staff {
    pub actor: Actor,
    pub member: StaffMember,
    pub request_id: RequestId,
    pub client: IpAddr,
    /// The token of this session's forms.
    pub csrf: String,
}

impl Staff {
    pub fn role(&self) -> Role {
        self.member.role
    }
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value for the console's path: HttpOnly, SameSite=Strict, Secure in production.
pub fn set_cookie(state: &ConsoleState, name: &str, value: &str, max_age: i64) -> String {
    let secure = if state.app.config.is_production() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// The client's address, as the API determines it.
pub fn client(state: &ConsoleState, parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    crate::http::client_address(peer, &parts.headers, &state.app.config.trusted_proxies)
}

fn request_id(parts: &Parts) -> RequestId {
    parts
        .extensions
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(|| RequestId::from_header(None))
}

fn to_sign_in() -> Response {
    Redirect::to("/console/sign-in").into_response()
}

impl FromRequestParts<ConsoleState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ConsoleState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(to_sign_in());
        };
        let actor = match services::sessions::authenticate(&state.app, Some(&token)).await {
            Ok(actor) => actor,
            Err(error) => return Err(layout::trouble(&error)),
        };
        // Only a member of staff's own session: never a child's, never a department's key.
        let Actor::Staff(staff) = &actor else {
            return Err(to_sign_in());
        };
        let member = staff.member.clone();
        Ok(Staff {
            csrf: state.app.secrets.form_token(&token),
            member,
            actor,
            request_id: request_id(parts),
            client: client(state, parts),
        })
    }
}

/// A form post: its sender, signed in, and its fields, the session's token checked.
pub struct Posted {
    pub staff: Staff,
    pub fields: Fields,
}

impl FromRequest<ConsoleState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &ConsoleState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields = Fields(serde_urlencoded::from_bytes(&bytes).unwrap_or_default());
        let presented = fields.get(CSRF_FIELD).unwrap_or_default();
        if !crate::secrets::same_secret(presented.as_bytes(), staff.csrf.as_bytes()) {
            return Err(stale_form());
        }
        Ok(Posted { staff, fields })
    }
}

/// The answer to a post without its session's token: refused, nothing done.
pub fn stale_form() -> Response {
    (
        StatusCode::FORBIDDEN,
        layout::bare(
            "表单已失效",
            "这个表单已经失效（可能已经退出或打开太久）。请回到上一页刷新后再提交。",
        ),
    )
        .into_response()
}

/// A form's fields, in order; a name may repeat (checkboxes).
#[derive(Default)]
pub struct Fields(Vec<(String, String)>);

impl From<Vec<(String, String)>> for Fields {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Fields(pairs)
    }
}

impl Fields {
    /// The first value of `name`, when it is there.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The trimmed value of `name`, or nothing when it is blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }

    /// Every name and value, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// A file sent from a form (`multipart/form-data`): its sender, signed in, the session's token
/// checked as for any post, and the file.
pub struct PostedFile {
    pub staff: Staff,
    pub name: String,
    pub bytes: Vec<u8>,
}

impl FromRequest<ConsoleState> for PostedFile {
    type Rejection = Response;

    async fn from_request(request: Request, state: &ConsoleState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let mut multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        let (mut token, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
        while let Ok(Some(field)) = multipart.next_field().await {
            match field.name() {
                Some(CSRF_FIELD) => token = field.text().await.unwrap_or_default(),
                Some("file") => {
                    name = field.file_name().unwrap_or_default().to_owned();
                    bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                }
                _ => {}
            }
        }
        if !crate::secrets::same_secret(token.as_bytes(), staff.csrf.as_bytes()) {
            return Err(stale_form());
        }
        Ok(PostedFile { staff, name, bytes })
    }
}
