//! What anyone may read, signed in or not: the published proposals with their answers and
//! progress, and the statistics of how well the departments answer. Counts under five read
//! "<5", and a median or a rate over fewer than five is not shown, so no figure points at a
//! child.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

use crate::domain::answers::{Answer, Progress};
use crate::domain::departments::{Department, DepartmentId};
use crate::domain::ids::{CampaignId, ProposalId};
use crate::domain::lifecycle::GovernmentState;
use crate::domain::page::{Page, PageRequest};
use crate::domain::publicity::PublicFilter;
use crate::domain::publicity::PublicKey;
use crate::domain::tasks::Task;
use crate::error::AppError;
use crate::services::handling::{Facts, Raw};
use crate::state::AppState;
use crate::store;
use crate::store::publications::Publication;

/// The smallest count shown as a number.
pub const SMALLEST_SHOWN: usize = 5;

/// A published proposal with what the department said.
#[derive(Clone)]
pub struct PublicItem {
    pub publication: Publication,
    pub department: Option<Department>,
    pub answer: Option<Answer>,
    pub progress: Vec<Progress>,
    /// Children who back it (附议), pooled with its linked duplicates.
    pub backers: u64,
}

/// The published proposals, newest first; a page costs the same few queries whatever its size.
pub async fn published(
    state: &AppState,
    filter: &PublicFilter,
    page: &PageRequest<PublicKey>,
) -> Result<Page<PublicItem>, AppError> {
    remembered(state, format!("page {filter:?} {page:?}"), async {
        let publications = store::publications::page(&state.db, filter, page).await?;
        let items = complete(state, publications.items).await?;
        Ok(Page {
            items,
            has_next_page: publications.has_next_page,
        })
    })
    .await
}

/// What the public reads, from this instance's cache when it holds it: the same for everyone,
/// read far more often than it changes, and forgotten on every instance when it changes
/// ([`changed`]).
async fn remembered<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    key: String,
    read: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let cache = &state.caches.public;
    let epoch = state.caches.epoch();
    if let Some(value) = cache
        .get(&key, epoch)
        .and_then(|value| value.downcast_ref::<T>().cloned())
    {
        return Ok(value);
    }
    let ticket = cache.ticket(epoch);
    let value = read.await?;
    cache.put(key, std::sync::Arc::new(value.clone()), ticket);
    Ok(value)
}

/// Something the public reads changed (a proposal published or withdrawn, an answer, progress,
/// a backing, an image withheld, a child's consent withdrawn): every instance forgets what it
/// kept, this one at once. Called after the change committed.
pub async fn changed(state: &AppState) {
    state.caches.public_changed();
    state
        .backplane
        .publish(crate::services::caches::PUBLIC_CHANNEL, "")
        .await;
}

/// One published proposal; `None` when it is not (or no longer) public.
pub async fn one(state: &AppState, id: ProposalId) -> Result<Option<PublicItem>, AppError> {
    let Some(publication) = store::publications::find(&state.db, id).await? else {
        return Ok(None);
    };
    Ok(complete(state, vec![publication]).await?.pop())
}

/// Every published proposal of a campaign (or all), for the feed and the open-data file.
pub async fn all(
    state: &AppState,
    campaign: Option<CampaignId>,
) -> Result<Vec<PublicItem>, AppError> {
    remembered(state, format!("all {campaign:?}"), async {
        let publications = store::publications::all(&state.db, campaign).await?;
        complete(state, publications).await
    })
    .await
}

async fn complete(
    state: &AppState,
    publications: Vec<Publication>,
) -> Result<Vec<PublicItem>, AppError> {
    let ids: Vec<ProposalId> = publications.iter().map(|p| p.proposal_id).collect();
    let mut answers = store::answers::latest(&state.db, &ids).await?;
    let tasks = store::tasks::of_proposals(&state.db, &ids).await?;
    let task_ids: Vec<_> = tasks.values().map(|t| t.id).collect();
    let mut progress = store::answers::progress_of(&state.db, &task_ids).await?;
    let departments = store::departments::all(&state.db).await?;
    let backers = store::backings::pooled_counts(&state.db, &ids).await?;
    Ok(publications
        .into_iter()
        .map(|publication| {
            let id = publication.proposal_id;
            PublicItem {
                department: publication
                    .department_id
                    .and_then(|d| departments.get(&d).cloned()),
                answer: answers.remove(&id),
                progress: tasks
                    .get(&id)
                    .and_then(|task| progress.remove(&task.id))
                    .unwrap_or_default(),
                backers: backers.get(&id).copied().unwrap_or(0),
                publication,
            }
        })
        .collect())
}

