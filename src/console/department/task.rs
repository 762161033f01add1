//! One task: the child's approved words, its deadlines and history, and the steps the
//! department can take now. A refused step shows the page again with what was typed kept and
//! each problem beside its field.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{TASK_FIELDS, TaskRow, working_days_left};
use crate::clock::local_date;
use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, after, csrf, field_error, form_error, when};
use crate::console::session::{Fields, Posted, Staff};
use crate::console::words;
use crate::domain::answers::{child_text_limit, jargon_table, templates};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    kind: String,
    at: String,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    #[serde(flatten)]
    row: TaskRow,
    sign_for_due: chrono::NaiveDate,
    answer_due: chrono::NaiveDate,
    reader_band: Option<String>,
    events: Vec<Event>,
}

async fn read(state: &ConsoleState, staff: &Staff, id: &str) -> Result<Detail, Refusal> {
    #[derive(Deserialize)]
    struct Read {
        task: Detail,
    }
    let query = format!(
        "query($t: ID!) {{ task(id: $t) {{ {TASK_FIELDS} signForDue answerDue readerBand events {{ kind at text }} }} }}"
    );
    let read: Read = run(state, staff, &query, json!({ "t": id })).await?;
    Ok(read.task)
}

pub async fn page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(done): Query<layout::Notice>,
) -> Response {
    match read(&state, &staff, &id).await {
        Ok(task) => render(
            &state,
            &staff,
            &task,
            done.done.as_deref(),
            None,
            &Fields::default(),
        ),
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

fn text_field(name: &str, label: &str, typed: &Fields, refusal: Option<&Refusal>) -> Markup {
    html! {
        label for=(name) { (label) }
        textarea id=(name) name=(name) { (typed.get(name).unwrap_or_default()) }
        (field_error(refusal, name))
    }
}

fn render(
    state: &ConsoleState,
    staff: &Staff,
    task: &Detail,
    done: Option<&str>,
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Response {
    let row = &task.row;
    let today = local_date(state.app.clock.now());
    let action = |step: &str| format!("/console/tasks/{}/{step}", row.id);
    let open = matches!(
        row.state.as_str(),
        "ROUTED" | "SIGNED_FOR" | "EXTENSION_REQUESTED" | "REOPENED"
    );
    let may_answer = matches!(
        row.state.as_str(),
        "SIGNED_FOR" | "EXTENSION_REQUESTED" | "REOPENED"
    );
    let band = task.reader_band.as_deref().map(words::age_band);
    let jargon = serde_json::to_string(jargon_table()).unwrap_or_default();
    let body = html! {
        p { a href="/console/tasks" { "← 回到任务列表" } }
        (layout::done(done))
        (form_error(refusal))
        div.grid {
            section.card {
                h2 { "孩子的建议" }
                p.hint { (row.topic_label) " · 送到于 " (when(&row.created_at)) " · 附议 " (row.backers) " 人" }
                @for answer in &row.answers {
                    h3 { (words::field(&answer.key)) }
                    p.text { (answer.text.clone().unwrap_or_else(|| answer.choices.join("、"))) }
                }
                @if let Some(place) = &row.place { h3 { "地点" } p.text { (place) } }
            }
            section.card {
                h2 { (words::task_state(&row.state)) }
                p { "签收期限：" (task.sign_for_due) }
                p { "答复期限：" (task.answer_due) }
                @if open { p { (words::days_left(working_days_left(today, row.due))) } }
                @if row.escalated_at.is_some() { p.overdue { "区里已经督办这件事。" } }
                @else if row.reminded_at.is_some() { p.soon { "已经催办过一次。" } }
                h3 { "经过" }
                ol {
                    @for event in &task.events {
                        li { (when(&event.at)) " " (words::event(&event.kind))
                            @if let Some(text) = &event.text { "：" (text) } }
                    }
                }
            }
        }
        @if row.state == "ROUTED" {
            form.card method="post" action=(action("sign-for")) {
                (csrf(staff))
                p { "签收表示你们部门负责办理这件事，答复期限从现在开始算。" }
                button type="submit" data-key="s" { "签收 (s)" }
            }
        }
        @if may_answer {
            form.card method="post" action=(action("answer")) {
                (csrf(staff))
                h2 { "答复" }
                label for="outcome" { "结果" }
                select #outcome name="outcome" {
                    @for outcome in words::OUTCOMES {
                        option value=(outcome) selected[typed.get("outcome") == Some(outcome)] { (words::outcome(outcome)) }
                    }
                }
                (field_error(refusal, "outcome"))
                details {
                    summary { "用模板开头" }
                    @for outcome in words::OUTCOMES {
                        @for template in crate::domain::answers::Outcome::parse(&outcome.to_ascii_lowercase()).map(|o| templates(&row.topic, o)).unwrap_or_default() {
                            p { button.secondary type="button" data-template-official=(template.official_text) data-template-child=(template.child_text) {
                                (words::outcome(outcome)) "：" (template.child_text) } }
                        }
                    }
                }
                (text_field("officialText", "正式答复（公开在建议墙上）", typed, refusal))
                @if let Some(band) = band {
                    label for="childText" { "给孩子的话（" (words::band(task.reader_band.as_deref().unwrap_or_default())) "的孩子会读）" }
                    textarea #childText name="childText" data-child-text="child-text-check"
                        data-limit=(child_text_limit(band)) data-jargon=(jargon) aria-describedby="child-text-check" {
                        (typed.get("childText").unwrap_or_default()) }
                    p.check #child-text-check aria-live="polite" { "最多 " (child_text_limit(band)) " 字，用孩子能懂的话。" }
                } @else {
                    (text_field("childText", "给孩子的话", typed, refusal))
                }
                (field_error(refusal, "childText"))
                label for="plannedCompletion" { "计划完成日期（采纳时填写）" }
                input #plannedCompletion name="plannedCompletion" type="date" value=(typed.get("plannedCompletion").unwrap_or_default());
                (field_error(refusal, "plannedCompletion"))
                label for="costYuan" { "预计花费（元，可不填）" }
                input #costYuan name="costYuan" type="number" min="0" value=(typed.get("costYuan").unwrap_or_default());
                (field_error(refusal, "costYuan"))
                p { button type="submit" data-confirm="答复发出后孩子就能看到。确定发出吗？" { "发出答复" } }
            }
        }
        @if !open {
            form.card method="post" action=(action("progress")) {
                (csrf(staff))
                h2 { "告诉孩子后来的进展" }
                label for="stage" { "进展" }
                select #stage name="stage" {
                    option value="PLANNED" { "已列入计划" }
                    option value="IN_PROGRESS" { "正在做" }
                    option value="DONE" { "做好了" }
                    option value="NOT_FEASIBLE" { "做不了" }
                }
                (field_error(refusal, "stage"))
                (text_field("text", "进展说明（公开）", typed, refusal))
                (text_field("childText", "给孩子的话", typed, refusal))
                p { button type="submit" { "发布进展" } }
            }
        }
        @if open {
            div.grid {
                form.card method="post" action=(action("extension")) {
                    (csrf(staff))
                    h2 { "申请延期" }
                    label for="workingDays" { "需要多几个工作日" }
                    input #workingDays name="workingDays" type="number" min="1" max="30" value=(typed.get("workingDays").unwrap_or("5"));
                    (field_error(refusal, "workingDays"))
                    (text_field("reason", "原因", typed, refusal))
                    p { button.secondary type="submit" { "提交申请" } }
                }
                form.card method="post" action=(action("bounce")) {
                    (csrf(staff))
                    h2 { "不归我们管" }
                    p.hint { "退回区里，由协调员改派给负责的部门。" }
                    label for="bounceReason" { "原因" }
                    textarea #bounceReason name="bounceReason" { (typed.get("bounceReason").unwrap_or_default()) }
                    (field_error(refusal, "bounceReason"))
                    p { button.danger type="submit" data-confirm="退回后这件事会离开你们的列表。确定吗？" { "退回区里" } }
                }
            }
        }
        form.card method="post" action=(action("note")) {
            (csrf(staff))
            h2 { "内部备注" }
            p.hint { "只有部门和协调员能看到，孩子看不到。" }
            (text_field("note", "备注", typed, refusal))
            p { button.secondary type="submit" { "保存备注" } }
        }
    };
    layout::page(
        staff,
        &format!("{} · {}", row.topic_label, row.summary()),
        body,
    )
}

/// One step on the task, by its name in the address.
pub async fn step(
    State(state): State<ConsoleState>,
    Path((id, step)): Path<(String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    let number = |name: &str| fields.text(name).and_then(|v| v.parse::<i64>().ok());
    let (mutation, variables, done): (&str, Value, &str) = match step.as_str() {
        "sign-for" => (
            "mutation($t: ID!) { signForTask(taskId: $t) { id } }",
            json!({ "t": id }),
            "已签收。",
        ),
        "note" => (
            "mutation($t: ID!, $n: String!) { addTaskNote(taskId: $t, note: $n) { id } }",
            json!({ "t": id, "n": fields.get("note").unwrap_or_default() }),
            "备注已保存。",
        ),
        "extension" => (
            "mutation($t: ID!, $d: Int!, $r: String!) { requestExtension(taskId: $t, workingDays: $d, reason: $r) { id } }",
            json!({ "t": id, "d": number("workingDays").unwrap_or(0), "r": fields.get("reason").unwrap_or_default() }),
            "延期申请已提交，等区里决定。",
        ),
        "bounce" => (
            "mutation($t: ID!, $r: String!) { bounceTask(taskId: $t, reason: $r) { id } }",
            json!({ "t": id, "r": fields.get("bounceReason").unwrap_or_default() }),
            "已退回区里。",
        ),
        "answer" => (
            "mutation($t: ID!, $i: TaskAnswerInput!) { answerTask(taskId: $t, input: $i) { task { id } } }",
            json!({ "t": id, "i": {
                "outcome": fields.get("outcome").unwrap_or_default(),
                "officialText": fields.get("officialText").unwrap_or_default(),
                "childText": fields.get("childText").unwrap_or_default(),
                "plannedCompletion": fields.text("plannedCompletion"),
                "costYuan": number("costYuan"),
            } }),
            "答复已发出，孩子现在就能看到。",
        ),
        "progress" => (
            "mutation($t: ID!, $s: ProgressStage!, $x: String!, $c: String!) { postProgress(taskId: $t, stage: $s, text: $x, childText: $c) { id } }",
            json!({ "t": id, "s": fields.get("stage").unwrap_or_default(),
                    "x": fields.get("text").unwrap_or_default(), "c": fields.get("childText").unwrap_or_default() }),
            "进展已发布。",
        ),
        _ => {
            return layout::refused(&staff, &Refusal::not_found());
        }
    };
    match run::<Value>(&state, &staff, mutation, variables).await {
        Ok(_) if step == "bounce" => after("/console/tasks", done),
        Ok(_) => after(&format!("/console/tasks/{id}"), done),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let refusal = rename_bounce(refusal, &step);
            match read(&state, &staff, &id).await {
                Ok(task) => {
                    let mut response = render(&state, &staff, &task, None, Some(&refusal), &fields);
                    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    response
                }
                Err(refusal) => layout::refused(&staff, &refusal),
            }
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

/// The bounce form's reason has its own field name on a page with another `reason`.
fn rename_bounce(mut refusal: Refusal, step: &str) -> Refusal {
    if step == "bounce" {
        for (field, _) in &mut refusal.fields {
            if field == "reason" {
                *field = "bounceReason".into();
            }
        }
    }
    refusal
}
