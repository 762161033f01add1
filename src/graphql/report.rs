//! The coordinators' report of a campaign (also as CSV and XLSX at
//! `/reports/campaigns/{id}.csv` and `.xlsx`).

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::answers::Outcome as DomainOutcome;
use crate::domain::ids::CampaignId;
use crate::services;
use crate::services::report::ReportRow;

/// How many answers had one outcome.
#[derive(SimpleObject)]
pub struct OutcomeCount {
    /// The outcome.
    pub outcome: super::answers::Outcome,
    /// How many answers had it.
    pub count: u64,
}

/// One department's handling in a campaign report.
#[derive(SimpleObject)]
pub struct DepartmentReport {
    /// The department's code.
    pub code: String,
    /// Its name.
    pub name_zh: String,
    /// Tasks it received in the campaign.
    pub tasks: u64,
    /// Tasks it answered.
    pub answered: u64,
    /// Share answered by their deadline, 0 to 1; null with none answered.
    pub on_time_rate: Option<f64>,
    /// Extensions it asked for.
    pub extensions: u64,
    /// Tasks it sent back for re-routing.
    pub bounces: u64,
    /// Its answers by outcome.
    pub outcomes: Vec<OutcomeCount>,
    /// Answers the children rated.
    pub rated: u64,
    /// Share of ratings that were satisfied, 0 to 1; null with none rated.
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
            outcomes: DomainOutcome::ALL
                .iter()
                .map(|outcome| OutcomeCount {
                    outcome: (*outcome).into(),
                    count: count(row.outcome(outcome.as_str())),
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
    /// The campaign's title.
    pub title: String,
    /// Each department that had tasks, by code.
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
        #[graphql(desc = "The campaign.")] campaign_id: ID,
    ) -> GqlResult<CampaignReport> {
        let campaign = parse_id(&campaign_id, CampaignId::parse, &["campaignId"])?;
        let report = services::report::report(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            campaign,
        )
        .await?;
        Ok(CampaignReport {
            title: report.title,
            departments: report.rows.into_iter().map(Into::into).collect(),
        })
    }
}
