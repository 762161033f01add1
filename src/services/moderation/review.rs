//! A teacher's review of their class's proposals (DESIGN §7): the queue of what awaits them, with
//! the screen's findings and proposed redactions, and one decision per proposal: approve (topic
//! confirmed, redactions accepted or edited, images marked), return for changes, reject, or
//! escalate to the school's safeguarding lead. Every decision is written to the moderation log
//! in the transaction that makes it.

use moderation::Screener;

use crate::domain::ids::{ClassId, MediaId, ProposalId};
use crate::domain::lifecycle::SchoolEvent;
use crate::domain::moderation::{
    Decision, ProposalScreening, Reason, Redaction, StoredFinding, check_message, feedback_band,
    redact, text_fields,
};
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::Actor;
use crate::domain::proposals::Proposal;
use crate::domain::topics::Topic;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::services::access::{class_teacher, log_reads};
use crate::services::notifications::announce;
use crate::services::transitions::school_step;
use crate::services::{safeguarding, tasks};
use crate::state::AppState;
use crate::store;
use crate::store::moderation::LogEntry;
use crate::store::proposals::EventActor;
use crate::telemetry::RequestId;

/// A proposal as its class teacher reviews it, with the images attached to it.
pub struct UnderReview {
    pub proposal: Proposal,
    pub media: Vec<crate::domain::media::Media>,
}

/// The images of each proposal, in one query for them all.
async fn with_media(
    state: &AppState,
    proposals: Vec<Proposal>,
) -> Result<Vec<UnderReview>, AppError> {
    let ids: Vec<MediaId> = proposals
        .iter()
        .flat_map(|p| p.answers.iter().flat_map(|a| &a.media))
        .filter_map(|id| MediaId::parse(id))
        .collect();
    let found = store::media::find_many(&state.db, &ids).await?;
    Ok(proposals
        .into_iter()
        .map(|proposal| {
            let media = found
                .iter()
                .filter(|m| m.child_id == Some(proposal.child_id))
                .filter(|m| {
                    let id = m.id.to_string();
                    proposal.answers.iter().any(|a| a.media.contains(&id))
                })
                .cloned()
                .collect();
            UnderReview { proposal, media }
        })
        .collect())
}

/// The class's teacher: proposals awaiting their review, oldest first, with their images.
/// Reading them is logged.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    class: ClassId,
    page: &PageRequest<ProposalId>,
    request: &RequestId,
) -> Result<Page<UnderReview>, AppError> {
    let teacher = class_teacher(&state.db, actor, class).await?;
    let proposals = store::moderation::awaiting_review(&state.db, class, page).await?;
    let children: Vec<_> = proposals.items.iter().map(|p| p.child_id).collect();
    log_reads(
        state,
        teacher.staff(),
        &children,
        "moderation.queue",
        request,
    )
    .await?;
    Ok(Page {
        has_next_page: proposals.has_next_page,
        items: with_media(state, proposals.items).await?,
    })
}

/// A teacher's decision, as entered.
#[derive(Default)]
pub struct Moderation {
    pub decision: Option<Decision>,
    pub reason: Option<Reason>,
    /// The topic confirmed or corrected; None keeps the child's.
    pub topic: Option<String>,
    /// The redactions to apply on approval; None accepts the proposed ones.
    pub redactions: Option<Vec<Redaction>>,
    /// Attached images, each marked publishable or not.
    pub media: Vec<(MediaId, bool)>,
    /// The teacher's own words to the child; None uses the band's text for the reason.
    pub message: Option<String>,
    /// For the safeguarding lead, on escalation.
    pub note_for_lead: Option<String>,
    /// Findings the teacher marks as false alarms: `(field, start, end)` of a finding.
    pub false_alarms: Vec<Redaction>,
}

