//! The image pipeline: checks, decoding with limits, orientation, re-encoding without metadata,
//! renditions, and content-addressed storage under `DATA_DIR/media`.

mod process;
mod storage;
pub mod worker;

pub use process::{Processed, cover, process};
pub use storage::Storage;

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The pipeline's shared parts: storage and the permits that bound concurrent processing.
#[derive(Clone)]
pub struct Pipeline {
    pub storage: Storage,
    permits: Arc<Semaphore>,
}

impl Pipeline {
    pub fn new(storage: Storage, workers: usize) -> Self {
        Pipeline {
            storage,
            permits: Arc::new(Semaphore::new(workers.max(1))),
        }
    }

    /// A turn to process an image, waited for while all workers are busy; an error only once the
    /// pipeline is shutting down.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, tokio::sync::AcquireError> {
        self.permits.clone().acquire_owned().await
    }
}
