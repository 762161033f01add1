//! Training the classifier (`train` command): logistic regression over the character bigrams and
//! trigrams of folded texts, by stochastic gradient descent in a fixed order, so the same data
//! gives the same weights. Kept in the library so that a test can train on a toy corpus.

use crate::classifier::{Gram, GramMap, grams};

/// A trained model: the bias and the weight of every n-gram kept.
pub struct Model {
    pub bias: f32,
    pub weights: Vec<(Gram, f32)>,
}

/// How to train.
pub struct Settings {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// An n-gram must occur in this many training texts to be a feature.
    pub min_texts: u32,
    /// Keep this many weights, the largest in size.
    pub keep: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            epochs: 12,
            learning_rate: 0.2,
            l2: 1e-5,
            min_texts: 3,
            keep: 20_000,
        }
    }
}

/// The distinct n-grams of a folded text.
pub fn features(folded: &str) -> Vec<Gram> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<Gram> = grams(&chars).map(|(gram, _)| gram).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Trains on `(features, offensive)` examples.
pub fn train(examples: &[(Vec<Gram>, bool)], settings: &Settings) -> Model {
    let mut texts: GramMap<u32> = GramMap::default();
    for (features, _) in examples {
        for gram in features {
            *texts.entry(*gram).or_default() += 1;
        }
    }
    let mut weights: GramMap<f32> = texts
        .iter()
        .filter(|(_, n)| **n >= settings.min_texts)
        .map(|(gram, _)| (*gram, 0.0))
        .collect();
    let mut bias = 0.0f32;
    // A fixed shuffle (a linear congruential generator), so a run is repeatable.
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x5eed_2026;
    for epoch in 0..settings.epochs {
        for i in (1..order.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let rate = settings.learning_rate / (1.0 + epoch as f32 * 0.5);
        for &index in &order {
            let (features, offensive) = &examples[index];
            let sum: f32 = bias
                + features
                    .iter()
                    .filter_map(|gram| weights.get(gram))
                    .sum::<f32>();
            let predicted = 1.0 / (1.0 + (-sum).exp());
            let error = predicted - if *offensive { 1.0 } else { 0.0 };
            bias -= rate * error;
            for gram in features {
                if let Some(weight) = weights.get_mut(gram) {
                    *weight -= rate * (error + settings.l2 * *weight);
                }
            }
        }
    }
    let mut kept: Vec<(Gram, f32)> = weights.into_iter().filter(|(_, w)| *w != 0.0).collect();
    kept.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    kept.truncate(settings.keep);
    Model {
        bias,
        weights: kept,
    }
}

/// The n-gram a gram stands for (a trigram's key has its top bit set, a bigram's does not).
pub fn text_of(gram: Gram) -> String {
    let count = if gram >> 63 == 1 { 3 } else { 2 };
    (0..count)
        .rev()
        .filter_map(|i| char::from_u32(((gram >> (21 * i)) & 0x1F_FFFF) as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gram_reads_back_as_its_text() {
        for text in ["傻子", "你真蠢"] {
            let gram = crate::classifier::gram_of(text).unwrap_or_default();
            assert_eq!(text_of(gram), text);
        }
    }

    #[test]
    fn training_learns_which_grams_are_unkind() {
        let texts = [
            ("你真是个蠢货", true),
            ("蠢货滚开", true),
            ("这人就是蠢货", true),
            ("今天天气很好", false),
            ("我喜欢公园", false),
            ("天气好去公园", false),
        ];
        let examples: Vec<_> = texts
            .iter()
            .map(|(text, offensive)| (features(text), *offensive))
            .collect();
        let settings = Settings {
            min_texts: 2,
            ..Settings::default()
        };
        let model = train(&examples, &settings);
        let weight = |text: &str| {
            let gram = crate::classifier::gram_of(text).unwrap_or_default();
            model
                .weights
                .iter()
                .find(|(g, _)| *g == gram)
                .map_or(0.0, |(_, w)| *w)
        };
        assert!(weight("蠢货") > 0.5, "{}", weight("蠢货"));
        assert!(weight("公园") < 0.0, "{}", weight("公园"));
    }
}
