//! Coordinators: the district's to-do list (answers to publish, extension requests, bounced
//! tasks to re-route, escalations), campaigns, routing, API keys, data requests, the access log
//! and the reports.

mod campaigns;
mod district;
mod records;

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::ConsoleState;
use super::api::{Refusal, run};
use super::session::Staff;

pub fn routes() -> Router<ConsoleState> {
    Router::new()
        .route("/district", get(district::page))
        .route("/district/{step}", post(district::step))
        .route("/campaigns", get(campaigns::page).post(campaigns::create))
        .route("/campaigns/{campaign}", get(campaigns::edit_page))
        .route("/campaigns/{campaign}/{step}", post(campaigns::step))
        .route("/routing", get(records::routing).post(records::set_rule))
        .route("/keys", get(records::keys).post(records::key_step))
        .route(
            "/data-requests",
            get(records::data_requests).post(records::decide_request),
        )
        .route("/access-log", get(records::access_log))
        .route("/reports", get(records::reports))
        .route("/reports/{kind}/{file}", get(records::report_file))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub id: String,
    pub name_zh: String,
}

/// Every department, by name, for the forms that pick one (page by page, as any client reads).
pub async fn departments(state: &ConsoleState, staff: &Staff) -> Result<Vec<Department>, Refusal> {
    #[derive(Deserialize)]
    struct Read {
        departments: Page,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Page {
        nodes: Vec<Department>,
        page_info: PageInfo,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct PageInfo {
        has_next_page: bool,
        end_cursor: Option<String>,
    }
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let read: Read = run(
            state,
            staff,
            "query($a: String) { departments(first: 50, after: $a) { nodes { id nameZh } pageInfo { hasNextPage endCursor } } }",
            json!({ "a": after }),
        )
        .await?;
        all.extend(read.departments.nodes);
        match read.departments.page_info {
            PageInfo {
                has_next_page: true,
                end_cursor: Some(cursor),
            } => after = Some(cursor),
            _ => return Ok(all),
        }
    }
}

/// A department's name, from the list.
pub fn name_of<'a>(departments: &'a [Department], id: Option<&str>) -> &'a str {
    id.and_then(|id| departments.iter().find(|d| d.id == id))
        .map_or("（未分派）", |d| d.name_zh.as_str())
}
