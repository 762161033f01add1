//! The plan's measures, reports cut by them (and by township, band, school and period), and the
//! policy changes departments record.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::ids::TaskId;
use crate::domain::plan::{Cut, measures};
use crate::error::{AppError, FieldCode};
use crate::services;
use crate::services::evaluation::{CutReport, Period, Row};

/// What a report's rows are.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::plan::Cut")]
pub enum ReportCut {
    /// The plan's 28 measures (a proposal counts under each measure its topic serves).
    Measure,
    /// Townships and subdistricts (by the area the child named).
    Township,
    /// Age bands.
    Band,
    /// Schools.
    School,
    /// Months.
    Month,
    /// School terms: autumn (September to January), spring (February to August).
    Term,
    /// Years.
    Year,
}

/// One of the plan's measures.
#[derive(SimpleObject)]
pub struct PlanMeasure {
    /// Its number, 1 to 28.
    pub number: i32,
    /// Its title in the plan.
    pub title: String,
    /// The units that lead it.
    pub leads: Vec<String>,
    /// The other responsible units.
    pub others: Vec<String>,
    /// The topics that serve it (keys).
    pub topics: Vec<String>,
}

/// One row of a report. A count of null is hidden: from 1 to 4, or hidden with one so that no
/// total gives it back.
#[derive(SimpleObject)]
pub struct PlanReportRow {
    /// The row's key: a measure number (`03`), an area code, a band letter, a school id or a
    /// period (`2026-11`, `2026秋`, `2026`); `none` for proposals without one; `total`.
    pub key: String,
    /// The row in words.
    pub label: String,
    /// Proposals children sent.
    pub submitted: Option<i32>,
    /// Of those, routed to a department.
    pub routed: Option<i32>,
    /// Answered.
    pub answered: Option<i32>,
    /// Adopted or partly adopted.
    pub adopted: Option<i32>,
    /// Not feasible.
    pub not_feasible: Option<i32>,
    /// Done: reported done, or already done when answered.
    pub done: Option<i32>,
    /// Working days to the first answer, the median; null over fewer than five.
    pub median_days_to_answer: Option<f64>,
    /// Children satisfied, a share of those who rated; null over fewer than five.
    pub satisfaction_rate: Option<f64>,
}

impl From<&Row> for PlanReportRow {
    fn from(row: &Row) -> Self {
        let count = |index: usize| {
            row.counts[index]
                .value()
                .map(|n| i32::try_from(n).unwrap_or(i32::MAX))
        };
        PlanReportRow {
            key: row.key.clone(),
            label: row.label.clone(),
            submitted: count(0),
            routed: count(1),
            answered: count(2),
            adopted: count(3),
            not_feasible: count(4),
            done: count(5),
            median_days_to_answer: row.median_days_to_answer,
            satisfaction_rate: row.satisfaction_rate,
        }
    }
}

/// A report of a period, cut one way.
#[derive(SimpleObject)]
pub struct PlanReport {
    /// How it is cut.
    pub cut: ReportCut,
    /// The first day.
    pub from: NaiveDate,
    /// The day after the last.
    pub to: NaiveDate,
    /// One row per measure, area, band, school or period.
    pub rows: Vec<PlanReportRow>,
    /// Every proposal of the period once.
    pub total: PlanReportRow,
}

impl From<CutReport> for PlanReport {
    fn from(report: CutReport) -> Self {
        PlanReport {
            cut: report.cut.into(),
            from: report.period.from,
            to: report.period.to,
            rows: report.rows.iter().map(Into::into).collect(),
            total: (&report.total).into(),
        }
    }
}

/// A recorded policy change.
#[derive(SimpleObject)]
pub struct PolicyChange {
    /// This record.
    pub id: ID,
    /// The adopted proposal it is recorded against.
    pub proposal_id: ID,
    /// What changed.
    pub text: String,
    /// Where the document is.
    pub link: Option<String>,
}

/// A period from a first day up to a day after the last; a year at most five long.
pub fn period(from: NaiveDate, to: NaiveDate) -> Result<Period, AppError> {
    if to <= from || (to - from).num_days() > 5 * 366 {
        return Err(AppError::validation(
            &["to"],
            FieldCode::OutOfRange,
            "结束日期要晚于开始日期，且时间段不超过五年。",
        ));
    }
    Ok(Period { from, to })
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// Anyone: the plan's 28 measures, and the topics that serve each.
    async fn plan_measures(&self, ctx: &Context<'_>) -> GqlResult<Vec<PlanMeasure>> {
        let map = services::evaluation::measures::topic_measures(state(ctx)?).await?;
        Ok(measures()
            .iter()
            .map(|m| PlanMeasure {
                number: m.number as i32,
                title: m.title.clone(),
                leads: m.leads.clone(),
                others: m.others.clone(),
                topics: map
                    .iter()
                    .filter(|(_, numbers)| numbers.contains(&m.number))
                    .map(|(topic, _)| topic.clone())
                    .collect(),
            })
            .collect())
    }

    /// Coordinators: the proposals sent in a period, cut by measure, township, band, school,
    /// month, term or year, with small counts hidden.
    async fn plan_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How to cut it.")] cut: ReportCut,
        #[graphql(desc = "The first day.")] from: NaiveDate,
        #[graphql(desc = "The day after the last.")] to: NaiveDate,
    ) -> GqlResult<PlanReport> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let report = services::evaluation::report(
            state(ctx)?,
            &coordinator,
            Cut::from(cut),
            period(from, to)?,
        )
        .await?;
        Ok(report.into())
    }
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Coordinators: the measures a topic serves (numbers 1 to 28), replacing its old ones.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn set_topic_measures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The topic's key.")] topic: String,
        #[graphql(desc = "Measure numbers.")] measures: Vec<i32>,
    ) -> GqlResult<Vec<i32>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let numbers = services::evaluation::measures::set_topic_measures(
            state(ctx)?,
            &coordinator,
            &topic,
            &measures,
        )
        .await?;
        Ok(numbers.into_iter().map(|n| n as i32).collect())
    }

    /// The lead department: records a policy change made because of a proposal it adopted
    /// (\u{201c}this changed because of children's proposals\u{201d}), with a link to the document.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn record_policy_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task, answered as adopted or partly adopted.")] task_id: ID,
        #[graphql(desc = "What changed, 5 to 1,000 characters.")] text: String,
        #[graphql(desc = "An http(s) link to the document.")] link: Option<String>,
    ) -> GqlResult<PolicyChange> {
        let member = services::access::department_member(actor(ctx))?;
        let task = parse_id(&task_id, TaskId::parse, &["taskId"])?;
        let change = services::evaluation::record_policy_change(
            state(ctx)?,
            &member,
            task,
            &text,
            link.as_deref(),
        )
        .await?;
        Ok(PolicyChange {
            id: ID(change.id.to_string()),
            proposal_id: ID(change.proposal_id.to_string()),
            text: change.text,
            link: change.link,
        })
    }
}
