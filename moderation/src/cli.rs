//! The `screen` command's work, kept in the library so that tests drive it: one text per input
//! line, one JSON object per output line, offsets in characters of the line.

use serde::Serialize;
use std::io::{BufRead, Write};

use crate::{Action, FindingKind, Options, Screener};

#[derive(Serialize)]
struct Line<'a> {
    action: Action,
    findings: Vec<Found<'a>>,
}

#[derive(Serialize)]
struct Found<'a> {
    kind: FindingKind,
    subkind: &'a str,
    start: usize,
    end: usize,
}

/// Screens every line of `input`, writing one JSON object per line to `output`.
pub fn screen_lines(
    screener: &Screener,
    options: &Options,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let screening = screener.screen(&line, options);
        let findings = screening
            .findings
            .iter()
            .map(|finding| {
                let span = finding.char_span(&line);
                Found {
                    kind: finding.kind,
                    subkind: finding.subkind,
                    start: span.start,
                    end: span.end,
                }
            })
            .collect();
        let line = Line {
            action: screening.action,
            findings,
        };
        serde_json::to_writer(&mut output, &line)?;
        output.write_all(b"\n")?;
    }
    output.flush()
}
