//! The moderation queue, oldest first, and one proposal: the screen's findings highlighted in
//! the child's words, proposed redactions as toggles with the public text previewed, the topic
//! to confirm, the images, and the four decisions with the kind words the child will read.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, after, csrf, field_error, form_error, when};
use crate::console::session::{Posted, Staff};
use crate::console::words;
use crate::domain::topics::TOPICS;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClassRow {
    id: String,
    name: String,
    grade_label: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub key: String,
    pub text: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Finding {
    field: String,
    kind: String,
    start: usize,
    end: usize,
    excerpt: String,
}

#[derive(Deserialize)]
struct Span {
    field: String,
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Media {
    id: String,
    publishable: bool,
    covered: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    submitted_at: String,
    topic: String,
    topic_label: String,
    band: String,
    assisted: bool,
    place: Option<String>,
    answers: Vec<Answer>,
    findings: Vec<Finding>,
    proposed_redactions: Vec<Span>,
    media: Vec<Media>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Queue {
    class: ClassRow,
    moderation_queue: Nodes<Item>,
}

const QUEUE: &str = "query($c: ID!) { class(id: $c) { id name gradeLabel } \
    moderationQueue(classId: $c, first: 50) { nodes { id submittedAt topic topicLabel band \
    assisted place answers { key text choices } findings { field kind start end excerpt } \
    proposedRedactions { field start end } media { id publishable covered } } } }";

async fn read_queue(state: &ConsoleState, staff: &Staff, class: &str) -> Result<Queue, Refusal> {
    run(state, staff, QUEUE, json!({ "c": class })).await
}

/// `/console/review`: every class's queue, with how many wait.
pub async fn classes(State(state): State<ConsoleState>, staff: Staff) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Mine {
        my_classes: Vec<ClassRow>,
    }
    let mine: Mine = match run(
        &state,
        &staff,
        "{ myClasses { id name gradeLabel } }",
        json!({}),
    )
    .await
    {
        Ok(mine) => mine,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let mut rows = Vec::new();
    for class in mine.my_classes {
        match read_queue(&state, &staff, &class.id).await {
            Ok(queue) => rows.push((class, queue.moderation_queue.nodes)),
            Err(refusal) => return layout::refused(&staff, &refusal),
        }
    }
    let body = html! {
        @if rows.is_empty() {
            p.empty { "你还没有班级。请联系学校管理员把你加为班主任。" }
        }
        @for (class, items) in &rows {
            section.card {
                h2 { (class.grade_label) (class.name) " " span.count { (items.len()) } }
                (queue_table(&class.id, items))
            }
        }
    };
    layout::page(&staff, "待审核的建议", body)
}

fn queue_table(class: &str, items: &[Item]) -> Markup {
    html! {
        @if items.is_empty() {
            p.empty { "没有等待审核的建议。孩子们提交后会出现在这里。" }
        } @else {
            p.hint { "最早提交的在最上面。按 " kbd { "j" } " / " kbd { "k" } " 上下移动，回车打开。" }
            table.rows data-queue {
                thead { tr { th { "提交时间" } th { "主题" } th { "年龄段" } th { "系统提示" } } }
                tbody {
                    @for item in items {
                        tr data-row {
                            td { a href={ "/console/classes/" (class) "/review/" (item.id) } { (when(&item.submitted_at)) } }
                            td { (item.topic_label) }
                            td { (words::band(&item.band)) @if item.assisted { " · 老师代填" } }
                            td {
                                @if item.findings.is_empty() { "无" }
                                @for finding in &item.findings {
                                    span.tag.warn { (words::finding(&finding.kind)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One class's queue.
pub async fn queue(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path(class): Path<String>,
    Query(done): Query<layout::Notice>,
) -> Response {
    let queue = match read_queue(&state, &staff, &class).await {
        Ok(queue) => queue,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let title = format!("{}{} · 待审核", queue.class.grade_label, queue.class.name);
    let items = &queue.moderation_queue.nodes;
    let body = html! {
        (layout::done(done.done.as_deref()))
        @if let Some(first) = items.first() {
            p { a.button href={ "/console/classes/" (class) "/review/" (first.id) } data-key="n" { "从最早的一条开始 (n)" } }
        }
        (queue_table(&class, items))
    };
    layout::page(&staff, &title, body)
}

/// The text of one field, the screen's findings marked with their kind.
fn highlighted(text: &str, field: &str, findings: &[Finding]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<&Finding> = findings.iter().filter(|f| f.field == field).collect();
    spans.sort_by_key(|f| f.start);
    let mut pieces: Vec<(String, Option<&str>)> = Vec::new();
    let mut at = 0;
    for finding in spans {
        let (start, end) = (
            finding.start.max(at).min(chars.len()),
            finding.end.min(chars.len()),
        );
        if start >= end {
            continue;
        }
        pieces.push((chars[at..start].iter().collect(), None));
        pieces.push((chars[start..end].iter().collect(), Some(&finding.kind)));
        at = end;
    }
    pieces.push((chars[at..].iter().collect(), None));
    html! {
        p.text {
            @for (piece, kind) in &pieces {
                @if let Some(kind) = kind {
                    mark title=(words::finding(kind)) { (piece) span.kind { "［" (words::finding(kind)) "］" } }
                } @else { (piece) }
            }
        }
    }
}

/// The child's fields: (field path, label, text).
fn texts(item: &Item) -> Vec<(String, String, String)> {
    let mut texts: Vec<(String, String, String)> = item
        .answers
        .iter()
        .map(|answer| {
            let text = answer
                .text
                .clone()
                .unwrap_or_else(|| answer.choices.join("、"));
            (
                format!("answers.{}", answer.key),
                words::field(&answer.key),
                text,
            )
        })
        .collect();
    if let Some(place) = &item.place {
        texts.push(("place".into(), words::field("place"), place.clone()));
    }
    texts
}

fn review_page(staff: &Staff, class: &str, item: &Item, refusal: Option<&Refusal>) -> Response {
    let screener = moderation::Screener::builtin();
    let band = crate::domain::moderation::feedback_band(words::age_band(&item.band));
    let proposed = |f: &Finding| {
        item.proposed_redactions
            .iter()
            .any(|s| s.field == f.field && s.start == f.start && s.end == f.end)
    };
    let texts = texts(item);
    let action = format!("/console/classes/{class}/review/{}", item.id);
    let body = html! {
        p { a href={ "/console/classes/" (class) "/review" } { "← 回到待审核列表" } }
        (form_error(refusal))
        div.grid {
            section.card {
                h2 { "孩子写的" }
                p.hint { (when(&item.submitted_at)) " · " (words::band(&item.band)) " · " (item.topic_label)
                    @if item.assisted { " · 老师代填" } }
                @for (field, label, text) in &texts {
                    h3 { (label) }
                    (highlighted(text, field, &item.findings))
                }
                @if !item.media.is_empty() {
                    h3 { "图片" }
                    p.hint { "在图片上拖动，框出要遮住的人脸、名字或门牌；通过时一起保存。" }
                    @for media in &item.media {
                        figure.cover-tool data-media=(media.id) {
                            img src={ "/console/media/" (media.id) "/display" } alt="孩子上传的图片" draggable="false";
                            @if media.covered { figcaption.hint { "已经遮住了一部分。" } }
                        }
                        button.secondary type="button" data-clear-cover=(media.id) { "清除这张图上的框" }
                    }
                }
            }
            section.card {
                h2 { "公开时大家会看到" }
                @for (field, label, text) in &texts {
                    h3 { (label) }
                    p.preview data-preview-field=(field) data-text=(text) { (text) }
                }
            }
        }
        form.card method="post" action=(action) data-decisions {
            (csrf(staff))
            h2 { "要遮住的内容" }
            @if item.findings.is_empty() {
                p.hint { "系统没有发现需要遮住的内容。" }
            }
            @for finding in &item.findings {
                label.inline {
                    input type="checkbox" name="redact" data-redact
                        data-field=(finding.field) data-start=(finding.start) data-end=(finding.end)
                        value={ (finding.field) ":" (finding.start) ":" (finding.end) }
                        checked[proposed(finding)];
                    "遮住“" (finding.excerpt) "”（" (words::finding(&finding.kind)) "）"
                }
            }
            (field_error(refusal, "redactions"))
            label for="topic" { "主题" }
            select #topic name="topic" {
                @for (key, label, _) in TOPICS {
                    option value=(key) selected[*key == item.topic] { (label) }
                }
            }
            (field_error(refusal, "topic"))
            @if !item.media.is_empty() {
                h3 { "图片能公开吗" }
                @for media in &item.media {
                    input type="hidden" name="media" value=(media.id);
                    label.inline {
                        input type="checkbox" name="publishable" value=(media.id) checked[media.publishable];
                        "这张图片可以公开（没有人脸、名字或住址）"
                    }
                }
                (field_error(refusal, "media"))
            }
            h2 { "决定" }
            div.decisions {
                button type="submit" name="decision" value="APPROVE" data-key="a" { "通过 (a)" }
            }
            h3 { "请孩子改一改，或者不通过" }
            p.hint { "选一个原因，孩子会读到下面这句话；也可以自己写一句。" }
            @for reason in moderation::REASONS {
                label.inline {
                    input type="radio" name="reason" value=(reason.to_ascii_uppercase());
                    (words::reason(reason))
                }
                @if let Some(kind) = screener.feedback(reason, band) {
                    p.hint { "孩子会读到：" (kind) }
                }
            }
            (field_error(refusal, "reason"))
            label for="messageToChild" { "给孩子的话（可不填）" }
            textarea #messageToChild name="messageToChild" maxlength="200" {}
            (field_error(refusal, "messageToChild"))
            div.decisions {
                button.secondary type="submit" name="decision" value="RETURN_FOR_CHANGES" data-key="r" { "请孩子修改 (r)" }
                button.danger type="submit" name="decision" value="REJECT" data-confirm="不通过后孩子不能再改这条建议。确定吗？" { "不通过" }
            }
            h3 { "需要保护这个孩子" }
            label for="noteForLead" { "给学校保护负责人的说明" }
            textarea #noteForLead name="noteForLead" {}
            (field_error(refusal, "noteForLead"))
            div.decisions {
                button.danger type="submit" name="decision" value="ESCALATE" data-confirm="这条建议会交给学校保护负责人，孩子只会看到“老师会找你聊聊”。确定吗？" { "交给保护负责人" }
            }
        }
    };
    layout::page(staff, "审核一条建议", body)
}

async fn find_item(
    state: &ConsoleState,
    staff: &Staff,
    class: &str,
    proposal: &str,
) -> Result<Item, Refusal> {
    read_queue(state, staff, class)
        .await?
        .moderation_queue
        .nodes
        .into_iter()
        .find(|item| item.id == proposal)
        .ok_or_else(Refusal::not_found)
}

pub async fn proposal(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path((class, proposal)): Path<(String, String)>,
) -> Response {
    match find_item(&state, &staff, &class, &proposal).await {
        Ok(item) => review_page(&staff, &class, &item, None),
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

pub async fn decide(
    State(state): State<ConsoleState>,
    Path((class, proposal)): Path<(String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    let item = match find_item(&state, &staff, &class, &proposal).await {
        Ok(item) => item,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let decision = fields.get("decision").unwrap_or_default().to_owned();
    let mut input = json!({ "decision": decision, "topic": fields.text("topic") });
    if decision == "APPROVE" {
        let redactions: Vec<_> = fields
            .all("redact")
            .iter()
            .filter_map(|value| {
                let mut parts = value.rsplitn(3, ':');
                let end: usize = parts.next()?.parse().ok()?;
                let start: usize = parts.next()?.parse().ok()?;
                Some(json!({ "field": parts.next()?, "start": start, "end": end }))
            })
            .collect();
        input["redactions"] = json!(redactions);
        let publishable = fields.all("publishable");
        input["media"] = json!(
            fields
                .all("media")
                .iter()
                .map(|id| json!({ "id": id, "publishable": publishable.contains(id) }))
                .collect::<Vec<_>>()
        );
    }
    for name in ["reason", "messageToChild", "noteForLead"] {
        if let Some(value) = fields.text(name) {
            input[name] = json!(value);
        }
    }
    let done = match decision.as_str() {
        "APPROVE" => "已通过，建议会送到负责的部门。",
        "RETURN_FOR_CHANGES" => "已请孩子修改。",
        "REJECT" => "已决定不通过。",
        "ESCALATE" => "已交给学校保护负责人。",
        _ => "",
    };
    if decision == "APPROVE"
        && let Err(refusal) = cover(&state, &staff, &item, &fields).await
    {
        let mut response = review_page(&staff, &class, &item, Some(&refusal));
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return response;
    }
    let ran: Result<serde_json::Value, Refusal> = run(
        &state,
        &staff,
        "mutation($p: ID!, $i: ModerateProposalInput!) { moderateProposal(id: $p, input: $i) { status } }",
        json!({ "p": proposal, "i": input }),
    )
    .await;
    match ran {
        Ok(_) => after(&format!("/console/classes/{class}/review"), done),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let mut response = review_page(&staff, &class, &item, Some(&refusal));
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

/// The regions the teacher drew on each image (`cover` = `<media id>:x,y,width,height`, as
/// fractions of the image), saved before the decision so the public sees the covered rendition.
async fn cover(
    state: &ConsoleState,
    staff: &Staff,
    item: &Item,
    fields: &crate::console::session::Fields,
) -> Result<(), Refusal> {
    for media in &item.media {
        let regions: Vec<serde_json::Value> = fields
            .all("cover")
            .iter()
            .filter_map(|value| value.strip_prefix(&format!("{}:", media.id)))
            .filter_map(|region| {
                let numbers: Vec<f64> = region.split(',').filter_map(|n| n.parse().ok()).collect();
                let [x, y, width, height] = numbers.as_slice() else {
                    return None;
                };
                Some(json!({ "x": x, "y": y, "width": width, "height": height }))
            })
            .collect();
        if regions.is_empty() {
            continue;
        }
        run::<serde_json::Value>(
            state,
            staff,
            "mutation($m: ID!, $r: [RegionInput!]!) { coverMedia(id: $m, regions: $r) { covered } }",
            json!({ "m": media.id, "r": regions }),
        )
        .await?;
    }
    Ok(())
}
