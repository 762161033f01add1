//! Assisted and paper entry: the teacher types a child's idea with the form for the child's
//! band, when the child dictates it (assisted) or wrote it on paper. Each form carries its own
//! `clientSubmissionId`, so a double click or a retried post records the idea once.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, after, csrf, field_error, form_error};
use crate::console::session::{Fields, Posted, Staff};
use crate::console::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Choice {
    key: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Field {
    key: String,
    label: String,
    #[serde(rename = "type")]
    kind: String,
    required: bool,
    max_length: Option<i64>,
    options: Vec<Choice>,
}

#[derive(Deserialize)]
struct Form {
    band: String,
    fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Topic {
    key: String,
    label_zh: String,
}

#[derive(Deserialize)]
struct Campaign {
    id: String,
    title: String,
    topics: Vec<Topic>,
    forms: Vec<Form>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Child {
    pseudonym: String,
    age_band: Option<String>,
    needs_guardian_consent: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Class {
    open_campaigns: Vec<Campaign>,
}

#[derive(Deserialize)]
struct Read {
    class: Class,
    child: Child,
}

const READ: &str = "query($c: ID!, $k: ID!) { class(id: $c) { openCampaigns { id title \
    topics { key labelZh } forms { band fields { key label type required maxLength options { key label } } } } } \
    child(id: $k) { pseudonym ageBand needsGuardianConsent } }";

#[derive(Deserialize, Default)]
pub struct Chosen {
    campaign: Option<String>,
}

pub async fn page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path((class, child)): Path<(String, String)>,
    Query(chosen): Query<Chosen>,
) -> Response {
    let mut typed = Fields::default();
    if let Some(campaign) = chosen.campaign {
        typed = Fields::from(vec![("campaign".to_owned(), campaign)]);
    }
    render(&state, &staff, &class, &child, None, &typed).await
}

async fn render(
    state: &ConsoleState,
    staff: &Staff,
    class: &str,
    child: &str,
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Response {
    let read: Read = match run(state, staff, READ, json!({ "c": class, "k": child })).await {
        Ok(read) => read,
        Err(refusal) => return layout::refused(staff, &refusal),
    };
    let band = read.child.age_band.clone().unwrap_or_default();
    let campaigns = &read.class.open_campaigns;
    let campaign = typed
        .get("campaign")
        .and_then(|id| campaigns.iter().find(|c| c.id == id))
        .or_else(|| campaigns.first());
    let form = campaign.and_then(|c| c.forms.iter().find(|f| f.band == band));
    let action = format!("/console/classes/{class}/children/{child}/idea");
    let value = |name: &str| typed.get(name).unwrap_or_default().to_owned();
    let submission = typed
        .get("clientSubmissionId")
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let body = html! {
        p { a href={ "/console/classes/" (class) } { "← 回到班级" } }
        p { (read.child.pseudonym) " · " (words::band(&band)) }
        @if read.child.needs_guardian_consent {
            p.form-error { "这个孩子还没有监护人同意，暂时不能提交建议。请先在班级页记录监护人同意。" }
        }
        (form_error(refusal))
        @if campaigns.len() > 1 {
            form method="get" action=(action) {
                label for="campaign-pick" { "为哪个征集活动填写" }
                select #campaign-pick name="campaign" {
                    @for c in campaigns { option value=(c.id) selected[campaign.is_some_and(|x| x.id == c.id)] { (c.title) } }
                }
                button.secondary type="submit" { "换这个活动" }
            }
        }
        @match (campaign, form) {
            (None, _) => { p.empty { "现在没有向这个班开放的征集活动。" } }
            (Some(_), None) => { p.empty { "这个活动不收这个年龄段孩子的建议。" } }
            (Some(campaign), Some(form)) => {
                form.card method="post" action=(action) {
                    (csrf(staff))
                    input type="hidden" name="campaign" value=(campaign.id);
                    input type="hidden" name="clientSubmissionId" value=(submission);
                    h2 { (campaign.title) }
                    fieldset {
                        legend { "孩子是怎么说的" }
                        label.inline { input type="radio" name="mode" value="assisted" checked[typed.get("mode") != Some("paper")]; "孩子口述，老师代填" }
                        label.inline { input type="radio" name="mode" value="paper" checked[typed.get("mode") == Some("paper")]; "孩子写在纸上，老师录入" }
                    }
                    label for="topic" { "主题" }
                    select #topic name="topic" {
                        @for t in &campaign.topics { option value=(t.key) selected[typed.get("topic") == Some(t.key.as_str())] { (t.label_zh) } }
                    }
                    (field_error(refusal, "topic"))
                    @for field in &form.fields {
                        @match field.kind.as_str() {
                            "TOPIC" | "ATTACHMENT" => {}
                            "PLACE" => {
                                label for="place" { (field.label) }
                                input #place name="place" value=(value("place"));
                                (field_error(refusal, "place"))
                            }
                            "SINGLE_CHOICE" | "MULTIPLE_CHOICE" => {
                                fieldset {
                                    legend { (field.label) @if field.required { " *" } }
                                    @for option in &field.options {
                                        @let name = format!("choice.{}", field.key);
                                        label.inline {
                                            input type=(if field.kind == "SINGLE_CHOICE" { "radio" } else { "checkbox" })
                                                name=(name) value=(option.key) checked[typed.all(&name).contains(&option.key.as_str())];
                                            (option.label)
                                        }
                                    }
                                }
                                (field_error(refusal, &field.key))
                            }
                            _ => {
                                @let name = format!("answer.{}", field.key);
                                label for=(name) { (field.label) @if field.required { " *" } }
                                textarea id=(name) name=(name) maxlength=[field.max_length] { (value(&name)) }
                                (field_error(refusal, &field.key))
                            }
                        }
                    }
                    label.inline { input type="checkbox" name="consentToPublish" value="true" checked[typed.get("consentToPublish").is_some()];
                        "孩子同意公开这条建议（不会出现名字）" }
                    p.hint { "照片或画请让孩子在应用里上传。代填的建议会标明“老师代填”，和孩子自己写的一样审核。" }
                    p { button type="submit" { "提交" } }
                }
            }
        }
    };
    layout::page(staff, "替孩子填写建议", body)
}

pub async fn submit(
    State(state): State<ConsoleState>,
    Path((class, child)): Path<(String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    // Text fields come as `answer.<key>`, choices as `choice.<key>` (once per ticked option).
    let mut answers: Vec<Value> = Vec::new();
    let mut choices: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in fields.pairs() {
        if let Some(key) = name.strip_prefix("answer.") {
            answers.push(json!({ "key": key, "text": value }));
        } else if let Some(key) = name.strip_prefix("choice.") {
            match choices.iter_mut().find(|(k, _)| k == key) {
                Some((_, picked)) => picked.push(value.to_owned()),
                None => choices.push((key.to_owned(), vec![value.to_owned()])),
            }
        }
    }
    answers.extend(
        choices
            .into_iter()
            .map(|(key, picked)| json!({ "key": key, "choices": picked })),
    );
    let proposal = json!({
        "campaignId": fields.get("campaign"),
        "clientSubmissionId": fields.get("clientSubmissionId").unwrap_or_default(),
        "topic": fields.get("topic").unwrap_or_default(),
        "consentToPublish": fields.get("consentToPublish") == Some("true"),
        "place": fields.text("place"),
        "answers": answers,
    });
    let ran: Result<Value, Refusal> = if fields.get("mode") == Some("paper") {
        run(
            &state,
            &staff,
            "mutation($c: ID!, $p: [PaperProposalInput!]!) { submitPaperProposals(classId: $c, proposals: $p) { id } }",
            json!({ "c": class, "p": [{ "childId": child, "proposal": proposal }] }),
        )
        .await
    } else {
        run(
            &state,
            &staff,
            "mutation($k: ID!, $i: SubmitProposalInput!) { submitProposalForChild(childId: $k, input: $i) { id } }",
            json!({ "k": child, "i": proposal }),
        )
        .await
    };
    match ran {
        Ok(_) => after(
            &format!("/console/classes/{class}"),
            "已替孩子提交，会和其他建议一样先经过检查和审核。",
        ),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let mut response =
                render(&state, &staff, &class, &child, Some(&refusal), &fields).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}
