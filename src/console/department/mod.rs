//! Department staff: the queue with working days left, one task with its history, and each step
//! on it (sign for, note, more time, bounce, answer, progress).

mod queue;
mod task;

use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;

use super::ConsoleState;
use crate::domain::calendar::WorkCalendar;

pub fn routes() -> Router<ConsoleState> {
    Router::new()
        .route("/tasks", get(queue::queue))
        .route("/tasks/{task}", get(task::page))
        .route("/tasks/{task}/{step}", post(task::step))
}

/// A task as the console lists and shows it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRow {
    pub id: String,
    pub topic: String,
    pub topic_label: String,
    pub place: Option<String>,
    pub state: String,
    pub due: NaiveDate,
    pub overdue: bool,
    pub reminded_at: Option<String>,
    pub escalated_at: Option<String>,
    pub backers: i64,
    pub created_at: String,
    pub answers: Vec<crate::console::teacher::Answer>,
}

/// The fields of `TaskRow`, for a selection.
pub const TASK_FIELDS: &str = "id topic topicLabel place state due overdue remindedAt escalatedAt backers createdAt \
     answers { key text choices }";

/// Working days from `today` to `due`: negative once it has passed.
pub fn working_days_left(today: NaiveDate, due: NaiveDate) -> i64 {
    let calendar = WorkCalendar::national();
    if due >= today {
        i64::from(calendar.working_days_between(today, due))
    } else {
        -i64::from(calendar.working_days_between(due, today))
    }
}

impl TaskRow {
    /// The first words of the child's idea (or of the first thing they wrote), for a list.
    pub fn summary(&self) -> String {
        let idea = self.answers.iter().find(|a| a.key == "idea");
        let text = idea
            .into_iter()
            .chain(&self.answers)
            .find_map(|answer| answer.text.clone())
            .unwrap_or_default();
        let short: String = text.chars().take(40).collect();
        if short.chars().count() < text.chars().count() {
            format!("{short}…")
        } else {
            short
        }
    }
}
