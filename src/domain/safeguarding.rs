//! Safeguarding cases (DESIGN §7): a disclosure the screen or a teacher escalated goes to the
//! school's safeguarding lead, who records what was done. People working with children are
//! mandatory reporters (未成年人保护法 第十一条), so a case keeps who was told, when, and the
//! reference of any report. Cases outlive the child's data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::{CaseId, ChildId, ClassId, ProposalId, SchoolId, StaffId};
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseState {
    Open,
    Closed,
}

crate::domain::text_enum!(CaseState {
    Open = "open",
    Closed = "closed",
});

/// What the lead did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    TalkedWithChild,
    InformedGuardian,
    ReportedToPolice,
    /// 民政, 妇联, a hospital, the education bureau …: the body is named.
    ReportedToOtherBody,
    ReferredToCounselling,
    Other,
}

crate::domain::text_enum!(ActionKind {
    TalkedWithChild = "talked_with_child",
    InformedGuardian = "informed_guardian",
    ReportedToPolice = "reported_to_police",
    ReportedToOtherBody = "reported_to_other_body",
    ReferredToCounselling = "referred_to_counselling",
    Other = "other",
});

impl ActionKind {
    /// A report to an authority: its reference must be kept.
    pub fn is_report(self) -> bool {
        matches!(
            self,
            ActionKind::ReportedToPolice | ActionKind::ReportedToOtherBody
        )
    }
}

/// One recorded action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseAction {
    pub kind: ActionKind,
    pub body: Option<String>,
    pub occurred_on: NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: StaffId,
    pub recorded_at: DateTime<Utc>,
}

impl CaseAction {
    /// Checks an action as the lead entered it, on `today`; problems at `["input", …]`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), AppError> {
        let mut problems = Vec::new();
        if self.occurred_on > today {
            problems.push(FieldError::new(
                &["input", "occurredOn"],
                FieldCode::InTheFuture,
                "日期不能晚于今天。",
            ));
        }
        if self.kind == ActionKind::ReportedToOtherBody && blank(&self.body) {
            problems.push(FieldError::new(
                &["input", "body"],
                FieldCode::Required,
                "请写明报告给了哪个机构。",
            ));
        }
        if self.kind.is_report() && blank(&self.reference) {
            problems.push(FieldError::new(
                &["input", "reference"],
                FieldCode::Required,
                "请填写报告的编号或回执（如报警回执号）。",
            ));
        }
        if self.kind == ActionKind::Other && blank(&self.note) {
            problems.push(FieldError::new(
                &["input", "note"],
                FieldCode::Required,
                "请简要写明做了什么。",
            ));
        }
        for (field, value, limit) in [
            ("body", &self.body, 100),
            ("reference", &self.reference, 100),
            ("note", &self.note, 2000),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > limit) {
                problems.push(FieldError::new(
                    &["input", field],
                    FieldCode::TooLong,
                    format!("最多 {limit} 个字。"),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(problems))
        }
    }
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// A case as its lead sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub school_id: SchoolId,
    /// None once the child's data has been erased.
    pub proposal_id: Option<ProposalId>,
    pub child_id: Option<ChildId>,
    pub class_id: Option<ClassId>,
    /// None when the screen escalated it.
    pub opened_by_staff: Option<StaffId>,
    /// The signs of harm the screen found.
    pub signals: Vec<Signal>,
    /// What the teacher who escalated it wrote for the lead.
    pub note: Option<String>,
    pub state: CaseState,
    pub opened_at: DateTime<Utc>,
    /// When the lead must have acknowledged it (working hours after it opened).
    pub acknowledge_due: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When it went up to the district's safeguarding leads: at once when the school has no
    /// lead, or when it was not acknowledged in time.
    pub escalated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_note: Option<String>,
    pub outcome: Option<CaseOutcome>,
}

impl Case {
    /// Open, unacknowledged and past the time it had to be acknowledged by.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.state == CaseState::Open
            && self.acknowledged_at.is_none()
            && now > self.acknowledge_due
    }
}

/// How a case ended: a mandatory reporter records whom they told and when, or why no report was
/// needed (未成年人保护法 第十一条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseOutcome {
    Reported { to: String, on: NaiveDate },
    NoReportNeeded { reason: String },
}

