//! What every request can reach: configuration, the database, the backplane, metrics, and the
//! shutdown signal. Cheap to clone.

use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::backplane::Backplane;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::secrets::Secrets;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub backplane: Backplane,
    pub metrics: Arc<Metrics>,
    pub clock: SharedClock,
    pub secrets: Secrets,
    /// The image pipeline: storage and the permits that bound concurrent processing.
    pub media: crate::media::Pipeline,
    /// Sessions and campaigns kept in this instance's memory, exact by announcements.
    pub caches: Arc<crate::services::caches::Caches>,
    /// Records new proposals (on SQLite, in groups by one writer task).
    pub recorder: crate::services::recording::Recorder,
    /// Cancelled on SIGTERM or SIGINT: the server stops accepting, `/readyz` answers 503, and
    /// background work winds down after in-flight requests.
    pub shutdown: CancellationToken,
}
