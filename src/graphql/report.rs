//! The coordinators' report of a campaign (also as CSV and XLSX at
//! `/reports/campaigns/{id}.csv` and `.xlsx`).

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::ids::CampaignId;
use crate::services;
use crate::services::report::{OUTCOMES, ReportRow};

/// How many answers had one outcome.
#[derive(SimpleObject)]
pub struct OutcomeCount {
    /// `adopted`, `partly_adopted`, `under_study`, `not_feasible`, `already_done`.
    pub outcome: String,
    pub count: u64,
}

/// One department's handling in a campaign report.
#[derive(SimpleObject)]
pub struct DepartmentReport {
    pub code: String,
    pub name_zh: String,
    pub tasks: u64,
    pub answered: u64,
    pub on_time_rate: Option<f64>,
    pub extensions: u64,
    pub bounces: u64,
    pub outcomes: Vec<OutcomeCount>,
    pub rated: u64,
    pub satisfaction_rate: Option<f64>,
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl From<ReportRow> for DepartmentReport {
    fn from(row: ReportRow) -> Self {
        DepartmentReport {
            tasks: count(row.raw.tasks),
            answered: count(row.answered()),
            on_time_rate: row.on_time_rate(),
            extensions: count(row.raw.extensions),
            bounces: count(row.raw.bounces),
            outcomes: OUTCOMES
                .iter()
                .map(|outcome| OutcomeCount {
                    outcome: (*outcome).to_owned(),
                    count: count(row.outcome(outcome)),
                })
                .collect(),
            rated: count(row.raw.rated),
            satisfaction_rate: row.satisfaction_rate(),
            code: row.code,
            name_zh: row.name_zh,
        }
    }
}

/// A campaign's handling, department by department.
#[derive(SimpleObject)]
pub struct CampaignReport {
    pub title: String,
    pub departments: Vec<DepartmentReport>,
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Coordinators: how each department answered a campaign's proposals.
    async fn campaign_report(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
    ) -> GqlResult<CampaignReport> {
        let campaign = parse_id(&campaign_id, CampaignId::parse, &["campaignId"])?;
        let report = services::report::report(state(ctx)?, actor(ctx), campaign).await?;
        Ok(CampaignReport {
            title: report.title,
            departments: report.rows.into_iter().map(Into::into).collect(),
        })
    }
}
