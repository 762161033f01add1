//! Which of the plan's measures each topic serves: seeded from the plan, re-mapped by
//! coordinators.

use std::collections::BTreeMap;

use crate::domain::plan::measure;
use crate::domain::topics::Topic;
use crate::error::{AppError, FieldCode};
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;

/// Anyone: each topic's measures (a topic with none is absent).
pub async fn topic_measures(state: &AppState) -> Result<BTreeMap<String, Vec<u32>>, AppError> {
    let mut map: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (topic, number) in store::plan::topic_measures(&state.db).await? {
        map.entry(topic).or_default().push(number);
    }
    Ok(map)
}

/// Coordinators: the measures a topic serves, replacing those it had.
pub async fn set_topic_measures(
    state: &AppState,
    _: &Coordinator,
    topic: &str,
    measures: &[i32],
) -> Result<Vec<u32>, AppError> {
    let topic = Topic::parse(topic).ok_or_else(|| {
        AppError::validation(&["topic"], FieldCode::UnknownTopic, "没有这个主题。")
    })?;
    let mut numbers = Vec::new();
    for (index, number) in measures.iter().enumerate() {
        match u32::try_from(*number)
            .ok()
            .filter(|n| measure(*n).is_some())
        {
            Some(n) => numbers.push(n),
            None => {
                return Err(AppError::validation(
                    &["measures", &index.to_string()],
                    FieldCode::OutOfRange,
                    "措施编号应在 1 到 28 之间。",
                ));
            }
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    store::plan::set_topic_measures(&state.db, topic.key(), &numbers).await?;
    Ok(numbers)
}
