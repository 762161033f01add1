//! A department's answer and what follows it (DESIGN §3, the answer and publicise steps): the
//! outcome, an official text and a text for the child written for their age band, progress after
//! a promise, the anonymised public record, and the child's verdict.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::OnceLock;

use crate::domain::children::AgeBand;
use crate::domain::ids::{ProposalId, StaffId, TaskId};
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Adopted,
    PartlyAdopted,
    UnderStudy,
    NotFeasible,
    AlreadyDone,
}

crate::domain::text_enum!(Outcome {
    Adopted = "adopted",
    PartlyAdopted = "partly_adopted",
    UnderStudy = "under_study",
    NotFeasible = "not_feasible",
    AlreadyDone = "already_done",
});

impl Outcome {
    /// Whether the answer promised something to do, after which progress is reported.
    pub fn promises_action(self) -> bool {
        matches!(
            self,
            Outcome::Adopted | Outcome::PartlyAdopted | Outcome::UnderStudy
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Planned,
    InProgress,
    Done,
    NotFeasible,
}

crate::domain::text_enum!(Stage {
    Planned = "planned",
    InProgress = "in_progress",
    Done = "done",
    NotFeasible = "not_feasible",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rating {
    Satisfied,
    Partly,
    NotSatisfied,
}

crate::domain::text_enum!(Rating {
    Satisfied = "satisfied",
    Partly = "partly",
    NotSatisfied = "not_satisfied",
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub id: uuid::Uuid,
    pub task_id: TaskId,
    pub proposal_id: ProposalId,
    pub outcome: Outcome,
    pub official_text: String,
    pub child_text: String,
    pub planned_completion: Option<NaiveDate>,
    pub cost_yuan: Option<i64>,
    pub answered_by: StaffId,
    pub answered_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub text: String,
    pub child_text: String,
    pub at: DateTime<Utc>,
}

/// The longest text for a child of each band, in characters.
pub fn child_text_limit(band: AgeBand) -> usize {
    match band {
        AgeBand::A => 120,
        AgeBand::B => 240,
        AgeBand::C => 400,
        AgeBand::D => 600,
    }
}

/// An administrative word in a child's text, with plainer words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jargon {
    pub word: String,
    pub suggestion: String,
    /// Characters of the text.
    pub start: usize,
    pub end: usize,
}

const JARGON: &str = include_str!("../../schema/answers/jargon.tsv");
const TEMPLATES: &str = include_str!("../../schema/answers/templates.tsv");

fn rows(data: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    data.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// Every administrative word with its plainer words, as listed in `schema/answers/jargon.tsv`.
pub fn jargon_table() -> &'static [(&'static str, &'static str)] {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        rows(JARGON)
            .filter_map(|fields| Some((*fields.first()?, *fields.get(1)?)))
            .collect()
    })
}

/// The administrative words in `text`, in order.
pub fn jargon(text: &str) -> Vec<Jargon> {
    let mut found: Vec<Jargon> = jargon_table()
        .iter()
        .flat_map(|(word, suggestion)| {
            text.match_indices(word).map(move |(at, _)| {
                let start = text[..at].chars().count();
                Jargon {
                    word: (*word).to_owned(),
                    suggestion: (*suggestion).to_owned(),
                    start,
                    end: start + word.chars().count(),
                }
            })
        })
        .collect();
    found.sort_by_key(|j| j.start);
    found
}

/// Checks a child text for its band: empty or over the band's length is an error at `path`;
/// administrative words are returned as warnings.
pub fn check_child_text(text: &str, band: AgeBand, path: &[&str]) -> Result<Vec<Jargon>, AppError> {
    let length = text.trim().chars().count();
    let limit = child_text_limit(band);
    if length == 0 {
        return Err(AppError::validation(
            path,
            FieldCode::Required,
            "请写一段孩子能读懂的话。",
        ));
    }
    if length > limit {
        return Err(AppError::Validation(vec![FieldError::new(
            path,
            FieldCode::TooLong,
            format!("给这个年龄段孩子的话最多 {limit} 个字，现在是 {length} 个字。"),
        )]));
    }
    Ok(jargon(text))
}

/// A starting point for an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub topic: Option<&'static str>,
    pub outcome: Outcome,
    pub official_text: &'static str,
    pub child_text: &'static str,
}

/// The templates for a topic and outcome: the topic's own first, then the general ones.
pub fn templates(topic: &str, outcome: Outcome) -> Vec<Template> {
    let mut found: Vec<Template> = rows(TEMPLATES)
        .filter_map(|fields| {
            let [for_topic, for_outcome, official, child] = fields.as_slice() else {
                return None;
            };
            let matches_topic = *for_topic == "*" || *for_topic == topic;
            (matches_topic && Outcome::parse(for_outcome) == Some(outcome)).then(|| Template {
                topic: (*for_topic != "*").then_some(*for_topic),
                outcome,
                official_text: official,
                child_text: child,
            })
        })
        .collect();
    found.sort_by_key(|t| t.topic.is_none());
    found
}

/// How the public sees who proposed it: the grade, and the school where at least this many
/// children of the class took part in the campaign (fewer could name the child).
pub const SCHOOL_SHOWN_FROM: u64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_text_over_the_bands_limit_is_refused_and_jargon_is_a_warning() {
        let short = "我们会在下个月前把秋千修好，谢谢你！";
        assert_eq!(
            check_child_text(short, AgeBand::A, &["x"])
                .map(|w| w.len())
                .ok(),
            Some(0)
        );
        let long = "好".repeat(121);
        assert!(check_child_text(&long, AgeBand::A, &["x"]).is_err());
        assert!(check_child_text(&long, AgeBand::D, &["x"]).is_ok());
        let stiff = "我们将统筹推进，进一步落实。";
        let warnings = check_child_text(stiff, AgeBand::B, &["x"]).unwrap_or_default();
        let words: Vec<&str> = warnings.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(words, ["统筹", "推进", "进一步", "落实"]);
        assert_eq!((warnings[0].start, warnings[0].end), (3, 5));
    }

    #[test]
    fn every_outcome_has_a_general_template_and_a_topics_own_comes_first() {
        for outcome in Outcome::ALL {
            assert!(!templates("health", *outcome).is_empty(), "{outcome:?}");
        }
        let play = templates("places_to_play", Outcome::Adopted);
        assert_eq!(play[0].topic, Some("places_to_play"));
        assert_eq!(play.last().and_then(|t| t.topic), None);
    }
}
