//! Answering (DESIGN §3): the lead department answers in words a child understands, once for
//! every proposal linked as a duplicate, then reports progress on what it promised; the child
//! says whether the answer was good enough, which closes the task or, once, reopens it.

use chrono::NaiveDate;

use crate::clock::local_date;
use crate::domain::answers::{
    Answer, Jargon, Outcome, Progress, Stage, check_child_text, child_text_limit,
};
use crate::domain::children::AgeBand;
use crate::domain::ids::{ProposalId, TaskId};
use crate::domain::lifecycle::{GovernmentEvent, GovernmentState};
use crate::domain::tasks::{Task, TaskEvent, TaskEventKind};
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::services::access::DepartmentMember;
use crate::services::tasks::{Step, announce, led_task, step_in};
use crate::state::AppState;
use crate::store;
use crate::store::proposals::EventActor;

mod rating;
pub use rating::{close_unrated, rate};

/// What a department answers.
pub struct AnswerInput {
    pub outcome: Outcome,
    pub official_text: String,
    pub child_text: String,
    pub planned_completion: Option<NaiveDate>,
    pub cost_yuan: Option<i64>,
}

/// A task with the tasks linked to it as duplicates, and their proposals: one answer reaches
/// them all.
async fn group_of(
    state: &AppState,
    task: Task,
) -> Result<(Vec<Task>, Vec<crate::domain::proposals::Proposal>), AppError> {
    let id = task.id;
    let mut group = vec![task];
    for linked in store::answers::duplicates(&state.db, id).await? {
        if let Some(task) = store::tasks::find(&state.db, linked).await? {
            group.push(task);
        }
    }
    let mut proposals = Vec::with_capacity(group.len());
    for task in &group {
        proposals.push(
            store::proposals::find(&state.db, task.proposal_id)
                .await?
                .ok_or(AppError::NotFound)?,
        );
    }
    Ok((group, proposals))
}

/// The text must suit the youngest child it reaches.
fn youngest_reader(proposals: &[crate::domain::proposals::Proposal]) -> Result<AgeBand, AppError> {
    proposals
        .iter()
        .map(|p| p.band)
        .min_by_key(|band| child_text_limit(*band))
        .ok_or(AppError::NotFound)
}

/// The lead department: the band of the youngest child its answer to this task will reach, whose
/// limits the child text is checked against.
pub async fn reader_band(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
) -> Result<AgeBand, AppError> {
    let task = led_task(state, member, id).await?;
    let (_, proposals) = group_of(state, task).await?;
    youngest_reader(&proposals)
}

/// The lead department answers a task it has signed for, and with it every task linked to it
/// as a duplicate. Returns the task and the jargon warnings on the child text.
pub async fn answer(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    input: AnswerInput,
) -> Result<(Task, Vec<Jargon>), AppError> {
    let task = led_task(state, member, id).await?;
    if store::answers::duplicate_of(&state.db, task.id)
        .await?
        .is_some()
    {
        return Err(AppError::validation(
            &["taskId"],
            FieldCode::LinkedDuplicate,
            "这条建议已并入另一条，请答复那一条。",
        ));
    }
    let (group, proposals) = group_of(state, task).await?;
    let youngest = youngest_reader(&proposals)?;
    let today = local_date(state.clock.now());
    let warnings = validate(&input, youngest, today)?;

    let now = state.clock.now();
    let by = member.by();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let mut done: Vec<(Task, TaskEvent)> = Vec::new();
    for (index, task) in group.into_iter().enumerate() {
        let primary = index == 0;
        let mut task = task;
        // A linked duplicate not yet signed for is signed for by the answer.
        if !primary
            && matches!(
                task.state,
                GovernmentState::Routed | GovernmentState::Reopened
            )
        {
            let signed = Step {
                event: Some(GovernmentEvent::SignFor),
                kind: TaskEventKind::SignedFor,
                actor: EventActor::Staff(by),
                text: None,
                reopened_before: false,
            };
            task = step_in(
                &transaction,
                task,
                signed,
                |t, _| t.signed_for_at = Some(now),
                now,
            )
            .await?
            .0;
        }
        if !primary && task.state != GovernmentState::SignedFor {
            continue;
        }
        let answer = Answer {
            id: uuid::Uuid::now_v7(),
            task_id: task.id,
            proposal_id: task.proposal_id,
            outcome: input.outcome,
            official_text: input.official_text.trim().to_owned(),
            child_text: input.child_text.trim().to_owned(),
            planned_completion: input.planned_completion,
            cost_yuan: input.cost_yuan,
            answered_by: by,
            answered_at: now,
        };
        let answered = Step {
            event: Some(GovernmentEvent::Answer),
            kind: TaskEventKind::Answered,
            actor: EventActor::Staff(by),
            text: Some(input.outcome.as_str()),
            reopened_before: false,
        };
        let (task, event) = step_in(&transaction, task, answered, |_, _| {}, now).await?;
        store::answers::insert(&transaction, &answer).await?;
        done.push((task, event));
    }
    transaction.commit().await?;
    crate::services::publicity::changed(state).await;
    for (task, event) in &done {
        announce(state, task, event).await;
    }
    // Where the campaign publishes on answering, each proposal goes public now, if its child
    // (and guardian) agreed; otherwise it waits for a coordinator, or stays private.
    for proposal in &proposals {
        crate::services::publicity::publish_after_answer(state, proposal).await;
    }
    let task = done
        .into_iter()
        .next()
        .map(|(task, _)| task)
        .ok_or(AppError::NotFound)?;
    Ok((task, warnings))
}

