//! The yearly compliance report (未成年人网络保护条例 第三十七条): reads of children's data by
//! role, data requests and how fast they were decided, erasures and consent withdrawals, and
//! safeguarding cases opened and closed.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;

use crate::domain::people::Role;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;

pub struct Compliance {
    pub year: i32,
    /// Reads per role of the reader; `None` for readers no longer on record.
    pub reads_by_role: BTreeMap<Option<Role>, u64>,
    pub requests_filed: u64,
    pub requests_decided: u64,
    /// Hours from filing to decision, the median over the requests decided.
    pub median_hours_to_decide: Option<f64>,
    pub erasures: u64,
    pub consent_withdrawals: u64,
    pub safeguarding_opened: u64,
    pub safeguarding_closed: u64,
}

/// The year's start and end in Shangyu (UTC+8), as instants.
fn year_bounds(year: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let china = chrono::FixedOffset::east_opt(8 * 3600)?;
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| china.from_local_datetime(&t).single())
            .map(|t| t.with_timezone(&Utc))
    };
    Some((start(year)?, start(year + 1)?))
}

/// Coordinators: the report of a calendar year.
pub async fn report(state: &AppState, _: &Coordinator, year: i32) -> Result<Compliance, AppError> {
    let (from, to) = year_bounds(year)
        .filter(|_| (2000..=2100).contains(&year))
        .ok_or_else(|| {
            AppError::validation(
                &["year"],
                FieldCode::OutOfRange,
                "请给出 2000 到 2100 之间的年份。",
            )
        })?;
    let mut reads_by_role = BTreeMap::new();
    let reads = store::access_log::reads_by_staff(&state.db, from, to).await?;
    let staff: Vec<_> = reads.iter().map(|(staff, _)| *staff).collect();
    let roles = store::people::roles_of(&state.db, &staff).await?;
    for (staff, reads) in reads {
        *reads_by_role.entry(roles.get(&staff).copied()).or_default() += reads;
    }
    let requests = store::privacy::requests(&state.db, None).await?;
    let filed: Vec<_> = requests
        .iter()
        .filter(|r| r.filed_at >= from && r.filed_at < to)
        .collect();
    let mut hours: Vec<f64> = filed
        .iter()
        .filter_map(|r| {
            r.decided_at
                .map(|d| (d - r.filed_at).num_minutes() as f64 / 60.0)
        })
        .collect();
    hours.sort_by(f64::total_cmp);
    let median_hours_to_decide = (!hours.is_empty()).then(|| {
        let middle = hours.len() / 2;
        if hours.len().is_multiple_of(2) {
            (hours[middle - 1] + hours[middle]) / 2.0
        } else {
            hours[middle]
        }
    });
    let (opened, closed) = store::safeguarding::opened_and_closed(&state.db, from, to).await?;
    Ok(Compliance {
        year,
        reads_by_role,
        requests_filed: filed.len() as u64,
        requests_decided: hours.len() as u64,
        median_hours_to_decide,
        erasures: store::privacy::count_events(&state.db, "erasure", from, to).await?,
        consent_withdrawals: store::privacy::count_events(
            &state.db,
            "guardian_consent_withdrawn",
            from,
            to,
        )
        .await?
            + store::privacy::count_events(&state.db, "publication_consent_withdrawn", from, to)
                .await?,
        safeguarding_opened: opened,
        safeguarding_closed: closed,
    })
}

/// The report as CSV: one measure a row.
pub fn to_csv(report: &Compliance) -> Result<Vec<u8>, AppError> {
    let mut rows: Vec<(String, String)> = vec![("year".into(), report.year.to_string())];
    for (role, reads) in &report.reads_by_role {
        rows.push((
            format!("reads.{}", role.map_or("unknown", |role| role.as_str())),
            reads.to_string(),
        ));
    }
    rows.extend([
        ("requests.filed".into(), report.requests_filed.to_string()),
        (
            "requests.decided".into(),
            report.requests_decided.to_string(),
        ),
        (
            "requests.median_hours_to_decide".into(),
            report
                .median_hours_to_decide
                .map(|h| format!("{h:.1}"))
                .unwrap_or_default(),
        ),
        ("erasures".into(), report.erasures.to_string()),
        (
            "consent_withdrawals".into(),
            report.consent_withdrawals.to_string(),
        ),
        (
            "safeguarding.opened".into(),
            report.safeguarding_opened.to_string(),
        ),
        (
            "safeguarding.closed".into(),
            report.safeguarding_closed.to_string(),
        ),
    ]);
    let header = ("measure".to_owned(), "value".to_owned());
    crate::spreadsheet::csv(
        std::iter::once(header)
            .chain(rows)
            .map(|(measure, value)| [measure, value]),
    )
    .map_err(AppError::internal)
}
