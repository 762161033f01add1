//! The privacy lifecycle: leaving school, withdrawing consent to publish, data requests, and the
//! yearly compliance report.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::ids::{ChildId, ProposalId};
use crate::domain::privacy::Request;
use crate::services;

/// What a data request asks for.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::privacy::RequestKind")]
pub enum DataRequestKind {
    /// A ZIP of the child's data and images (`/privacy/requests/{id}/export.zip`).
    Export,
    /// The same erasure as retention.
    Erasure,
}

/// Where a data request stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::privacy::RequestState")]
pub enum DataRequestState {
    /// Waiting for a coordinator.
    Pending,
    /// An approved export, ready to download.
    Approved,
    /// An approved erasure, carried out.
    Done,
    /// Refused by a coordinator.
    Refused,
}

/// A request to export or erase a child's data, filed by a teacher and decided by a coordinator.
#[derive(SimpleObject)]
pub struct DataRequest {
    /// This request.
    pub id: ID,
    /// The child whose data it is about.
    pub child_id: ID,
    /// Export or erasure.
    pub kind: DataRequestKind,
    /// Why it was filed, in the teacher's words.
    pub reason: Option<String>,
    /// The teacher who filed it.
    pub filed_by: ID,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
    /// Where it stands.
    pub state: DataRequestState,
    /// When a coordinator decided it.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<Request> for DataRequest {
    fn from(r: Request) -> Self {
        DataRequest {
            id: ID(r.id.to_string()),
            child_id: ID(r.child_id.to_string()),
            kind: r.kind.into(),
            reason: r.reason,
            filed_by: ID(r.filed_by.to_string()),
            filed_at: r.filed_at,
            state: r.state.into(),
            decided_at: r.decided_at,
        }
    }
}

/// How many reads of children's data one role made.
#[derive(SimpleObject)]
pub struct RoleReads {
    /// The readers' role; null for readers no longer on record.
    pub role: Option<super::people::Role>,
    /// Reads of children's data by staff in that role.
    pub reads: u64,
}

/// A year's privacy figures: requests filed and decided, erasures, reads of children's data.
#[derive(SimpleObject)]
pub struct ComplianceReport {
    /// The calendar year.
    pub year: i32,
    /// Reads of children's data, by the reader's role.
    pub reads_by_role: Vec<RoleReads>,
    /// Data requests filed.
    pub requests_filed: u64,
    /// Data requests decided.
    pub requests_decided: u64,
    /// Median hours from filing to decision; null with none decided.
    pub median_hours_to_decide: Option<f64>,
    /// Children whose data was erased, on request or at the end of retention.
    pub erasures: u64,
    /// Guardians' consents withdrawn.
    pub consent_withdrawals: u64,
    /// Safeguarding cases opened.
    pub safeguarding_opened: u64,
    /// Safeguarding cases closed.
    pub safeguarding_closed: u64,
}

fn request_id(id: &ID) -> Result<uuid::Uuid, crate::error::AppError> {
    parse_id(id, |text| uuid::Uuid::parse_str(text).ok(), &["id"])
}

#[derive(Default)]
pub struct PrivacyQuery;

#[Object]
impl PrivacyQuery {
    /// Coordinators: data requests, oldest first.
    async fn data_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = true,
            desc = "Only those still waiting for a decision; true if not given."
        )]
        pending_only: bool,
    ) -> GqlResult<Vec<DataRequest>> {
        let requests = services::privacy::requests(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            pending_only,
        )
        .await?;
        Ok(requests.into_iter().map(Into::into).collect())
    }

    /// Coordinators: the yearly compliance report (also `/reports/compliance/{year}.csv`).
    async fn compliance_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The calendar year.")] year: i32,
    ) -> GqlResult<ComplianceReport> {
        let report = services::compliance::report(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            year,
        )
        .await?;
        Ok(ComplianceReport {
            year: report.year,
            reads_by_role: report
                .reads_by_role
                .into_iter()
                .map(|(role, reads)| RoleReads {
                    role: role.map(Into::into),
                    reads,
                })
                .collect(),
            requests_filed: report.requests_filed,
            requests_decided: report.requests_decided,
            median_hours_to_decide: report.median_hours_to_decide,
            erasures: report.erasures,
            consent_withdrawals: report.consent_withdrawals,
            safeguarding_opened: report.safeguarding_opened,
            safeguarding_closed: report.safeguarding_closed,
        })
    }
}

#[derive(Default)]
pub struct PrivacyMutation;

#[Object]
impl PrivacyMutation {
    /// The class's teacher: the child has left the school; their data is erased after the
    /// retention period.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn mark_child_left(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child who left.")] child_id: ID,
    ) -> GqlResult<bool> {
        let child = parse_id(&child_id, ChildId::parse, &["childId"])?;
        services::privacy::mark_left(state(ctx)?, actor(ctx), child).await?;
        Ok(true)
    }

    /// The child who made it: no longer agrees that the proposal is public; it leaves every
    /// public view at once.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn withdraw_publication_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child's proposal.")] proposal_id: ID,
    ) -> GqlResult<super::proposals::Proposal> {
        let state = state(ctx)?;
        let id = parse_id(&proposal_id, ProposalId::parse, &["proposalId"])?;
        let child = services::access::signed_in_child(actor(ctx))?;
        let proposal = services::privacy::withdraw_publication_consent(state, &child, id).await?;
        Ok(super::proposals::for_child(state, &child, proposal).await?)
    }

    /// The child's teacher: asks for the child's data export or erasure; a coordinator decides.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn file_data_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child.")] child_id: ID,
        #[graphql(desc = "Export or erasure.")] kind: DataRequestKind,
        #[graphql(desc = "Why, for example the guardian's letter of a date.")] reason: Option<
            String,
        >,
    ) -> GqlResult<DataRequest> {
        let child = parse_id(&child_id, ChildId::parse, &["childId"])?;
        let request =
            services::privacy::file_request(state(ctx)?, actor(ctx), child, kind.into(), reason)
                .await?;
        Ok(request.into())
    }

    /// Coordinators: approves or refuses a pending request; an approved erasure runs at once.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn decide_data_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending request.")] id: ID,
        #[graphql(desc = "True to approve it, false to refuse it.")] approve: bool,
    ) -> GqlResult<DataRequest> {
        let id = request_id(&id)?;
        let request = services::privacy::decide_request(
            state(ctx)?,
            &crate::services::access::coordinator(actor(ctx))?,
            id,
            approve,
        )
        .await?;
        Ok(request.into())
    }
}
