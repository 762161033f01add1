//! Campaigns (征集活动): the list with each one's state and its report, opening and closing, a new
//! one, and editing one, with its audience (bands, and every school or some).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
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
struct Topic {
    key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Campaign {
    id: String,
    title: String,
    description: String,
    state: String,
    standing: bool,
    bands: Vec<String>,
    topics: Vec<Topic>,
    opens_at: String,
    closes_at: String,
    all_schools: bool,
    school_ids: Vec<String>,
    answer_days: i64,
    sign_for_days: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct School {
    id: String,
    name_zh: String,
}

#[derive(Deserialize)]
struct Read {
    campaigns: Vec<Campaign>,
    schools: Vec<School>,
}

const READ: &str = "{ campaigns { id title description state standing bands topics { key } opensAt \
    closesAt allSchools schoolIds answerDays signForDays } schools { id nameZh } }";

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
    render(&state, &staff, &notice, None, None, &Fields::default()).await
}

/// A campaign's values as the form's fields, to edit it.
fn as_fields(campaign: &Campaign) -> Fields {
    let local = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|at| {
                at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap_or(*at.offset()))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let mut pairs = vec![
        ("title".to_owned(), campaign.title.clone()),
        ("description".to_owned(), campaign.description.clone()),
        ("opensAt".to_owned(), local(&campaign.opens_at)),
        ("closesAt".to_owned(), local(&campaign.closes_at)),
        ("answerDays".to_owned(), campaign.answer_days.to_string()),
        ("signForDays".to_owned(), campaign.sign_for_days.to_string()),
    ];
    pairs.extend(
        campaign
            .bands
            .iter()
            .map(|b| ("bands".to_owned(), b.clone())),
    );
    pairs.extend(
        campaign
            .topics
            .iter()
            .map(|t| ("topics".to_owned(), t.key.clone())),
    );
    if campaign.all_schools {
        pairs.push(("allSchools".to_owned(), "true".to_owned()));
    }
    pairs.extend(
        campaign
            .school_ids
            .iter()
            .map(|s| ("schools".to_owned(), s.clone())),
    );
    Fields::from(pairs)
}

async fn render(
    state: &ConsoleState,
    staff: &Staff,
    notice: &layout::Notice,
    editing: Option<&str>,
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Response {
    let read: Read = match run(state, staff, READ, json!({})).await {
        Ok(read) => read,
        Err(refusal) => return layout::refused(staff, &refusal),
    };
    if let Some(id) = editing {
        let Some(campaign) = read.campaigns.iter().find(|c| c.id == id && !c.standing) else {
            return layout::refused(staff, &Refusal::not_found());
        };
        let prefilled = as_fields(campaign);
        let typed = if refusal.is_some() { typed } else { &prefilled };
        let body = html! {
            p { a href="/console/campaigns" { "← 回到征集活动" } }
            (campaign_form(staff, &format!("/console/campaigns/{id}/edit"), "保存修改", &read.schools, refusal, typed))
        };
        return layout::page(staff, &format!("修改：{}", campaign.title), body);
    }
    let fresh = if refusal.is_some() {
        typed
    } else {
        &Fields::from(vec![("allSchools".to_owned(), "true".to_owned())])
    };
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
                        td { (when(&c.opens_at)) " 至 " (when(&c.closes_at)) br;
                            span.hint { @if c.all_schools { "全区学校" } @else { (c.school_ids.len()) " 所学校" } } }
                        td.decisions {
                            @if !c.standing {
                                a.button.secondary href={ "/console/campaigns/" (c.id) } { "修改" }
                            }
                            @if !c.standing && c.state == "DRAFT" {
                                form method="post" action={ "/console/campaigns/" (c.id) "/open" } { (csrf(staff)) button type="submit" { "开始征集" } }
                            }
                            @if !c.standing && c.state == "OPEN" {
                                form method="post" action={ "/console/campaigns/" (c.id) "/close" } data-confirm="结束后孩子们就不能再提交了。确定吗？" {
                                    (csrf(staff)) button.secondary type="submit" { "结束征集" } }
                            }
                            @if c.state != "DRAFT" {
                                a href={ "/console/reports/campaigns/" (c.id) ".xlsx" } { "报告 Excel" }
                                a href={ "/console/reports/campaigns/" (c.id) ".csv" } { "CSV" }
                            }
                        }
                    }
                }
            }
        }
        (campaign_form(staff, "/console/campaigns", "保存为草稿", &read.schools, refusal, fresh))
    };
    layout::page(staff, "征集活动", body)
}

