//! Any uploaded bytes through the image pipeline's checks and decoder: never a panic, and an
//! accepted image comes out as renditions within the size limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongsheng::domain::media::MAX_SIDE;
use tongsheng::media::process;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(processed) = process(bytes) {
        assert!(processed.width <= MAX_SIDE && processed.height <= MAX_SIDE);
        assert!(!processed.display.is_empty() && !processed.thumbnail.is_empty());
    }
});
