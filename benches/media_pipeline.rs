//! Images per second per core through the whole pipeline (header checks, decode, orientation,
//! display and thumbnail renditions re-encoded), for a 3-megapixel JPEG, beside `vipsthumbnail`
//! (Debian's libvips-tools) making the same two renditions from the same file in the same run.
//!
//! Run with `bench/run.sh` (or `cargo bench --bench media_pipeline`). Single-threaded on both
//! sides: the figures are per core. `vipsthumbnail` is timed as two commands per image (one per
//! rendition), so its figure includes starting the process twice; that cost is measured and
//! shown alone too.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 20;

fn main() {
    let photo = three_megapixel_jpeg();
    let dir = std::env::temp_dir().join(format!("tongsheng-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let input = dir.join("photo.jpg");
    std::fs::write(&input, &photo).expect("the test photo");
    println!(
        "input: 2048 x 1536 JPEG, {} KiB; {ROUNDS} rounds each, one core",
        photo.len() / 1024
    );

    let _ = tongsheng::media::process(&photo).expect("the pipeline accepts the photo");
    let ours = time(|| {
        let processed = tongsheng::media::process(&photo).expect("processed");
        assert!(processed.display.len() > 1000 && processed.thumbnail.len() > 100);
    });
    report("tongsheng pipeline", ours);

    if Command::new("vipsthumbnail")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "vipsthumbnail: not installed (apt-get install libvips-tools); no baseline this run"
        );
        return;
    }
    let vips = |size: &str, out: &str| {
        let status = Command::new("vipsthumbnail")
            .env("VIPS_CONCURRENCY", "1")
            .arg(&input)
            .args(["-s", size, "-o"])
            .arg(dir.join(format!("{out}[Q=85,strip]")))
            .status()
            .expect("vipsthumbnail runs");
        assert!(status.success());
    };
    vips("1600", "display.jpg");
    let baseline = time(|| {
        vips("1600", "display.jpg");
        vips("320", "thumbnail.jpg");
    });
    report("vipsthumbnail (2 runs)", baseline);
    let startup = time(|| {
        let _ = Command::new("vipsthumbnail").arg("--version").output();
        let _ = Command::new("vipsthumbnail").arg("--version").output();
    });
    report("  of which process start", startup);
    let ratio = baseline.as_secs_f64() / ours.as_secs_f64();
    println!(
        "ratio: tongsheng does {ratio:.2}x the images per second of vipsthumbnail (higher is better)"
    );
    let work_only = baseline.saturating_sub(startup);
    report("vipsthumbnail, work only", work_only);
    let ratio = work_only.as_secs_f64() / ours.as_secs_f64();
    println!("ratio without vips's process start: {ratio:.2}x");
    let _ = std::fs::remove_dir_all(&dir);
}

fn time(mut run: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..ROUNDS {
        run();
    }
    started.elapsed()
}

fn report(what: &str, elapsed: Duration) {
    let per_image = elapsed / ROUNDS;
    let rate = f64::from(ROUNDS) / elapsed.as_secs_f64();
    println!(
        "{what:<28} {rate:>7.2} images/s   {:>8.1} ms/image",
        per_image.as_secs_f64() * 1000.0
    );
}

/// A photo-like 3-megapixel JPEG: smooth gradients with fine texture, as a camera makes.
fn three_megapixel_jpeg() -> Vec<u8> {
    let (width, height) = (2048u32, 1536u32);
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 23;
        image::Rgb([
            (x * 255 / width) as u8 ^ noise as u8,
            (y * 255 / height) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .expect("encoded");
    out
}