/// The proposal's class teacher decides on a proposal awaiting review.
pub async fn moderate(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
    input: Moderation,
    request: &RequestId,
) -> Result<UnderReview, AppError> {
    let mut proposal = store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teacher = class_teacher(&state.db, actor, proposal.class_id).await?;
    let decision = input.decision.ok_or_else(|| {
        AppError::validation(
            &["input", "decision"],
            FieldCode::Required,
            "请选择处理方式。",
        )
    })?;
    let screener = Screener::builtin();
    let screening = proposal.screening.clone().unwrap_or(ProposalScreening {
        action: moderation::Action::Publish,
        findings: Vec::new(),
    });
    let checked = check(state, &proposal, &screening, &input, decision, screener).await?;

    let now = state.clock.now();
    let by = teacher.staff().member.id;
    let text_before = serde_json::json!({ "answers": proposal.answers, "place": proposal.place });
    let topic_before = proposal.topic;
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let event = match decision {
        Decision::Approve => SchoolEvent::Approve,
        Decision::ReturnForChanges => SchoolEvent::ReturnForChanges,
        Decision::Reject => SchoolEvent::Reject,
        Decision::Escalate => SchoolEvent::Escalate,
    };
    // The child reads the reason on their timeline; an escalation tells them nothing here.
    let to_child = checked.child_text.as_deref();
    proposal.school_state = school_step(
        &transaction,
        &proposal,
        event,
        EventActor::Staff(by),
        to_child,
        now,
    )
    .await?;
    let mut text_after = None;
    if let Some((answers, place)) = &checked.public {
        store::moderation::set_approved_content(
            &transaction,
            proposal.id,
            checked.topic.key(),
            answers,
            place.as_deref(),
        )
        .await?;
        text_after = Some(serde_json::json!({ "answers": answers, "place": place }));
    }
    // Approval opens the department's task in the same transaction: nothing falls between desks.
    let mut routed = None;
    if decision == Decision::Approve {
        proposal.topic = checked.topic;
        routed = Some(tasks::open_for_approved(&transaction, &proposal, now).await?);
    }
    for (media, publishable) in &input.media {
        store::media::set_publishable(&transaction, *media, *publishable).await?;
    }
    for (finding, phrase) in &checked.false_alarms {
        store::moderation::add_suggestion(&transaction, proposal.id, by, phrase, finding, now)
            .await?;
    }
    let case = if decision == Decision::Escalate {
        let case = safeguarding::open_case(
            &transaction,
            &proposal,
            Some(by),
            screening.signals(),
            input.note_for_lead.clone(),
            &safeguarding::deadline(state),
            now,
        )
        .await?;
        Some(case)
    } else {
        None
    };
    let redactions = checked.redactions.clone();
    let false_alarms: Vec<StoredFinding> = checked
        .false_alarms
        .iter()
        .map(|(f, _)| f.clone())
        .collect();
    store::moderation::append_log(
        &transaction,
        LogEntry {
            proposal: proposal.id,
            staff: Some(by),
            decision: Some(decision),
            reason: input.reason.map(Reason::as_str),
            message: to_child.or(input.note_for_lead.as_deref()),
            topic_before: topic_before.key(),
            topic_after: checked.topic.key(),
            text_before,
            text_after,
            redactions: &redactions,
            false_alarms: &false_alarms,
        },
        now,
    )
    .await?;
    transaction.commit().await?;
    // The answer shows the child's words again: a read of their data.
    log_reads(
        state,
        teacher.staff(),
        &[proposal.child_id],
        "moderateProposal",
        request,
    )
    .await?;
    proposal.topic = checked.topic;
    if let Some((task, event)) = &routed {
        proposal.government_state = Some(task.state);
        tasks::announce(state, task, event).await;
    } else {
        announce(state, &proposal).await;
    }
    if let Some(case) = &case {
        safeguarding::announce(state, case).await;
    }
    with_media(state, vec![proposal])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the moderated proposal vanished")))
}

/// A decision checked against the proposal, before anything is written.
struct Checked {
    topic: Topic,
    /// On approval: the text beyond the school, redactions applied.
    public: Option<(Vec<crate::domain::forms::Answer>, Option<String>)>,
    redactions: Vec<Redaction>,
    /// What the child reads on their timeline (returned or rejected).
    child_text: Option<String>,
    /// Each marked finding with the words it flagged.
    false_alarms: Vec<(StoredFinding, String)>,
}

