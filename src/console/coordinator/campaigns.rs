//! Campaigns (征集活动): the list with each one's state, opening and closing, and a new one.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, after, csrf, field_error, form_error, when};
use crate::console::session::{Fields, Posted, Staff};
use crate::console::words;
use crate::domain::topics::TOPICS;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Campaign {
    id: String,
    title: String,
    state: String,
    standing: bool,
    bands: Vec<String>,
    opens_at: String,
    closes_at: String,
    all_schools: bool,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "DRAFT" => "草稿",
        "OPEN" => "征集中",
        "CLOSED" => "已结束",
        _ => "其他",
    }
}

pub async fn page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(notice): Query<layout::Notice>,
) -> Response {
    render(&state, &staff, &notice, None, &Fields::default()).await
}

async fn render(
    state: &ConsoleState,
    staff: &Staff,
    notice: &layout::Notice,
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Response {
    #[derive(Deserialize)]
    struct Read {
        campaigns: Vec<Campaign>,
    }
    let read: Read = match run(
        state,
        staff,
        "{ campaigns { id title state standing bands opensAt closesAt allSchools } }",
        json!({}),
    )
    .await
    {
        Ok(read) => read,
        Err(refusal) => return layout::refused(staff, &refusal),
    };
    let chosen = |name: &str, value: &str| typed.all(name).contains(&value);
    let body = html! {
        (layout::notice(notice))
        table.rows {
            thead { tr { th { "活动" } th { "状态" } th { "年龄段" } th { "时间" } th { "操作" } } }
            tbody {
                @for c in &read.campaigns {
                    tr {
                        td { (c.title) @if c.standing { " " span.tag { "常设" } } }
                        td { (state_label(&c.state)) }
                        td { @for b in &c.bands { span.tag { (words::band(b)) } } }
                        td { (when(&c.opens_at)) " 至 " (when(&c.closes_at)) @if c.all_schools { br; span.hint { "全区学校" } } }
                        td {
                            @if !c.standing && c.state == "DRAFT" {
                                form method="post" action={ "/console/campaigns/" (c.id) "/open" } { (csrf(staff)) button type="submit" { "开始征集" } }
                            }
                            @if !c.standing && c.state == "OPEN" {
                                form method="post" action={ "/console/campaigns/" (c.id) "/close" } data-confirm="结束后孩子们就不能再提交了。确定吗？" {
                                    (csrf(staff)) button.secondary type="submit" { "结束征集" } }
                            }
                        }
                    }
                }
            }
        }
        form.card method="post" action="/console/campaigns" {
            (csrf(staff))
            h2 { "新建征集活动" }
            (form_error(refusal))
            label for="title" { "标题（孩子会看到）" }
            input #title name="title" value=(typed.get("title").unwrap_or_default()) required;
            (field_error(refusal, "title"))
            label for="description" { "说明" }
            textarea #description name="description" { (typed.get("description").unwrap_or_default()) }
            (field_error(refusal, "description"))
            fieldset {
                legend { "哪些年龄段" }
                @for band in ["A", "B", "C", "D"] {
                    label.inline { input type="checkbox" name="bands" value=(band) checked[chosen("bands", band)]; (words::band(band)) }
                }
            }
            (field_error(refusal, "bands"))
            fieldset {
                legend { "主题" }
                @for (key, label, _) in TOPICS {
                    label.inline { input type="checkbox" name="topics" value=(key) checked[chosen("topics", key)]; (label) }
                }
            }
            (field_error(refusal, "topics"))
            label for="opensAt" { "开始时间" }
            input #opensAt name="opensAt" type="datetime-local" value=(typed.get("opensAt").unwrap_or_default()) required;
            (field_error(refusal, "opensAt"))
            label for="closesAt" { "结束时间" }
            input #closesAt name="closesAt" type="datetime-local" value=(typed.get("closesAt").unwrap_or_default()) required;
            (field_error(refusal, "closesAt"))
            p.hint { "新建的活动是草稿，点“开始征集”后孩子们才能看到。面向全区所有学校。" }
            p { button type="submit" { "保存为草稿" } }
        }
    };
    layout::page(staff, "征集活动", body)
}

/// A `datetime-local` value, read as China's time.
fn china_time(value: &str) -> String {
    if value.len() == 16 {
        format!("{value}:00+08:00")
    } else {
        value.to_owned()
    }
}

pub async fn create(
    State(state): State<ConsoleState>,
    Posted { staff, fields }: Posted,
) -> Response {
    let input = json!({
        "title": fields.get("title").unwrap_or_default(),
        "description": fields.get("description").unwrap_or_default(),
        "bands": fields.all("bands"),
        "topics": fields.all("topics"),
        "opensAt": china_time(fields.get("opensAt").unwrap_or_default()),
        "closesAt": china_time(fields.get("closesAt").unwrap_or_default()),
    });
    let ran: Result<Value, Refusal> = run(
        &state,
        &staff,
        "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
        json!({ "i": input }),
    )
    .await;
    match ran {
        Ok(_) => after("/console/campaigns", "已保存为草稿。"),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let mut response = render(
                &state,
                &staff,
                &layout::Notice::default(),
                Some(&refusal),
                &fields,
            )
            .await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

pub async fn step(
    State(state): State<ConsoleState>,
    Path((campaign, step)): Path<(String, String)>,
    Posted { staff, .. }: Posted,
) -> Response {
    let (mutation, done) = match step.as_str() {
        "open" => (
            "mutation($c: ID!) { openCampaign(id: $c) { id } }",
            "已开始征集。",
        ),
        "close" => (
            "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
            "已结束征集。",
        ),
        _ => {
            return layout::refused(&staff, &Refusal::not_found());
        }
    };
    layout::act_then_return(
        &state,
        &staff,
        mutation,
        json!({ "c": campaign }),
        "/console/campaigns",
        done,
    )
    .await
}
