//! Texts per second through `screen` for 200-character proposals, one core, beside a baseline
//! measured in the same run: plain keyword matching of the same word list (one Aho-Corasick pass
//! over the raw text, no folding, no personal information, no allow-list).
//!
//! `cargo bench -p moderation --bench screen` (also run by `bench/run.sh`). The goal is at least
//! 20,000 texts per second.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use aho_corasick::AhoCorasick;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use moderation::{Options, Screener};
use std::hint::black_box;

/// Proposals of about 200 characters: clean, with a phone number, with an insult written to
/// evade, with a disclosure.
fn proposals() -> Vec<String> {
    let base = "我们小区门口的马路上车开得很快，放学的时候很多小朋友要过马路，有时候很危险。\
                我希望在路口装一个红绿灯，再画一条斑马线，还可以请交警叔叔在放学的时候来指挥。\
                这样大家上学放学都会更安全，爸爸妈妈也会更放心。";
    let extras = [
        "谢谢你们认真看我的建议！",
        "有事可以打我妈妈的电话 138 1234 5678。",
        "隔壁班的人说我们是傻 * 逼，我很生气。",
        "爸爸喝醉了会打我，我不想回家。",
    ];
    extras
        .iter()
        .map(|extra| {
            let mut text = format!("{base}{extra}");
            while text.chars().count() < 200 {
                text.push_str("希望快一点。");
            }
            text.chars().take(200).collect()
        })
        .collect()
}

fn keyword_baseline() -> AhoCorasick {
    let words = include_str!("../rules/words.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split('\t').next());
    AhoCorasick::new(words).expect("the word list builds")
}

fn bench(c: &mut Criterion) {
    let texts = proposals();
    let screener = Screener::builtin();
    let options = Options { age: 10 };
    let baseline = keyword_baseline();
    let mut group = c.benchmark_group("screen_200_chars");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("screen", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(screener.screen(black_box(text), &options));
            }
        })
    });
    group.bench_function("baseline_plain_keywords", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(baseline.find_overlapping_iter(black_box(text)).count());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