async fn check(
    state: &AppState,
    proposal: &Proposal,
    screening: &ProposalScreening,
    input: &Moderation,
    decision: Decision,
    screener: &Screener,
) -> Result<Checked, AppError> {
    let excerpt = |field: &str, start: usize, end: usize| -> Option<String> {
        text_fields(&proposal.answers, proposal.place.as_deref())
            .find(|(name, _)| name == field)
            .map(|(_, text)| text.chars().skip(start).take(end - start).collect())
    };
    let mut problems = Vec::new();

    let topic = match &input.topic {
        None => proposal.topic,
        Some(key) => {
            let campaign = store::campaigns::find(&state.db, proposal.campaign_id).await?;
            let offered = Topic::parse(key.trim()).filter(|topic| {
                campaign
                    .as_ref()
                    .is_some_and(|campaign| campaign.topics.contains(topic))
            });
            match offered {
                Some(topic) => topic,
                None => {
                    problems.push(FieldError::new(
                        &["input", "topic"],
                        FieldCode::UnknownTopic,
                        "这个活动没有这个主题。",
                    ));
                    proposal.topic
                }
            }
        }
    };

    let mut false_alarms = Vec::new();
    for (index, mark) in input.false_alarms.iter().enumerate() {
        let finding = screening.findings.iter().find(|f| {
            f.field == mark.field
                && f.start == mark.start
                && f.end == mark.end
                && f.kind != moderation::FindingKind::Pii
        });
        match finding {
            Some(finding) => {
                let phrase =
                    excerpt(&finding.field, finding.start, finding.end).unwrap_or_default();
                false_alarms.push((finding.clone(), phrase));
            }
            None => problems.push(FieldError::new(
                &["input", "falseAlarms", &index.to_string()],
                FieldCode::NoSuchFinding,
                "这条建议里没有这个标记。",
            )),
        }
    }

    let attached: Vec<&String> = proposal.answers.iter().flat_map(|a| &a.media).collect();
    for (index, (media, _)) in input.media.iter().enumerate() {
        // An image is the child's own: one attached before ownership was checked everywhere
        // (or by any other path) is not theirs to mark.
        let owned = store::media::find(&state.db, *media)
            .await?
            .is_some_and(|found| found.child_id == Some(proposal.child_id));
        if !owned || !attached.iter().any(|id| **id == media.to_string()) {
            problems.push(FieldError::new(
                &["input", "media", &index.to_string(), "id"],
                FieldCode::NotAttached,
                "这张图片不在这条建议里。",
            ));
        }
    }

    let flagged: Vec<String> = screening
        .findings
        .iter()
        .filter(|f| f.kind != moderation::FindingKind::Pii)
        .filter_map(|f| excerpt(&f.field, f.start, f.end))
        .collect();
    if let Some(message) = &input.message
        && let Err(AppError::Validation(mut more)) =
            check_message(screener, message.trim(), proposal.band, &flagged)
    {
        problems.append(&mut more);
    }
    if let Some(note) = &input.note_for_lead
        && note.chars().count() > 2000
    {
        problems.push(FieldError::new(
            &["input", "noteForLead"],
            FieldCode::TooLong,
            "最多 2000 个字。",
        ));
    }

    let band = feedback_band(proposal.band);
    let reason_text = |reason: &str| screener.feedback(reason, band).map(str::to_owned);
    let child_text = match decision {
        Decision::ReturnForChanges | Decision::Reject => match (&input.message, input.reason) {
            (Some(message), _) => Some(message.trim().to_owned()),
            (None, Some(reason)) => reason_text(reason.as_str()),
            (None, None) => {
                problems.push(FieldError::new(
                    &["input", "reason"],
                    FieldCode::Required,
                    "请选择原因，或写一句给孩子的话。",
                ));
                None
            }
        },
        // The child is never told their words were escalated, nor refused: their status reads
        // that the teacher will talk with them.
        Decision::Escalate | Decision::Approve => None,
    };

    let mut redactions = Vec::new();
    let mut public = None;
    if decision == Decision::Approve {
        redactions = input
            .redactions
            .clone()
            .unwrap_or_else(|| screening.proposed_redactions());
        match redact(&proposal.answers, proposal.place.as_deref(), &redactions) {
            Ok(text) => public = Some(text),
            Err(AppError::Validation(mut more)) => problems.append(&mut more),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    Ok(Checked {
        topic,
        public,
        redactions,
        child_text,
        false_alarms,
    })
}

/// The proposal's class teacher: returns it to the child with a note on what to change (1 to
/// 200 characters). The same decision as `moderate` with RETURN_FOR_CHANGES and a message.
pub async fn return_for_changes(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
    note: &str,
    request: &RequestId,
) -> Result<Proposal, AppError> {
    let note = note.trim();
    if !(1..=200).contains(&note.chars().count()) {
        return Err(AppError::validation(
            &["note"],
            FieldCode::Length,
            "请用 1 到 200 个字告诉孩子要改什么。",
        ));
    }
    let input = Moderation {
        decision: Some(Decision::ReturnForChanges),
        message: Some(note.to_owned()),
        ..Moderation::default()
    };
    Ok(moderate(state, actor, id, input, request).await?.proposal)
}

/// The proposal's class teacher, or a coordinator: every decision on a proposal, oldest first.
/// Once it is escalated, its words are the school's safeguarding lead's alone: the lead reads the
/// whole log; the class teacher reads only who decided what and when (that it is with the lead),
/// without any of the child's words; anyone else, coordinators included, gets NOT_FOUND.
pub async fn log(
    state: &AppState,
    actor: &Actor,
    id: ProposalId,
    request: &RequestId,
) -> Result<Vec<store::moderation::Logged>, AppError> {
    let proposal = store::proposals::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (staff, withheld) = if proposal.is_with_the_lead() {
        match crate::services::access::safeguarding_lead_of(actor, proposal.school_id) {
            Ok(lead) => (lead.staff().clone(), false),
            Err(_) => (
                class_teacher(&state.db, actor, proposal.class_id)
                    .await?
                    .staff()
                    .clone(),
                true,
            ),
        }
    } else {
        match crate::services::access::coordinator(actor) {
            Ok(coordinator) => (coordinator.staff().clone(), false),
            Err(_) => (
                class_teacher(&state.db, actor, proposal.class_id)
                    .await?
                    .staff()
                    .clone(),
                false,
            ),
        }
    };
    // The log holds the child's words: a read of their data.
    log_reads(
        state,
        &staff,
        &[proposal.child_id],
        "moderation.log",
        request,
    )
    .await?;
    let entries = store::moderation::log_of(&state.db, id).await?;
    if !withheld {
        return Ok(entries);
    }
    Ok(entries
        .into_iter()
        .map(|entry| store::moderation::Logged {
            // The reason stays: a code (`escalate`, `unclear`), not the child's words.
            message: None,
            text_before: serde_json::json!({ "answers": [], "place": null }),
            text_after: None,
            ..entry
        })
        .collect())
}
