//! The department's queue: open tasks by deadline (or by how many children back them), with
//! working days left, reminders (催办) and escalations (督办) marked; answered ones apart.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use serde_json::json;

use super::{TASK_FIELDS, TaskRow, working_days_left};
use crate::clock::local_date;
use crate::console::ConsoleState;
use crate::console::api::run;
use crate::console::layout::{self, when};
use crate::console::session::Staff;
use crate::console::words;

#[derive(Deserialize, Default)]
pub struct View {
    /// `backing` sorts by backers; otherwise by deadline.
    sort: Option<String>,
    /// `answered` lists answered tasks (for progress updates); otherwise the open ones.
    show: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct Nodes {
    nodes: Vec<TaskRow>,
}

pub async fn queue(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(view): Query<View>,
) -> Response {
    let answered = view.show.as_deref() == Some("answered");
    let by_backing = view.sort.as_deref() == Some("backing") && !answered;
    let states: &[&str] = if answered {
        &["ANSWERED", "PUBLISHED", "CLOSED"]
    } else {
        &["ROUTED", "SIGNED_FOR", "EXTENSION_REQUESTED", "REOPENED"]
    };
    let query = if by_backing {
        format!("{{ tasks: mostBackedTasks(first: 50) {{ {TASK_FIELDS} }} }}")
    } else {
        format!(
            "query($s: [TaskState!]) {{ tasks: departmentTasks(first: 50, filter: {{ states: $s }}) {{ nodes {{ {TASK_FIELDS} }} }} }}"
        )
    };
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tasks {
        Page(Nodes),
        List(Vec<TaskRow>),
    }
    #[derive(Deserialize)]
    struct Read {
        tasks: Tasks,
    }
    let read: Read = match run(&state, &staff, &query, json!({ "s": states })).await {
        Ok(read) => read,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let mut tasks = match read.tasks {
        Tasks::Page(page) => page.nodes,
        Tasks::List(list) => list,
    };
    if by_backing {
        tasks.retain(|task| states.contains(&task.state.as_str()));
    }
    let today = local_date(state.app.clock.now());
    let overdue = tasks.iter().filter(|task| task.overdue).count();
    let body = html! {
        (layout::done(view.done.as_deref()))
        nav.tabs aria-label="任务视图" {
            a href="/console/tasks" aria-current=[(!answered && !by_backing).then_some("page")] { "待办（按期限）" }
            " · "
            a href="/console/tasks?sort=backing" aria-current=[by_backing.then_some("page")] { "待办（按附议人数）" }
            " · "
            a href="/console/tasks?show=answered" aria-current=[answered.then_some("page")] { "已答复" }
        }
        p { span.count { (tasks.len()) } " 件"
            @if overdue > 0 { "，其中 " span.overdue { (overdue) " 件已超期" } } }
        @if tasks.is_empty() {
            p.empty { @if answered { "还没有答复过的建议。" } @else { "没有待办的建议。新的建议送到后会出现在这里。" } }
        } @else {
            p.hint { "按 " kbd { "j" } " / " kbd { "k" } " 上下移动，回车打开。" }
            table.rows data-queue {
                thead { tr { th { "建议" } th { "主题" } th { "状态" } th { "期限" } th { "附议" } } }
                tbody {
                    @for task in &tasks {
                        tr data-row {
                            td { a href={ "/console/tasks/" (task.id) } { (task.summary()) }
                                @if let Some(place) = &task.place { br; span.hint { "地点：" (place) } } }
                            td { (task.topic_label) }
                            td { (words::task_state(&task.state))
                                @if task.escalated_at.is_some() { " " span.tag.warn { "督办" } }
                                @else if task.reminded_at.is_some() { " " span.tag.warn { "催办" } } }
                            td { (task.due.format("%m月%d日").to_string()) br;
                                @if !answered { (words::days_left(working_days_left(today, task.due))) } }
                            td { (task.backers) " 人附议" }
                        }
                    }
                }
            }
            p.hint { "列表里的时间是北京时间；最早的一件送到于 " (tasks.iter().map(|t| when(&t.created_at)).min().unwrap_or_default()) "。" }
        }
    };
    layout::page(&staff, "任务", body)
}