fn campaign_form(
    staff: &Staff,
    action: &str,
    submit: &str,
    schools: &[School],
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Markup {
    let chosen = |name: &str, value: &str| typed.all(name).contains(&value);
    let value = |name: &str| typed.get(name).unwrap_or_default().to_owned();
    html! {
        form.card method="post" action=(action) {
            (csrf(staff))
            h2 { @if action.ends_with("/edit") { "修改征集活动" } @else { "新建征集活动" } }
            (form_error(refusal))
            label for="title" { "标题（孩子会看到）" }
            input #title name="title" value=(value("title")) required;
            (field_error(refusal, "title"))
            label for="description" { "说明" }
            textarea #description name="description" { (value("description")) }
            (field_error(refusal, "description"))
            fieldset {
                legend { "哪些年龄段" }
                @for band in ["A", "B", "C", "D"] {
                    label.inline { input type="checkbox" name="bands" value=(band) checked[chosen("bands", band)]; (words::band(band)) }
                }
            }
            (field_error(refusal, "bands"))
            fieldset {
                legend { "哪些学校" }
                label.inline { input type="checkbox" name="allSchools" value="true" checked[chosen("allSchools", "true")]; "全区所有学校" }
                p.hint { "不选“全区所有学校”时，只有下面勾选的学校的孩子能看到这个活动。" }
                @for school in schools {
                    label.inline { input type="checkbox" name="schools" value=(school.id) checked[chosen("schools", &school.id)]; (school.name_zh) }
                }
            }
            (field_error(refusal, "schoolIds"))
            fieldset {
                legend { "主题" }
                @for (key, label, _) in TOPICS {
                    label.inline { input type="checkbox" name="topics" value=(key) checked[chosen("topics", key)]; (label) }
                }
            }
            (field_error(refusal, "topics"))
            label for="opensAt" { "开始时间" }
            input #opensAt name="opensAt" type="datetime-local" value=(value("opensAt")) required;
            (field_error(refusal, "opensAt"))
            label for="closesAt" { "结束时间" }
            input #closesAt name="closesAt" type="datetime-local" value=(value("closesAt")) required;
            (field_error(refusal, "closesAt"))
            label for="signForDays" { "部门签收期限（工作日）" }
            input #signForDays name="signForDays" type="number" min="1" value=(typed.get("signForDays").unwrap_or("2"));
            (field_error(refusal, "signForDays"))
            label for="answerDays" { "部门答复期限（工作日）" }
            input #answerDays name="answerDays" type="number" min="1" value=(typed.get("answerDays").unwrap_or("15"));
            (field_error(refusal, "answerDays"))
            p.hint { "新建的活动是草稿，点“开始征集”后孩子们才能看到。" }
            p { button type="submit" { (submit) } }
        }
    }
}

/// A `datetime-local` value, read as China's time.
fn china_time(value: &str) -> String {
    if value.len() == 16 {
        format!("{value}:00+08:00")
    } else {
        value.to_owned()
    }
}

fn input(fields: &Fields) -> Value {
    let number = |name: &str, default: i64| {
        fields
            .text(name)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let all_schools = fields.get("allSchools") == Some("true");
    json!({
        "title": fields.get("title").unwrap_or_default(),
        "description": fields.get("description").unwrap_or_default(),
        "bands": fields.all("bands"),
        "topics": fields.all("topics"),
        "schoolIds": (!all_schools).then(|| fields.all("schools")),
        "opensAt": china_time(fields.get("opensAt").unwrap_or_default()),
        "closesAt": china_time(fields.get("closesAt").unwrap_or_default()),
        "signForDays": number("signForDays", 2),
        "answerDays": number("answerDays", 15),
    })
}

async fn save(
    state: &ConsoleState,
    staff: &Staff,
    fields: &Fields,
    editing: Option<&str>,
) -> Response {
    let ran: Result<Value, Refusal> = match editing {
        Some(id) => run(
            state,
            staff,
            "mutation($c: ID!, $i: CampaignInput!) { updateCampaign(id: $c, input: $i) { id } }",
            json!({ "c": id, "i": input(fields) }),
        )
        .await,
        None => {
            run(
                state,
                staff,
                "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
                json!({ "i": input(fields) }),
            )
            .await
        }
    };
    match ran {
        Ok(_) if editing.is_some() => after("/console/campaigns", "修改已保存。"),
        Ok(_) => after("/console/campaigns", "已保存为草稿。"),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let notice = layout::Notice::default();
            let mut response = render(state, staff, &notice, editing, Some(&refusal), fields).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(refusal) => layout::refused(staff, &refusal),
    }
}

pub async fn create(
    State(state): State<ConsoleState>,
    Posted { staff, fields }: Posted,
) -> Response {
    save(&state, &staff, &fields, None).await
}

/// `/console/campaigns/{id}`: the form to edit one.
pub async fn edit_page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path(campaign): Path<String>,
) -> Response {
    let notice = layout::Notice::default();
    render(
        &state,
        &staff,
        &notice,
        Some(&campaign),
        None,
        &Fields::default(),
    )
    .await
}

pub async fn step(
    State(state): State<ConsoleState>,
    Path((campaign, step)): Path<(String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    let (mutation, done) = match step.as_str() {
        "edit" => return save(&state, &staff, &fields, Some(&campaign)).await,
        "open" => (
            "mutation($c: ID!) { openCampaign(id: $c) { id } }",
            "已开始征集。",
        ),
        "close" => (
            "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
            "已结束征集。",
        ),
        _ => return layout::refused(&staff, &Refusal::not_found()),
    };
    let back = "/console/campaigns";
    layout::act_then_return(
        &state,
        &staff,
        mutation,
        json!({ "c": campaign }),
        back,
        done,
    )
    .await
}