/// A count as the public reads it.
pub fn shown(count: usize) -> String {
    if count < SMALLEST_SHOWN {
        "<5".to_owned()
    } else {
        count.to_string()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    pub key: String,
    pub label: String,
    pub count: String,
}

/// How a group of tasks was handled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Handling {
    pub tasks: String,
    /// Working days from routing to signing for, the median.
    pub median_days_to_sign_for: Option<f64>,
    /// Working days from routing to the (first) answer, the median.
    pub median_days_to_answer: Option<f64>,
    /// Answered by the answer deadline (extensions included), a share of those answered.
    pub on_time_rate: Option<f64>,
    pub bounces: String,
    /// Children satisfied, a share of those who rated.
    pub satisfaction_rate: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepartmentHandling {
    pub code: String,
    pub name_zh: String,
    pub handling: Handling,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicStats {
    pub proposals: String,
    pub by_stage: Vec<Counted>,
    pub by_topic: Vec<Counted>,
    pub overall: Handling,
    pub by_department: Vec<DepartmentHandling>,
}

fn stats_key(campaign: Option<CampaignId>) -> String {
    match campaign {
        Some(campaign) => format!("public:stats:{campaign}"),
        None => "public:stats:all".to_owned(),
    }
}

/// How long statistics are served from the cache; a publication drops them at once.
const STATS_FRESH: Duration = Duration::from_secs(30);

/// The statistics of a campaign (or all), from the cache when fresh.
pub async fn stats(
    state: &AppState,
    campaign: Option<CampaignId>,
) -> Result<PublicStats, AppError> {
    let key = stats_key(campaign);
    if let Some(cached) = state.backplane.cached(&key).await
        && let Ok(stats) = serde_json::from_str(&cached)
    {
        return Ok(stats);
    }
    let stats = compute(state, campaign).await?;
    if let Ok(json) = serde_json::to_string(&stats) {
        state.backplane.cache(&key, &json, STATS_FRESH).await;
    }
    Ok(stats)
}

/// Drops the cached statistics a change makes stale.
pub async fn forget_stats(state: &AppState, campaign: CampaignId) {
    state.backplane.forget(&stats_key(Some(campaign))).await;
    state.backplane.forget(&stats_key(None)).await;
    changed(state).await;
}

async fn compute(state: &AppState, campaign: Option<CampaignId>) -> Result<PublicStats, AppError> {
    let proposals = store::proposals::count_in_campaign(&state.db, campaign).await?;
    let facts = Facts::load(state, campaign).await?;
    let tasks = &facts.tasks;
    let departments = store::departments::all(&state.db).await?;

    let mut stages: HashMap<GovernmentState, usize> = HashMap::new();
    let mut topics: HashMap<crate::domain::topics::Topic, usize> = HashMap::new();
    let mut by_department: HashMap<DepartmentId, Vec<&Task>> = HashMap::new();
    for task in tasks {
        *stages.entry(task.state).or_default() += 1;
        *topics.entry(task.topic).or_default() += 1;
        if let Some(department) = task.department_id {
            by_department.entry(department).or_default().push(task);
        }
    }
    let by_stage = GovernmentState::ALL
        .iter()
        .map(|state| Counted {
            key: state.as_str().to_owned(),
            label: crate::domain::tracking::ChildStatus::of(
                crate::domain::lifecycle::SchoolState::Approved,
                Some(*state),
            )
            .label(crate::domain::children::AgeBand::D)
            .to_owned(),
            count: shown(stages.get(state).copied().unwrap_or_default()),
        })
        .collect();
    let mut by_topic: Vec<Counted> = topics
        .into_iter()
        .map(|(topic, count)| Counted {
            key: topic.key().to_owned(),
            label: topic.label_zh().to_owned(),
            count: shown(count),
        })
        .collect();
    by_topic.sort_by(|a, b| a.key.cmp(&b.key));
    let all: Vec<&Task> = tasks.iter().collect();
    let mut departments_handling: Vec<DepartmentHandling> = by_department
        .into_iter()
        .filter_map(|(department, tasks)| {
            let department = departments.get(&department)?;
            Some(DepartmentHandling {
                code: department.code.as_str().to_owned(),
                name_zh: department.name_zh.clone(),
                handling: Handling::shown(facts.raw(&tasks)),
            })
        })
        .collect();
    departments_handling.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(PublicStats {
        proposals: shown(usize::try_from(proposals).unwrap_or(usize::MAX)),
        by_stage,
        by_topic,
        overall: Handling::shown(facts.raw(&all)),
        by_department: departments_handling,
    })
}

impl Handling {
    /// The public view of how tasks were handled: small counts hidden.
    fn shown(mut raw: Raw) -> Handling {
        Handling {
            tasks: shown(raw.tasks),
            median_days_to_sign_for: median(&mut raw.to_sign),
            median_days_to_answer: median(&mut raw.to_answer),
            on_time_rate: rate(raw.on_time, raw.to_answer.len()),
            bounces: shown(raw.bounces),
            satisfaction_rate: rate(raw.satisfied, raw.rated),
        }
    }
}

/// The median, over at least [`SMALLEST_SHOWN`] values.
fn median(values: &mut [u32]) -> Option<f64> {
    if values.len() < SMALLEST_SHOWN {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (f64::from(values[middle - 1]) + f64::from(values[middle])) / 2.0
    } else {
        f64::from(values[middle])
    })
}

/// A share, over at least [`SMALLEST_SHOWN`] cases.
fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole >= SMALLEST_SHOWN).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_medians_and_rates_are_not_shown() {
        assert_eq!(shown(4), "<5");
        assert_eq!(shown(5), "5");
        assert_eq!(median(&mut [1, 2, 3, 4]), None);
        assert_eq!(median(&mut [5, 1, 3, 2, 4]), Some(3.0));
        assert_eq!(median(&mut [1, 2, 3, 4, 5, 6]), Some(3.5));
        assert_eq!(rate(3, 4), None);
        assert_eq!(rate(4, 5), Some(0.8));
    }
}