impl CaseOutcome {
    /// The outcome as the lead entered it, on `today`: either whom it was reported to and when,
    /// or why no report was needed; problems at `["outcome", …]`.
    pub fn parse(
        reported_to: Option<String>,
        reported_on: Option<NaiveDate>,
        no_report_reason: Option<String>,
        today: NaiveDate,
    ) -> Result<CaseOutcome, AppError> {
        let filled = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let field = |name: &str, code: FieldCode, message: &str| {
            AppError::validation(&["outcome", name], code, message)
        };
        match (filled(reported_to), reported_on, filled(no_report_reason)) {
            (Some(to), Some(on), None) => {
                if on > today {
                    Err(field(
                        "reportedOn",
                        FieldCode::InTheFuture,
                        "日期不能晚于今天。",
                    ))
                } else if to.chars().count() > 200 {
                    Err(field("reportedTo", FieldCode::TooLong, "最多 200 个字。"))
                } else {
                    Ok(CaseOutcome::Reported { to, on })
                }
            }
            (Some(_), None, None) => Err(field(
                "reportedOn",
                FieldCode::Required,
                "请填写报告的日期。",
            )),
            (None, Some(_), None) => Err(field(
                "reportedTo",
                FieldCode::Required,
                "请写明报告给了谁或哪个机构。",
            )),
            (None, None, Some(reason)) if reason.chars().count() <= 2000 => {
                Ok(CaseOutcome::NoReportNeeded { reason })
            }
            (None, None, Some(_)) => Err(field(
                "noReportReason",
                FieldCode::TooLong,
                "最多 2000 个字。",
            )),
            (None, None, None) => Err(field(
                "reportedTo",
                FieldCode::Required,
                "结案前请写明报告给了谁、什么时候，或者为什么不需要报告。",
            )),
            _ => Err(field(
                "noReportReason",
                FieldCode::EitherOr,
                "请只选一种：已报告（给谁、哪天），或不需要报告（原因）。",
            )),
        }
    }
}

/// A sign of harm the screen found in a proposal (the subkinds of a safeguarding finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    SelfHarm,
    AbuseAtHome,
    Neglect,
    Bullying,
    SexualAbuse,
    AdultAtSchool,
    RunningAway,
    ChildLabour,
    Exploitation,
    /// Someone hurts the child, who is not said.
    Harm,
}

crate::domain::text_enum!(Signal {
    SelfHarm = "self_harm",
    AbuseAtHome = "abuse_at_home",
    Neglect = "neglect",
    Bullying = "bullying",
    SexualAbuse = "sexual_abuse",
    AdultAtSchool = "adult_at_school",
    RunningAway = "running_away",
    ChildLabour = "child_labour",
    Exploitation = "exploitation",
    Harm = "harm",
});

/// What a notice to a safeguarding lead is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffNoticeKind {
    /// A new case for them.
    CaseOpened,
    /// A case nobody acknowledged in time.
    CaseOverdue,
}

crate::domain::text_enum!(StaffNoticeKind {
    CaseOpened = "case_opened",
    CaseOverdue = "case_overdue",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subkind_the_screen_raises_is_a_signal() {
        let known: Vec<&str> = Signal::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(known, moderation::SAFEGUARDING_SUBKINDS);
    }

    fn action(kind: ActionKind) -> CaseAction {
        CaseAction {
            kind,
            body: None,
            occurred_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            reference: None,
            note: None,
            recorded_by: StaffId::new(),
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn a_report_needs_its_reference_and_another_body_its_name() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        assert!(action(ActionKind::TalkedWithChild).validate(today).is_ok());
        let Err(AppError::Validation(problems)) =
            action(ActionKind::ReportedToOtherBody).validate(today)
        else {
            panic!("expected a validation error");
        };
        let paths: Vec<_> = problems.iter().map(|p| p.path.join(".")).collect();
        assert_eq!(paths, ["input.body", "input.reference"]);
    }

    #[test]
    fn an_action_cannot_be_dated_after_today() {
        let yesterday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        assert!(
            action(ActionKind::TalkedWithChild)
                .validate(yesterday)
                .is_err()
        );
    }
}
