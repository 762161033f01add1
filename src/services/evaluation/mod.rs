//! Reports by the plan's cuts and the evaluation the plan asks for (issue 20: 建设成效评估与儿童
//! 影响评估): what children asked, what was adopted, done and not feasible (and why), how long
//! answers took, how satisfied children were, and the policy changes departments recorded;
//! cut by measure, township, band, school, month, term or year. Counts from 1 to 4 are hidden,
//! with complementary suppression so no total gives one back; medians and rates over fewer than
//! five are not shown.

use chrono::{NaiveDate, TimeZone as _};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::clock::local_date;
use crate::domain::answers::{Outcome, Stage};
use crate::domain::calendar::WorkCalendar;
use crate::domain::forms::band_letter;
use crate::domain::lifecycle::SchoolState;
use crate::domain::plan::suppression::{self, Shown, THRESHOLD};
use crate::domain::plan::{Cut, measure, measures, period_label};
use crate::domain::proposals::Proposal;
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;

pub mod exports;
pub mod measures;
mod policy;

pub use policy::record_policy_change;

/// The counted columns, in order: (key, heading).
pub const COLUMNS: [(&str, &str); 6] = [
    ("submitted", "提出"),
    ("routed", "转到部门"),
    ("answered", "已答复"),
    ("adopted", "采纳"),
    ("not_feasible", "暂不可行"),
    ("done", "已办成"),
];

/// Days from `from` up to (not including) `to`, in the district's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What one proposal adds to a row.
#[derive(Clone, Debug, Default)]
struct Facts {
    counts: [bool; 6],
    days_to_answer: Option<u32>,
    satisfied: Option<bool>,
}

/// One row as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub counts: Vec<Shown>,
    /// Working days to the first answer, the median; none over fewer than five.
    pub median_days_to_answer: Option<f64>,
    /// Children satisfied, a share of those who rated; none over fewer than five.
    pub satisfaction_rate: Option<f64>,
}

/// A report cut one way, with its total row.
#[derive(Clone, Debug, PartialEq)]
pub struct CutReport {
    pub cut: Cut,
    pub period: Period,
    pub rows: Vec<Row>,
    pub total: Row,
}

/// Coordinators: the proposals of a period, cut one way.
pub async fn report(
    state: &AppState,
    _: &Coordinator,
    cut: Cut,
    period: Period,
) -> Result<CutReport, AppError> {
    let data = Data::load(state, period).await?;
    Ok(data.cut(cut))
}

/// Everything a report needs about a period's proposals, read in a few queries.
struct Data {
    period: Period,
    proposals: Vec<Proposal>,
    facts: HashMap<crate::domain::ids::ProposalId, Facts>,
    topic_measures: HashMap<String, Vec<u32>>,
    areas: Vec<(String, String)>,
    schools: HashMap<crate::domain::ids::SchoolId, String>,
}

impl Data {
    async fn load(state: &AppState, period: Period) -> Result<Data, AppError> {
        let start = chrono_tz_shanghai;
        let proposals: Vec<Proposal> =
            store::proposals::submitted_between(&state.db, start(period.from), start(period.to))
                .await?
                .into_iter()
                // What is with a safeguarding lead is no proposal to report.
                .filter(|p| p.school_state != SchoolState::Escalated)
                .collect();
        let ids: Vec<_> = proposals.iter().map(|p| p.id).collect();
        let tasks = store::tasks::of_proposals(&state.db, &ids).await?;
        let answers = store::answers::all_of(&state.db, &ids).await?;
        let ratings: HashMap<_, _> = store::answers::ratings_of(&state.db, &ids)
            .await?
            .into_iter()
            .collect();
        let task_ids: Vec<_> = tasks.values().map(|t| t.id).collect();
        let progress = store::answers::progress_of(&state.db, &task_ids).await?;
        let calendar = WorkCalendar::national();
        let mut facts = HashMap::new();
        for proposal in &proposals {
            let task = tasks.get(&proposal.id);
            let answers = answers.get(&proposal.id);
            let latest = answers.and_then(|a| a.last());
            let done = latest.is_some_and(|a| a.outcome == Outcome::AlreadyDone)
                || task
                    .and_then(|t| progress.get(&t.id))
                    .is_some_and(|p| p.iter().any(|p| p.stage == Stage::Done));
            let routed = task.is_some_and(|t| t.department_id.is_some());
            facts.insert(
                proposal.id,
                Facts {
                    counts: [
                        true,
                        routed,
                        latest.is_some(),
                        latest.is_some_and(|a| {
                            matches!(a.outcome, Outcome::Adopted | Outcome::PartlyAdopted)
                        }),
                        latest.is_some_and(|a| a.outcome == Outcome::NotFeasible),
                        done,
                    ],
                    days_to_answer: task.zip(answers.and_then(|a| a.first())).map(|(t, a)| {
                        calendar.working_days_between(
                            local_date(t.created_at),
                            local_date(a.answered_at),
                        )
                    }),
                    satisfied: ratings
                        .get(&proposal.id)
                        .map(|r| *r == crate::domain::answers::Rating::Satisfied),
                },
            );
        }
        let mut topic_measures: HashMap<String, Vec<u32>> = HashMap::new();
        for (topic, measure) in store::plan::topic_measures(&state.db).await? {
            topic_measures.entry(topic).or_default().push(measure);
        }
        let areas = store::areas::all(&state.db)
            .await?
            .into_iter()
            .map(|area| (area.code, area.name_zh))
            .collect();
        let mut schools = HashMap::new();
        for school in proposals
            .iter()
            .map(|p| p.school_id)
            .collect::<HashSet<_>>()
        {
            if let Some(found) = store::people::find_school(&state.db, school).await? {
                schools.insert(school, found.name_zh);
            }
        }
        Ok(Data {
            period,
            proposals,
            facts,
            topic_measures,
            areas,
            schools,
        })
    }

