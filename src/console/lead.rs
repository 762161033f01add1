//! Safeguarding leads: open cases with time since opening and overdue marks, one case with the
//! child's words, the actions record, and closing with an outcome.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ConsoleState;
use super::api::{Refusal, run};
use super::layout::{self, after, csrf, field_error, form_error, when};
use super::session::{Fields, Posted, Staff};
use super::words;

pub fn routes() -> Router<ConsoleState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/{case}", get(page))
        .route("/cases/{case}/{step}", post(step))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    kind: String,
    occurred_on: String,
    reference: Option<String>,
    body: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Child {
    pseudonym: String,
    class_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Disclosure {
    answers: Vec<super::teacher::Answer>,
    place: Option<String>,
    submitted_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    id: String,
    status: String,
    opened_at: String,
    acknowledged_at: Option<String>,
    acknowledge_by: String,
    overdue: bool,
    signals: Vec<String>,
    note_from_teacher: Option<String>,
    closing_note: Option<String>,
    child: Option<Child>,
    proposal: Option<Disclosure>,
    actions: Vec<Action>,
}

const CASES: &str = "query($s: CaseStatus) { safeguardingCases(status: $s, first: 50) { nodes { \
    id status openedAt acknowledgedAt acknowledgeBy overdue signals noteFromTeacher closingNote \
    child { pseudonym className } proposal { answers { key text choices } place submittedAt } \
    actions { kind occurredOn reference body note } } } }";

async fn cases(
    state: &ConsoleState,
    staff: &Staff,
    status: Option<&str>,
) -> Result<Vec<Case>, Refusal> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        safeguarding_cases: Nodes,
    }
    #[derive(Deserialize)]
    struct Nodes {
        nodes: Vec<Case>,
    }
    let read: Read = run(state, staff, CASES, json!({ "s": status })).await?;
    Ok(read.safeguarding_cases.nodes)
}

fn signal(signal: &str) -> &'static str {
    match signal {
        "SELF_HARM" => "自我伤害",
        "ABUSE_AT_HOME" => "家中受虐",
        "SEXUAL_ABUSE" => "性侵害",
        "NEGLECT" => "被忽视",
        "BULLYING" => "欺凌",
        "ADULT_AT_SCHOOL" => "学校里的成人",
        "CHILD_LABOUR" => "童工",
        "EXPLOITATION" => "被利用",
        "RUNNING_AWAY" => "离家出走",
        "HARM" => "伤害",
        _ => "其他",
    }
}

fn action_kind(kind: &str) -> &'static str {
    match kind {
        "TALKED_WITH_CHILD" => "和孩子谈话",
        "INFORMED_GUARDIAN" => "告知监护人",
        "REFERRED_TO_COUNSELLING" => "转介心理辅导",
        "REPORTED_TO_POLICE" => "报告公安",
        "REPORTED_TO_OTHER_BODY" => "报告其他机构",
        _ => "其他",
    }
}

const KINDS: [&str; 6] = [
    "TALKED_WITH_CHILD",
    "INFORMED_GUARDIAN",
    "REFERRED_TO_COUNSELLING",
    "REPORTED_TO_POLICE",
    "REPORTED_TO_OTHER_BODY",
    "OTHER",
];

#[derive(Deserialize, Default)]
pub struct View {
    status: Option<String>,
    done: Option<String>,
}

/// Hours since `at`, in words.
fn since(state: &ConsoleState, at: &str) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) else {
        return String::new();
    };
    let hours = (state.app.clock.now() - at.to_utc()).num_hours();
    if hours < 24 {
        format!("{hours} 小时前")
    } else {
        format!("{} 天前", hours / 24)
    }
}