fn validate(
    input: &AnswerInput,
    band: crate::domain::children::AgeBand,
    today: NaiveDate,
) -> Result<Vec<Jargon>, AppError> {
    let mut problems = Vec::new();
    let official = input.official_text.trim().chars().count();
    if !(1..=5000).contains(&official) {
        problems.push(FieldError::new(
            &["input", "officialText"],
            FieldCode::Length,
            "正式答复应为 1 到 5000 个字。",
        ));
    }
    let warnings = match check_child_text(&input.child_text, band, &["input", "childText"]) {
        Ok(warnings) => warnings,
        Err(AppError::Validation(mut more)) => {
            problems.append(&mut more);
            Vec::new()
        }
        Err(other) => return Err(other),
    };
    if input.cost_yuan.is_some_and(|cost| cost < 0) {
        problems.push(FieldError::new(
            &["input", "costYuan"],
            FieldCode::Negative,
            "费用不能是负数。",
        ));
    }
    if input.planned_completion.is_some_and(|day| day < today) {
        problems.push(FieldError::new(
            &["input", "plannedCompletion"],
            FieldCode::InThePast,
            "计划完成日期不能早于今天。",
        ));
    }
    if problems.is_empty() {
        Ok(warnings)
    } else {
        Err(AppError::Validation(problems))
    }
}

/// The lead department links a task to another it leads, as a duplicate: answering that one
/// answers both.
pub async fn link_duplicate(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    of: TaskId,
) -> Result<Task, AppError> {
    let task = led_task(state, member, id).await?;
    let target = led_task(state, member, of).await.map_err(|_| {
        AppError::validation(&["duplicateOfTaskId"], FieldCode::Unknown, "没有这条任务。")
    })?;
    let open = |t: &Task| {
        matches!(
            t.state,
            GovernmentState::Routed | GovernmentState::SignedFor | GovernmentState::Reopened
        )
    };
    if task.id == target.id || !open(&task) || !open(&target) {
        return Err(AppError::validation(
            &["duplicateOfTaskId"],
            FieldCode::NotLinkable,
            "只能把两条都还没答复的不同任务合并。",
        ));
    }
    if store::answers::duplicate_of(&state.db, target.id)
        .await?
        .is_some()
        || store::answers::duplicate_of(&state.db, task.id)
            .await?
            .is_some()
        || !store::answers::duplicates(&state.db, task.id)
            .await?
            .is_empty()
    {
        return Err(AppError::validation(
            &["duplicateOfTaskId"],
            FieldCode::AlreadyLinked,
            "其中一条已经合并过了。",
        ));
    }
    let now = state.clock.now();
    let by = member.by();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::answers::link_duplicate(&transaction, task.id, target.id, by, now).await?;
    let text = format!("与任务 {} 合并答复", target.id);
    let linked = Step {
        event: None,
        kind: TaskEventKind::Linked,
        actor: EventActor::Staff(by),
        text: Some(&text),
        reopened_before: false,
    };
    let (task, event) = step_in(&transaction, task, linked, |_, _| {}, now).await?;
    transaction.commit().await?;
    // Linked duplicates pool their backers on the wall.
    crate::services::publicity::changed(state).await;
    announce(state, &task, &event).await;
    Ok(task)
}

