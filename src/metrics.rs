//! Prometheus metrics, one registry per running app (so tests in one process never mix counts):
//! GraphQL requests and latency by operation name, errors by code, database pool use.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use crate::store::PoolUsage;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabel {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

type LatencyFamily = Family<OperationLabel, Histogram, fn() -> Histogram>;

/// Operation names are chosen by clients; past this many distinct names, new ones are counted
/// as `other` so that a hostile client cannot grow the registry without bound.
const MAX_OPERATION_LABELS: usize = 200;

pub struct Metrics {
    registry: Registry,
    requests: Family<OperationLabel, Counter>,
    latency: LatencyFamily,
    errors: Family<CodeLabel, Counter>,
    pool: Family<StateLabel, Gauge>,
    statements: Family<OutcomeLabel, Counter>,
    deadlines: Family<KindLabel, Counter>,
    redis_skipped: Counter,
    seen_operations: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tongsheng");
        let requests = Family::<OperationLabel, Counter>::default();
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.002, 2.0, 14)));
        let errors = Family::<CodeLabel, Counter>::default();
        let pool = Family::<StateLabel, Gauge>::default();
        let statements = Family::<OutcomeLabel, Counter>::default();
        let deadlines = Family::<KindLabel, Counter>::default();
        let redis_skipped = Counter::default();
        registry.register(
            "redis_commands_skipped",
            "Request-path Redis commands skipped (their fallbacks used) while Redis rests after a failure",
            redis_skipped.clone(),
        );
        registry.register(
            "task_deadline_events",
            "Reminders (催办) and escalations (督办) of tasks past their deadline",
            deadlines.clone(),
        );
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation name",
            requests.clone(),
        );
        registry.register(
            "graphql_request_duration_seconds",
            "GraphQL request latency by operation name",
            latency.clone(),
        );
        registry.register("graphql_errors", "GraphQL errors by code", errors.clone());
        registry.register(
            "db_pool_connections",
            "Database pool connections by state",
            pool.clone(),
        );
        registry.register(
            "db_statements",
            "SQL statements run, by outcome",
            statements.clone(),
        );
        Metrics {
            registry,
            statements,
            deadlines,
            redis_skipped,
            requests,
            latency,
            errors,
            pool,
            seen_operations: Mutex::new(HashSet::new()),
        }
    }

    pub fn record_request(&self, operation: Option<&str>, elapsed: Duration) {
        let label = OperationLabel {
            operation: self.operation_label(operation),
        };
        self.requests.get_or_create(&label).inc();
        self.latency
            .get_or_create(&label)
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one SQL statement (installed as the database connection's metric callback).
    pub fn record_statement(&self, failed: bool) {
        let outcome = if failed { "failed" } else { "ok" };
        self.statements
            .get_or_create(&OutcomeLabel { outcome })
            .inc();
    }

    /// The counter of request-path Redis commands skipped while Redis rests, for the backplane.
    pub fn redis_skipped(&self) -> Counter {
        self.redis_skipped.clone()
    }

    /// Counts a task's reminder or escalation.
    pub fn task_deadline_event(&self, kind: &str) {
        self.deadlines
            .get_or_create(&KindLabel {
                kind: kind.to_owned(),
            })
            .inc();
    }

    pub fn record_error(&self, code: &str) {
        self.errors
            .get_or_create(&CodeLabel {
                code: code.to_owned(),
            })
            .inc();
    }

    /// Renders the Prometheus text format, reading the pool's current use first.
    pub fn render(&self, pool: PoolUsage) -> String {
        self.pool
            .get_or_create(&StateLabel { state: "in_use" })
            .set(i64::from(pool.in_use));
        self.pool
            .get_or_create(&StateLabel { state: "idle" })
            .set(i64::from(pool.idle));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("encoding metrics failed");
        }
        text
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else {
            return "anonymous".into();
        };
        let well_formed = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !well_formed {
            return "other".into();
        }
        let Ok(mut seen) = self.seen_operations.lock() else {
            return "other".into();
        };
        if seen.contains(name) || seen.len() < MAX_OPERATION_LABELS {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_operation_names_are_folded_into_other() {
        let metrics = Metrics::new();
        assert_eq!(metrics.operation_label(Some("Departments")), "Departments");
        assert_eq!(metrics.operation_label(Some("a\"}b")), "other");
        assert_eq!(metrics.operation_label(None), "anonymous");
        for n in 0..MAX_OPERATION_LABELS {
            metrics.operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        assert_eq!(metrics.operation_label(Some("Departments")), "Departments");
    }
}
