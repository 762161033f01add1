//! Screening any text, at any age: never a panic, and every finding's span lies on character
//! boundaries inside the text it was found in (the teacher's excerpts and redactions slice it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use moderation::{Options, Screener};

fuzz_target!(|input: (u8, &str)| {
    let (age, text) = input;
    let screening = Screener::builtin().screen(text, &Options { age });
    for finding in &screening.findings {
        let span = finding.span.clone();
        assert!(span.start <= span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let _ = finding.char_span(text);
    }
});
