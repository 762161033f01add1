//! Screens one text per line of stdin and writes one JSON object per line to stdout:
//! `{"action": "review", "findings": [{"kind": "abuse", "subkind": "insult", "start": 2, "end": 4}]}`,
//! offsets in characters of the input line.
//!
//! `cargo run --release -p moderation --bin screen [-- --age N]`: the age picks the band of the
//! feedback texts; the findings are the same at every age.

use moderation::{Options, Screener, cli};
use std::io::BufWriter;

fn main() -> std::io::Result<()> {
    let options = Options {
        age: cli::parse_age(std::env::args().skip(1)).unwrap_or(10),
    };
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
