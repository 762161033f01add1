//! Precision and recall of the screener on a labelled corpus.
//!
//! `cargo run --release -p moderation --bin evaluate -- PATH [--show-misses N]`
//!
//! PATH ending in `.jsonl` is a file of labelled cases, reported by category (disclosures
//! escalated, look-alikes escalated, offensive precision and recall, personal information found
//! by kind): see `moderation::evaluation`. Otherwise:
//!
//! PATH is either a CSV with a `label` column (1 = offensive, 0 = safe) and a `TEXT` column (the
//! layout of COLD), or a plain text file of one benign text per line (every line label 0). A text
//! counts as flagged when the screen holds it for a person (`review` or `escalate`); `redact`
//! (personal information) is counted apart, since a redaction does not hold a text back.

use moderation::{Action, Options, Screener};
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: evaluate PATH [--show-misses N]");
        std::process::exit(2);
    };
    let show = match (args.next().as_deref(), args.next()) {
        (Some("--show-misses"), Some(n)) => n.parse().unwrap_or(0),
        _ => 0,
    };
    if path.ends_with(".jsonl") {
        evaluate_cases(&path, show);
        return;
    }
    let corpus = match read(Path::new(&path)) {
        Ok(corpus) => corpus,
        Err(error) => {
            eprintln!("evaluate: cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let screener = match Screener::new() {
        Ok(screener) => screener,
        Err(error) => {
            eprintln!("evaluate: the rules do not compile: {error}");
            std::process::exit(2);
        }
    };
    let options = Options { age: 12 };
    let (mut tp, mut fp, mut fn_, mut tn, mut redacted) = (0u32, 0u32, 0u32, 0u32, 0u32);
    let mut false_alarms = Vec::new();
    let mut misses = Vec::new();
    for (offensive, text) in &corpus {
        let action = screener.screen(text, &options).action;
        let flagged = action >= Action::Review;
        redacted += u32::from(action == Action::Redact);
        match (*offensive, flagged) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                false_alarms.push(text);
            }
            (true, false) => {
                fn_ += 1;
                misses.push(text);
            }
            (false, false) => tn += 1,
        }
    }
    let ratio = |a: u32, b: u32| {
        if b == 0 {
            f64::NAN
        } else {
            f64::from(a) / f64::from(b)
        }
    };
    println!("corpus: {path}");
    println!(
        "texts: {} ({} offensive, {} safe)",
        corpus.len(),
        tp + fn_,
        fp + tn
    );
    println!("flagged (review or escalate): {}", tp + fp);
    println!("precision: {:.3}", ratio(tp, tp + fp));
    println!("recall: {:.3}", ratio(tp, tp + fn_));
    println!(
        "safe texts held: {:.2}% ({fp} of {})",
        100.0 * ratio(fp, fp + tn),
        fp + tn
    );
    println!("texts with a proposed redaction only: {redacted}");
    for text in false_alarms.iter().take(show) {
        println!("false alarm: {text}");
    }
    for text in misses.iter().take(show) {
        println!("missed: {text}");
    }
}

/// A JSON-lines file of labelled cases: the report by category (see `moderation::evaluation`).
fn evaluate_cases(path: &str, show: usize) {
    let cases = std::fs::read_to_string(path)
        .map_err(|error| error.to_string())
        .and_then(|data| moderation::evaluation::read_cases(&data));
    let (cases, screener) = match (cases, Screener::new()) {
        (Ok(cases), Ok(screener)) => (cases, screener),
        (Err(error), _) => {
            eprintln!("evaluate: cannot read {path}: {error}");
            std::process::exit(2);
        }
        (_, Err(error)) => {
            eprintln!("evaluate: the rules do not compile: {error}");
            std::process::exit(2);
        }
    };
    let report = moderation::evaluation::evaluate(&screener, &cases);
    println!("corpus: {path} ({} cases)", cases.len());
    print!("{}", report.render());
    for wrong in report.wrong.iter().take(show) {
        println!("wrong: {wrong}");
    }
}

fn read(path: &Path) -> Result<Vec<(bool, String)>, Box<dyn std::error::Error>> {
    if path.extension().is_some_and(|ext| ext == "csv") {
        moderation::evaluation::read_labelled_csv(path)
    } else {
        Ok(std::fs::read_to_string(path)?
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|line| (false, line.to_owned()))
            .collect())
    }
}
