//! Screens one text per line of stdin and writes one JSON object per line to stdout:
//! `{"action": "review", "findings": [{"kind": "abuse", "subkind": "insult", "start": 2, "end": 4}]}`,
//! offsets in characters of the input line.
//!
//! `cargo run --release -p moderation --bin screen`. The findings and the action are the same at
//! every age, so the command takes no age.

use moderation::{Options, Screener, cli};
use std::io::BufWriter;

fn main() -> std::io::Result<()> {
    let options = Options { age: 10 };
    let screener = match Screener::new() {
        Ok(screener) => screener,
        Err(error) => {
            eprintln!("screen: the rules do not compile: {error}");
            std::process::exit(2);
        }
    };
    let stdin = std::io::stdin().lock();
    let stdout = BufWriter::new(std::io::stdout().lock());
    cli::screen_lines(&screener, &options, stdin, stdout)
}