pub async fn list(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(view): Query<View>,
) -> Response {
    let closed = view.status.as_deref() == Some("CLOSED");
    let status = if closed { "CLOSED" } else { "OPEN" };
    let cases = match cases(&state, &staff, Some(status)).await {
        Ok(cases) => cases,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        (layout::done(view.done.as_deref()))
        p { a href="/console/cases" { "未结案" } " · " a href="/console/cases?status=CLOSED" { "已结案" } }
        @if cases.is_empty() {
            p.empty { @if closed { "还没有结案的个案。" } @else { "没有未结案的个案。" } }
        } @else {
            table.rows data-queue {
                thead { tr { th { "孩子" } th { "打开于" } th { "信号" } th { "状态" } } }
                tbody {
                    @for case in &cases {
                        tr data-row {
                            td { a href={ "/console/cases/" (case.id) } {
                                (case.child.as_ref().map_or("（孩子信息已删除）".to_owned(), |c| c.pseudonym.clone())) } }
                            td { (when(&case.opened_at)) br; span.hint { (since(&state, &case.opened_at)) } }
                            td { @for s in &case.signals { span.tag.warn { (signal(s)) } } }
                            td {
                                @if case.overdue { span.overdue { "已超时未确认" } }
                                @else if case.acknowledged_at.is_none() { span.soon { "待确认（" (when(&case.acknowledge_by)) " 前）" } }
                                @else { "处理中" }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page(&staff, "保护个案", body)
}

async fn find(state: &ConsoleState, staff: &Staff, id: &str) -> Result<Case, Refusal> {
    cases(state, staff, None)
        .await?
        .into_iter()
        .find(|case| case.id == id)
        .ok_or_else(Refusal::not_found)
}

pub async fn page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(done): Query<layout::Notice>,
) -> Response {
    match find(&state, &staff, &id).await {
        Ok(case) => render(
            &state,
            &staff,
            &case,
            done.done.as_deref(),
            None,
            &Fields::default(),
        ),
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

fn render(
    state: &ConsoleState,
    staff: &Staff,
    case: &Case,
    done: Option<&str>,
    refusal: Option<&Refusal>,
    typed: &Fields,
) -> Response {
    let action = |step: &str| format!("/console/cases/{}/{step}", case.id);
    let today = crate::clock::local_date(state.app.clock.now()).to_string();
    let open = case.status == "OPEN";
    let body = html! {
        p { a href="/console/cases" { "← 回到个案列表" } }
        (layout::done(done))
        (form_error(refusal))
        div.grid {
            section.card {
                h2 { "孩子写的" }
                @if let Some(child) = &case.child {
                    p.hint { (child.pseudonym) @if let Some(class) = &child.class_name { " · " (class) } }
                }
                @if let Some(proposal) = &case.proposal {
                    p.hint { "写于 " (when(&proposal.submitted_at)) }
                    @for answer in &proposal.answers {
                        h3 { (words::field(&answer.key)) }
                        p.text { (answer.text.clone().unwrap_or_else(|| answer.choices.join("、"))) }
                    }
                    @if let Some(place) = &proposal.place { h3 { "地点" } p.text { (place) } }
                }
                @if let Some(note) = &case.note_from_teacher { h3 { "老师的说明" } p.text { (note) } }
                p { @for s in &case.signals { span.tag.warn { (signal(s)) } } }
            }
            section.card {
                h2 { @if open { "处理中" } @else { "已结案" } }
                p { "打开于 " (when(&case.opened_at)) "（" (since(state, &case.opened_at)) "）" }
                @if case.overdue { p.overdue { "已超过确认期限，还没有人确认。" } }
                @if let Some(note) = &case.closing_note { p { "结案说明：" (note) } }
                h3 { "已做的事" }
                @if case.actions.is_empty() { p.hint { "还没有记录。" } }
                ol {
                    @for a in &case.actions {
                        li { (a.occurred_on) " " (action_kind(&a.kind))
                            @if let Some(body) = &a.body { "（" (body) "）" }
                            @if let Some(reference) = &a.reference { " 编号：" (reference) }
                            @if let Some(note) = &a.note { br; span.hint { (note) } } }
                    }
                }
            }
        }
        @if open && case.acknowledged_at.is_none() {
            form.card method="post" action=(action("acknowledge")) {
                (csrf(staff))
                p { "确认表示你已经看到并接手这个个案。" }
                button type="submit" { "确认接手" }
            }
        }
        @if open {
            form.card method="post" action=(action("action")) {
                (csrf(staff))
                h2 { "记录一件已做的事" }
                label for="kind" { "做了什么" }
                select #kind name="kind" { @for k in KINDS { option value=(k) selected[typed.get("kind") == Some(k)] { (action_kind(k)) } } }
                label for="occurredOn" { "日期" }
                input #occurredOn name="occurredOn" type="date" value=(typed.get("occurredOn").unwrap_or(&today));
                (field_error(refusal, "occurredOn"))
                label for="body" { "告诉了谁 / 哪个机构" }
                input #body name="body" value=(typed.get("body").unwrap_or_default());
                (field_error(refusal, "body"))
                label for="reference" { "回执或案件编号（可不填）" }
                input #reference name="reference" value=(typed.get("reference").unwrap_or_default());
                (field_error(refusal, "reference"))
                label for="note" { "说明（可不填）" }
                textarea #note name="note" { (typed.get("note").unwrap_or_default()) }
                (field_error(refusal, "note"))
                p { button type="submit" { "记录" } }
            }
            form.card method="post" action=(action("close")) {
                (csrf(staff))
                h2 { "结案" }
                label for="reportedTo" { "报告给了谁（公安、民政、妇联……）" }
                input #reportedTo name="reportedTo" value=(typed.get("reportedTo").unwrap_or_default());
                (field_error(refusal, "reportedTo"))
                label for="reportedOn" { "报告日期" }
                input #reportedOn name="reportedOn" type="date" value=(typed.get("reportedOn").unwrap_or_default());
                (field_error(refusal, "reportedOn"))
                label for="noReportReason" { "或者：为什么不需要报告" }
                input #noReportReason name="noReportReason" value=(typed.get("noReportReason").unwrap_or_default());
                (field_error(refusal, "noReportReason"))
                label for="closingNote" { "结案说明" }
                textarea #closingNote name="closingNote" { (typed.get("closingNote").unwrap_or_default()) }
                (field_error(refusal, "closingNote"))
                p { button.danger type="submit" data-confirm="结案后不能再记录。确定结案吗？" { "结案" } }
            }
        }
    };
    layout::page(staff, "保护个案", body)
}

pub async fn step(
    State(state): State<ConsoleState>,
    Path((id, step)): Path<(String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    let (mutation, variables, done): (&str, Value, &str) = match step.as_str() {
        "acknowledge" => (
            "mutation($c: ID!) { acknowledgeSafeguardingCase(caseId: $c) { id } }",
            json!({ "c": id }),
            "已确认接手。",
        ),
        "action" => (
            "mutation($c: ID!, $i: SafeguardingActionInput!) { recordSafeguardingAction(caseId: $c, input: $i) { id } }",
            json!({ "c": id, "i": {
                "kind": fields.get("kind").unwrap_or_default(),
                "occurredOn": fields.get("occurredOn").unwrap_or_default(),
                "body": fields.text("body"), "reference": fields.text("reference"), "note": fields.text("note"),
            } }),
            "已记录。",
        ),
        "close" => (
            "mutation($c: ID!, $n: String!, $o: CaseOutcomeInput!) { closeSafeguardingCase(caseId: $c, note: $n, outcome: $o) { id } }",
            json!({ "c": id, "n": fields.get("closingNote").unwrap_or_default(), "o": {
                "reportedTo": fields.text("reportedTo"), "reportedOn": fields.text("reportedOn"),
                "noReportReason": fields.text("noReportReason"),
            } }),
            "个案已结案。",
        ),
        _ => {
            return layout::refused(&staff, &Refusal::not_found());
        }
    };
    match run::<Value>(&state, &staff, mutation, variables).await {
        Ok(_) if step == "close" => after("/console/cases", done),
        Ok(_) => after(&format!("/console/cases/{id}"), done),
        Err(mut refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            if step == "close" {
                for (field, _) in &mut refusal.fields {
                    if field == "note" {
                        *field = "closingNote".into();
                    }
                }
            }
            match find(&state, &staff, &id).await {
                Ok(case) => {
                    let mut response = render(&state, &staff, &case, None, Some(&refusal), &fields);
                    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    response
                }
                Err(refusal) => layout::refused(&staff, &refusal),
            }
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}
