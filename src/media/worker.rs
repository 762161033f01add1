//! Processing in a separate process: `tongsheng media-worker` reads one image on standard input
//! and writes its renditions on standard output. The server runs it under `prlimit` with an
//! address-space limit, so a decoder that exhausts memory, aborts or crashes takes down only the
//! worker, and the upload is refused as CORRUPT.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Processed, process};
use crate::domain::media::{MAX_BYTES, RejectCode};

const CODES: [RejectCode; 4] = [
    RejectCode::UnsupportedFormat,
    RejectCode::TooLarge,
    RejectCode::TooManyPixels,
    RejectCode::Corrupt,
];

/// The worker's side: one image in, one answer out. Returns the process's exit status.
pub fn serve_stdio() -> i32 {
    let mut input = Vec::new();
    if std::io::stdin()
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut input)
        .is_err()
    {
        return 2;
    }
    let frame = match process(&input) {
        Ok(processed) => {
            let mut frame = vec![0u8];
            frame.extend_from_slice(&processed.width.to_le_bytes());
            frame.extend_from_slice(&processed.height.to_le_bytes());
            for part in [&processed.display, &processed.thumbnail] {
                frame.extend_from_slice(&(part.len() as u32).to_le_bytes());
                frame.extend_from_slice(part);
            }
            frame
        }
        Err(code) => vec![
            CODES
                .iter()
                .position(|c| *c == code)
                .map_or(4, |i| i as u8 + 1),
        ],
    };
    match std::io::stdout()
        .write_all(&frame)
        .and_then(|()| std::io::stdout().flush())
    {
        Ok(()) => 0,
        Err(_) => 2,
    }
}

/// The server's side: runs `program media-worker` on the bytes, limited to `memory_bytes` of
/// address space and `timeout` of time. Anything but a well-formed answer is CORRUPT.
pub async fn run_isolated(
    program: &Path,
    bytes: Vec<u8>,
    memory_bytes: u64,
    timeout: Duration,
) -> Result<Processed, RejectCode> {
    let mut command = if Path::new("/usr/bin/prlimit").exists() {
        let mut command = tokio::process::Command::new("/usr/bin/prlimit");
        command
            .arg(format!("--as={memory_bytes}"))
            .arg("--")
            .arg(program);
        command
    } else {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "/usr/bin/prlimit is missing: the image worker runs without its memory limit \
                 (install util-linux)"
            );
        });
        tokio::process::Command::new(program)
    };
    command
        .arg("media-worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|error| {
        tracing::error!(error = %error, "cannot start the media worker");
        RejectCode::Corrupt
    })?;
    let mut stdin = child.stdin.take().ok_or(RejectCode::Corrupt)?;
    let mut stdout = child.stdout.take().ok_or(RejectCode::Corrupt)?;
    let exchange = async move {
        // A worker that dies early closes its input: that is an answer too, not an error here.
        let _ = stdin.write_all(&bytes).await;
        drop(stdin);
        let mut answer = Vec::new();
        stdout
            .read_to_end(&mut answer)
            .await
            .map_err(|_| RejectCode::Corrupt)?;
        let status = child.wait().await.map_err(|_| RejectCode::Corrupt)?;
        if !status.success() {
            tracing::warn!(status = %status, "the media worker failed; the upload is refused as CORRUPT");
            return Err(RejectCode::Corrupt);
        }
        parse(&answer)
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| RejectCode::Corrupt)?
}

fn parse(answer: &[u8]) -> Result<Processed, RejectCode> {
    let (&tag, mut rest) = answer.split_first().ok_or(RejectCode::Corrupt)?;
    if tag != 0 {
        return Err(CODES
            .get(usize::from(tag) - 1)
            .copied()
            .unwrap_or(RejectCode::Corrupt));
    }
    let take_u32 = |rest: &mut &[u8]| -> Result<u32, RejectCode> {
        let (head, tail) = rest.split_at_checked(4).ok_or(RejectCode::Corrupt)?;
        *rest = tail;
        Ok(u32::from_le_bytes([head[0], head[1], head[2], head[3]]))
    };
    let width = take_u32(&mut rest)?;
    let height = take_u32(&mut rest)?;
    let mut parts = Vec::with_capacity(2);
    for _ in 0..2 {
        let length = take_u32(&mut rest)? as usize;
        let (part, tail) = rest.split_at_checked(length).ok_or(RejectCode::Corrupt)?;
        parts.push(part.to_vec());
        rest = tail;
    }
    let thumbnail = parts.pop().ok_or(RejectCode::Corrupt)?;
    let display = parts.pop().ok_or(RejectCode::Corrupt)?;
    Ok(Processed {
        display,
        thumbnail,
        width,
        height,
    })
}
