//! The image pipeline: checks, decoding with limits, orientation, re-encoding without metadata,
//! renditions, and content-addressed storage under `DATA_DIR/media`.

mod process;
mod storage;
pub mod worker;

pub use process::{Processed, cover, process};
pub use storage::Storage;
