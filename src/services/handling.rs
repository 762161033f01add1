//! How tasks were handled, counted once for the public statistics and the coordinators' report:
//! working days to sign for and to answer, answers on time, extensions, bounces, outcomes and
//! the children's satisfaction.

use std::collections::{BTreeMap, HashMap};

use crate::clock::local_date;
use crate::domain::answers::{Answer, Rating};
use crate::domain::calendar::WorkCalendar;
use crate::domain::ids::{CampaignId, ProposalId, TaskId};
use crate::domain::tasks::{Task, TaskEvent, TaskEventKind};
use crate::error::AppError;
use crate::state::AppState;
use crate::store;

/// Exact figures for a group of tasks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Raw {
    pub tasks: usize,
    /// Working days from routing to signing for, per task signed for.
    pub to_sign: Vec<u32>,
    /// Working days from routing to the first answer, per task answered.
    pub to_answer: Vec<u32>,
    /// Answered by the answer deadline (extensions included).
    pub on_time: usize,
    pub extensions: usize,
    pub bounces: usize,
    /// Latest answers by outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    pub satisfied: usize,
    pub rated: usize,
}

/// Everything about a campaign's tasks, read in five queries.
pub struct Facts {
    pub tasks: Vec<Task>,
    answers: HashMap<ProposalId, Vec<Answer>>,
    ratings: Vec<(ProposalId, Rating)>,
    events: HashMap<TaskId, Vec<TaskEvent>>,
}

impl Facts {
    pub async fn load(state: &AppState, campaign: Option<CampaignId>) -> Result<Facts, AppError> {
        let tasks = store::tasks::of_campaign(&state.db, campaign).await?;
        let ids: Vec<ProposalId> = tasks.iter().map(|t| t.proposal_id).collect();
        let task_ids: Vec<TaskId> = tasks.iter().map(|t| t.id).collect();
        Ok(Facts {
            answers: store::answers::all_of(&state.db, &ids).await?,
            ratings: store::answers::ratings_of(&state.db, &ids).await?,
            events: store::tasks::events_of(&state.db, &task_ids).await?,
            tasks,
        })
    }

    pub fn raw(&self, tasks: &[&Task]) -> Raw {
        let calendar = WorkCalendar::national();
        let mut raw = Raw {
            tasks: tasks.len(),
            ..Raw::default()
        };
        for task in tasks {
            let routed = local_date(task.created_at);
            if let Some(signed) = task.signed_for_at {
                raw.to_sign
                    .push(calendar.working_days_between(routed, local_date(signed)));
            }
            let answers = self.answers.get(&task.proposal_id);
            if let Some(first) = answers.and_then(|a| a.first()) {
                let answered = local_date(first.answered_at);
                raw.to_answer
                    .push(calendar.working_days_between(routed, answered));
                raw.on_time += usize::from(answered <= task.answer_due);
            }
            if let Some(latest) = answers.and_then(|a| a.last()) {
                *raw.outcomes.entry(latest.outcome.as_str()).or_default() += 1;
            }
            for event in self.events.get(&task.id).into_iter().flatten() {
                raw.bounces += usize::from(event.kind == TaskEventKind::Bounced);
                raw.extensions += usize::from(event.kind == TaskEventKind::ExtensionRequested);
            }
        }
        for (proposal, rating) in &self.ratings {
            if tasks.iter().any(|t| t.proposal_id == *proposal) {
                raw.rated += 1;
                raw.satisfied += usize::from(*rating == Rating::Satisfied);
            }
        }
        raw
    }
}