    /// The rows a proposal counts in: (key, label); a proposal serves several measures.
    fn keys(&self, cut: Cut, proposal: &Proposal) -> Vec<(String, String)> {
        match cut {
            Cut::Measure => {
                let numbers = self
                    .topic_measures
                    .get(proposal.topic.key())
                    .cloned()
                    .unwrap_or_default();
                if numbers.is_empty() {
                    return vec![("none".to_owned(), "未对应措施".to_owned())];
                }
                numbers
                    .into_iter()
                    .map(|n| {
                        let title = measure(n).map_or("", |m| m.title.as_str());
                        (format!("{n:02}"), format!("{n}. {title}"))
                    })
                    .collect()
            }
            Cut::Township => vec![match &proposal.area_code {
                Some(code) => {
                    let name = self
                        .areas
                        .iter()
                        .find(|(c, _)| c == code)
                        .map_or(code.clone(), |(_, name)| name.clone());
                    (code.clone(), name)
                }
                None => ("none".to_owned(), "未填写".to_owned()),
            }],
            Cut::Band => {
                let letter = band_letter(proposal.band).to_owned();
                let ages = match proposal.band {
                    crate::domain::children::AgeBand::A => "6-8岁",
                    crate::domain::children::AgeBand::B => "9-11岁",
                    crate::domain::children::AgeBand::C => "12-14岁",
                    crate::domain::children::AgeBand::D => "15-17岁",
                };
                vec![(letter.clone(), format!("{letter}（{ages}）"))]
            }
            Cut::School => vec![(
                proposal.school_id.to_string(),
                self.schools
                    .get(&proposal.school_id)
                    .cloned()
                    .unwrap_or_default(),
            )],
            Cut::Month | Cut::Term | Cut::Year => {
                let label = period_label(cut, local_date(proposal.created_at)).unwrap_or_default();
                vec![(label.clone(), label)]
            }
        }
    }

    fn cut(&self, cut: Cut) -> CutReport {
        let mut groups: BTreeMap<String, (String, Vec<&Facts>)> = BTreeMap::new();
        if cut == Cut::Measure {
            // Every measure has its row, asked about or not.
            for m in measures() {
                groups.insert(
                    format!("{:02}", m.number),
                    (format!("{}. {}", m.number, m.title), Vec::new()),
                );
            }
        }
        for proposal in &self.proposals {
            let facts = &self.facts[&proposal.id];
            for (key, label) in self.keys(cut, proposal) {
                groups
                    .entry(key)
                    .or_insert_with(|| (label, Vec::new()))
                    .1
                    .push(facts);
            }
        }
        let all: Vec<&Facts> = self.proposals.iter().map(|p| &self.facts[&p.id]).collect();
        let raw_rows: Vec<(String, String, [u64; 6], Vec<&Facts>)> = groups
            .into_iter()
            .map(|(key, (label, facts))| {
                let counts = count(&facts);
                (key, label, counts, facts)
            })
            .collect();
        let total_counts = count(&all);
        let mut columns: Vec<(Vec<Shown>, Shown)> = Vec::new();
        for (column, total) in total_counts.iter().enumerate() {
            let cells: Vec<u64> = raw_rows.iter().map(|row| row.2[column]).collect();
            columns.push(match cut {
                Cut::Measure => self.measure_column(&raw_rows, column, *total),
                _ => suppression::column(&cells, *total),
            });
        }
        let rows = raw_rows
            .iter()
            .enumerate()
            .map(|(index, (key, label, _, facts))| Row {
                key: key.clone(),
                label: label.clone(),
                counts: columns.iter().map(|(cells, _)| cells[index]).collect(),
                median_days_to_answer: median_days(facts),
                satisfaction_rate: satisfaction(facts),
            })
            .collect();
        CutReport {
            cut,
            period: self.period,
            rows,
            total: Row {
                key: "total".to_owned(),
                label: "合计".to_owned(),
                counts: columns.iter().map(|(_, total)| *total).collect(),
                median_days_to_answer: median_days(&all),
                satisfaction_rate: satisfaction(&all),
            },
        }
    }
}

