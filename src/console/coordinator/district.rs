//! The coordinators' to-do list: answers awaiting publication, extension requests, bounced or
//! unrouted tasks to send on, and the tasks escalated to them (督办).

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Department, departments, name_of};
use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::department::{TASK_FIELDS, TaskRow};
use crate::console::layout::{self, csrf};
use crate::console::session::{Posted, Staff};
use crate::console::words;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    #[serde(flatten)]
    task: TaskRow,
    proposal_id: String,
    department_id: Option<String>,
}

#[derive(Deserialize)]
struct Nodes {
    nodes: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Escalated {
    task: Row,
    working_days_overdue: i64,
}

struct Read {
    answered: Nodes,
    extensions: Nodes,
    triage: Nodes,
    escalated: Vec<Escalated>,
}

async fn read_list(state: &ConsoleState, staff: &Staff, query: &str) -> Result<Nodes, Refusal> {
    #[derive(Deserialize)]
    struct List {
        list: Nodes,
    }
    let read: List = run(state, staff, query, json!({})).await?;
    Ok(read.list)
}

pub async fn page(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(notice): Query<layout::Notice>,
) -> Response {
    let fields = format!("{TASK_FIELDS} proposalId departmentId");
    // One operation per list: each stays inside the API's complexity limit, as any client's must.
    let in_states = |states: &str, extra: &str| {
        format!(
            "{{ list: districtTasks(states: [{states}], first: 50) {{ nodes {{ {fields} {extra} }} }} }}"
        )
    };
    let answered = read_list(&state, &staff, &in_states("ANSWERED", "")).await;
    let extensions = read_list(&state, &staff, &in_states("EXTENSION_REQUESTED", "")).await;
    let triage = read_list(
        &state,
        &staff,
        &format!("{{ list: triageTasks(first: 50) {{ nodes {{ {fields} }} }} }}"),
    )
    .await;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Escalations {
        escalated_tasks: Vec<Escalated>,
    }
    let escalated: Result<Escalations, Refusal> = run(
        &state,
        &staff,
        &format!("{{ escalatedTasks {{ workingDaysOverdue task {{ {fields} }} }} }}"),
        json!({}),
    )
    .await;
    let read = match (answered, extensions, triage, escalated) {
        (Ok(answered), Ok(extensions), Ok(triage), Ok(escalated)) => Read {
            answered,
            extensions,
            triage,
            escalated: escalated.escalated_tasks,
        },
        (Err(refusal), ..)
        | (_, Err(refusal), ..)
        | (_, _, Err(refusal), _)
        | (.., Err(refusal)) => {
            return layout::refused(&staff, &refusal);
        }
    };
    let departments = match departments(&state, &staff).await {
        Ok(departments) => departments,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        (layout::notice(&notice))
        section.card {
            h2 { "待公开的答复 " span.count { (read.answered.nodes.len()) } }
            @if read.answered.nodes.is_empty() { p.empty { "没有等待公开的答复。" } }
            @for row in &read.answered.nodes {
                (task_line(row, &departments))
                form method="post" action="/console/district/publish" {
                    (csrf(&staff))
                    input type="hidden" name="proposal" value=(row.proposal_id);
                    button type="submit" { "公开到建议墙" }
                }
            }
        }
        section.card {
            h2 { "延期申请 " span.count { (read.extensions.nodes.len()) } }
            @if read.extensions.nodes.is_empty() { p.empty { "没有待决定的延期申请。" } }
            @for row in &read.extensions.nodes {
                (task_line(row, &departments))
                form.decisions method="post" action="/console/district/extension" {
                    (csrf(&staff))
                    input type="hidden" name="task" value=(row.task.id);
                    label.inline { "说明（可不填）" input name="note"; }
                    button type="submit" name="approve" value="true" { "同意延期" }
                    button.secondary type="submit" name="approve" value="false" { "不同意" }
                }
            }
        }
        section.card {
            h2 { "需要改派的 " span.count { (read.triage.nodes.len()) } }
            @if read.triage.nodes.is_empty() { p.empty { "没有退回或无人负责的建议。" } }
            @for row in &read.triage.nodes {
                (task_line(row, &departments))
                form.decisions method="post" action="/console/district/reroute" {
                    (csrf(&staff))
                    input type="hidden" name="task" value=(row.task.id);
                    label.inline { "改派给"
                        select name="department" { @for d in &departments { option value=(d.id) { (d.name_zh) } } } }
                    button type="submit" { "改派" }
                }
            }
        }
        section.card {
            h2 { "督办 " span.count { (read.escalated.len()) } }
            @if read.escalated.is_empty() { p.empty { "没有超期督办的建议。" } }
            @for item in &read.escalated {
                (task_line(&item.task, &departments))
                p.overdue { "已超期 " (item.working_days_overdue) " 个工作日" }
            }
        }
    };
    layout::page(&staff, "区里的待办", body)
}

fn task_line(row: &Row, departments: &[Department]) -> Markup {
    html! {
        h3 { (row.task.summary()) }
        p.hint { (row.task.topic_label) " · " (name_of(departments, row.department_id.as_deref()))
            " · " (words::task_state(&row.task.state)) " · 期限 " (row.task.due) }
    }
}

pub async fn step(
    State(state): State<ConsoleState>,
    axum::extract::Path(step): axum::extract::Path<String>,
    Posted { staff, fields }: Posted,
) -> Response {
    let (mutation, variables, done): (&str, Value, &str) = match step.as_str() {
        "publish" => (
            "mutation($p: ID!) { publishProposal(id: $p) { id } }",
            json!({ "p": fields.get("proposal").unwrap_or_default() }),
            "已公开到建议墙。",
        ),
        "extension" => (
            "mutation($t: ID!, $a: Boolean!, $n: String) { decideExtension(taskId: $t, approve: $a, note: $n) { id } }",
            json!({ "t": fields.get("task").unwrap_or_default(), "a": fields.get("approve") == Some("true"), "n": fields.text("note") }),
            "已决定延期申请。",
        ),
        "reroute" => (
            "mutation($t: ID!, $d: ID!) { rerouteTask(taskId: $t, departmentId: $d) { id } }",
            json!({ "t": fields.get("task").unwrap_or_default(), "d": fields.get("department").unwrap_or_default() }),
            "已改派。",
        ),
        _ => {
            return layout::refused(&staff, &Refusal::not_found());
        }
    };
    layout::act_then_return(
        &state,
        &staff,
        mutation,
        variables,
        "/console/district",
        done,
    )
    .await
}