/// What a department reports after an answer that promised action.
pub struct ProgressInput {
    pub stage: Stage,
    pub text: String,
    pub child_text: String,
}

/// The lead department reports progress; each report reaches the child (and every child of the
/// linked duplicates).
pub async fn post_progress(
    state: &AppState,
    member: &DepartmentMember,
    id: TaskId,
    input: ProgressInput,
) -> Result<Task, AppError> {
    let task = led_task(state, member, id).await?;
    let latest = store::answers::latest(&state.db, &[task.proposal_id]).await?;
    let promised = latest
        .get(&task.proposal_id)
        .is_some_and(|answer| answer.outcome.promises_action());
    let answered = matches!(
        task.state,
        GovernmentState::Answered | GovernmentState::Published | GovernmentState::Closed
    );
    if !promised || !answered {
        return Err(AppError::InvalidTransition);
    }
    let proposal = store::proposals::find(&state.db, task.proposal_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut problems = Vec::new();
    if !(1..=2000).contains(&input.text.trim().chars().count()) {
        problems.push(FieldError::new(
            &["text"],
            FieldCode::Length,
            "进展说明应为 1 到 2000 个字。",
        ));
    }
    if let Err(AppError::Validation(mut more)) =
        check_child_text(&input.child_text, proposal.band, &["childText"])
    {
        problems.append(&mut more);
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let now = state.clock.now();
    let progress = Progress {
        stage: input.stage,
        text: input.text.trim().to_owned(),
        child_text: input.child_text.trim().to_owned(),
        at: now,
    };
    let mut group = vec![task];
    for linked in store::answers::duplicates(&state.db, id).await? {
        if let Some(task) = store::tasks::find(&state.db, linked).await? {
            group.push(task);
        }
    }
    let by = member.by();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let mut done = Vec::new();
    for task in group {
        store::answers::insert_progress(&transaction, task.id, &progress, by).await?;
        let reported = Step {
            event: None,
            kind: TaskEventKind::Progress,
            actor: EventActor::Staff(by),
            text: Some(input.stage.as_str()),
            reopened_before: false,
        };
        done.push(step_in(&transaction, task, reported, |_, _| {}, now).await?);
    }
    transaction.commit().await?;
    crate::services::publicity::changed(state).await;
    for (task, event) in &done {
        announce(state, task, event).await;
        if let Ok(Some(proposal)) = store::proposals::find(&state.db, task.proposal_id).await {
            crate::services::notifications::progress(state, &proposal, &progress).await;
        }
    }
    done.into_iter()
        .next()
        .map(|(task, _)| task)
        .ok_or(AppError::NotFound)
}

/// The latest answers of proposals, and the progress of their tasks (two queries).
pub async fn of_proposals(
    state: &AppState,
    proposals: &[ProposalId],
    tasks: &std::collections::HashMap<ProposalId, Task>,
) -> Result<
    (
        std::collections::HashMap<ProposalId, Answer>,
        std::collections::HashMap<TaskId, Vec<Progress>>,
    ),
    AppError,
> {
    let answers = store::answers::latest(&state.db, proposals).await?;
    let task_ids: Vec<TaskId> = tasks.values().map(|t| t.id).collect();
    let progress = store::answers::progress_of(&state.db, &task_ids).await?;
    Ok((answers, progress))
}

/// Department staff: the starting points for an answer on a topic with an outcome.
pub fn templates(
    _: &DepartmentMember,
    topic: &str,
    outcome: Outcome,
) -> Result<Vec<crate::domain::answers::Template>, AppError> {
    Ok(crate::domain::answers::templates(topic, outcome))
}