impl Data {
    /// A column of the cut by measure. Measures overlap (a topic serves several) and the topics
    /// that make each one up are public, so hiding measure counts on their own would not hold:
    /// the counts are hidden on the partition by topic first, and a measure's count is shown only
    /// when none of its topics' counts is hidden.
    fn measure_column(
        &self,
        rows: &[(String, String, [u64; 6], Vec<&Facts>)],
        column: usize,
        total: u64,
    ) -> (Vec<Shown>, Shown) {
        let mut by_topic: BTreeMap<&str, u64> = BTreeMap::new();
        for proposal in &self.proposals {
            *by_topic.entry(proposal.topic.key()).or_default() +=
                u64::from(self.facts[&proposal.id].counts[column]);
        }
        let topics: Vec<&str> = by_topic.keys().copied().collect();
        let cells: Vec<u64> = by_topic.values().copied().collect();
        let (shown, total_shown) = suppression::column(&cells, total);
        let hidden: HashSet<&str> = topics
            .iter()
            .zip(&shown)
            .filter(|(_, cell)| **cell == Shown::Suppressed)
            .map(|(topic, _)| *topic)
            .collect();
        let cells = rows
            .iter()
            .map(|(key, _, counts, _)| {
                let served_by_hidden = topics.iter().any(|topic| {
                    hidden.contains(topic) && self.measure_keys_of(topic).contains(key)
                });
                if served_by_hidden {
                    Shown::Suppressed
                } else {
                    Shown::Count(counts[column])
                }
            })
            .collect();
        (cells, total_shown)
    }

    /// The measure rows a topic's proposals count in.
    fn measure_keys_of(&self, topic: &str) -> Vec<String> {
        match self.topic_measures.get(topic) {
            Some(numbers) if !numbers.is_empty() => {
                numbers.iter().map(|n| format!("{n:02}")).collect()
            }
            _ => vec!["none".to_owned()],
        }
    }
}

fn count(facts: &[&Facts]) -> [u64; 6] {
    let mut counts = [0u64; 6];
    for fact in facts {
        for (slot, counted) in counts.iter_mut().zip(fact.counts) {
            *slot += u64::from(counted);
        }
    }
    counts
}

fn median_days(facts: &[&Facts]) -> Option<f64> {
    let mut days: Vec<u32> = facts.iter().filter_map(|f| f.days_to_answer).collect();
    if (days.len() as u64) < THRESHOLD {
        return None;
    }
    days.sort_unstable();
    let middle = days.len() / 2;
    Some(if days.len().is_multiple_of(2) {
        f64::from(days[middle - 1] + days[middle]) / 2.0
    } else {
        f64::from(days[middle])
    })
}

fn satisfaction(facts: &[&Facts]) -> Option<f64> {
    let rated: Vec<bool> = facts.iter().filter_map(|f| f.satisfied).collect();
    ((rated.len() as u64) >= THRESHOLD)
        .then(|| rated.iter().filter(|s| **s).count() as f64 / rated.len() as f64)
}

/// The first instant of a day in the district's time (UTC+8, no daylight saving).
fn chrono_tz_shanghai(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono::Utc.from_utc_datetime(&(midnight - chrono::Duration::hours(8)))
}

/// What the plan's evaluation adds to the report by measure.
pub struct Evaluation {
    pub by_measure: CutReport,
    /// Per measure key: why proposals were not feasible, in the departments' words (up to five).
    pub not_feasible_reasons: BTreeMap<String, Vec<String>>,
    /// Per measure key: the policy changes recorded against its adopted proposals.
    pub policy_changes: BTreeMap<String, Vec<policy::ChangeLine>>,
}

/// Coordinators: the evaluation of a period (a year, or any span), by measure.
pub async fn evaluation(
    state: &AppState,
    _: &Coordinator,
    period: Period,
) -> Result<Evaluation, AppError> {
    let data = Data::load(state, period).await?;
    let by_measure = data.cut(Cut::Measure);
    let ids: Vec<_> = data.proposals.iter().map(|p| p.id).collect();
    let answers = store::answers::latest(&state.db, &ids).await?;
    let changes = policy::lines(state, &ids).await?;
    let mut not_feasible_reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut policy_changes: BTreeMap<String, Vec<policy::ChangeLine>> = BTreeMap::new();
    for proposal in &data.proposals {
        for (key, _) in data.keys(Cut::Measure, proposal) {
            if let Some(answer) = answers.get(&proposal.id)
                && answer.outcome == Outcome::NotFeasible
            {
                let reasons = not_feasible_reasons.entry(key.clone()).or_default();
                if reasons.len() < 5 && !reasons.contains(&answer.official_text) {
                    reasons.push(answer.official_text.clone());
                }
            }
            for change in changes.iter().filter(|c| c.proposal == proposal.id) {
                policy_changes
                    .entry(key.clone())
                    .or_default()
                    .push(change.clone());
            }
        }
    }
    Ok(Evaluation {
        by_measure,
        not_feasible_reasons,
        policy_changes,
    })
}
