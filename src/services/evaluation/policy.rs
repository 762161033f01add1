//! A department records that a policy changed because of children's proposals (the plan's
//! 政策动态优化调整机制), against a proposal it adopted, with a link to the document.

use crate::domain::answers::Outcome;
use crate::domain::ids::{ProposalId, TaskId};
use crate::error::{AppError, FieldCode};
use crate::services::access::DepartmentMember;
use crate::state::AppState;
use crate::store;
use crate::store::plan::PolicyChange;

/// A policy change as the evaluation lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLine {
    pub proposal: ProposalId,
    pub department: String,
    pub text: String,
    pub link: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The lead department: records a policy change against a task it answered as adopted (or
/// partly adopted). The text is 5 to 1,000 characters; the link, if any, an http(s) address.
pub async fn record_policy_change(
    state: &AppState,
    member: &DepartmentMember,
    task: TaskId,
    text: &str,
    link: Option<&str>,
) -> Result<PolicyChange, AppError> {
    let task = crate::services::tasks::led_task(state, member, task).await?;
    let text = text.trim();
    if !(5..=1000).contains(&text.chars().count()) {
        return Err(AppError::validation(
            &["text"],
            FieldCode::Length,
            "请用 5 到 1000 个字说明改了什么。",
        ));
    }
    let link = link.map(str::trim).filter(|link| !link.is_empty());
    if link.is_some_and(|link| {
        !(link.starts_with("https://") || link.starts_with("http://")) || link.len() > 500
    }) {
        return Err(AppError::validation(
            &["link"],
            FieldCode::Format,
            "链接应以 http:// 或 https:// 开头，最长 500 个字符。",
        ));
    }
    let adopted = store::answers::latest(&state.db, &[task.proposal_id])
        .await?
        .get(&task.proposal_id)
        .is_some_and(|answer| matches!(answer.outcome, Outcome::Adopted | Outcome::PartlyAdopted));
    if !adopted {
        return Err(AppError::InvalidTransition);
    }
    let change = PolicyChange {
        id: uuid::Uuid::now_v7(),
        proposal_id: task.proposal_id,
        department_id: member.department(),
        text: text.to_owned(),
        link: link.map(str::to_owned),
        recorded_by: member.by(),
        at: state.clock.now(),
    };
    store::plan::insert_policy_change(&state.db, &change).await?;
    Ok(change)
}

/// The policy changes recorded against these proposals, with their departments' names.
pub(super) async fn lines(
    state: &AppState,
    proposals: &[ProposalId],
) -> Result<Vec<ChangeLine>, AppError> {
    let departments = store::departments::all(&state.db).await?;
    Ok(store::plan::policy_changes(&state.db, proposals)
        .await?
        .into_iter()
        .map(|change| ChangeLine {
            proposal: change.proposal_id,
            department: departments
                .get(&change.department_id)
                .map(|d| d.name_zh.clone())
                .unwrap_or_default(),
            text: change.text,
            link: change.link,
            at: change.at,
        })
        .collect())
}
