//! The district plan's measures (上虞区儿童友好型城市建设三年行动方案, 28 measures), the cuts a
//! report can take, and the suppression that keeps small counts from pointing at a child.

use std::sync::LazyLock;

pub mod suppression;

/// One measure of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measure {
    pub number: u32,
    pub title: String,
    /// The units that lead it (marked `*` in the plan).
    pub leads: Vec<String>,
    pub others: Vec<String>,
}

impl Measure {
    /// The plan names the townships and subdistricts (各乡镇街道) among its units.
    pub fn names_townships(&self) -> bool {
        self.leads
            .iter()
            .chain(&self.others)
            .any(|unit| unit == "各乡镇街道")
    }
}

static MEASURES: LazyLock<Vec<Measure>> = LazyLock::new(|| {
    include_str!("measures.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let number = fields.next()?.parse().ok()?;
            let title = fields.next()?.to_owned();
            let units = |text: Option<&str>| -> Vec<String> {
                text.unwrap_or_default()
                    .split('、')
                    .filter(|unit| !unit.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let leads = units(fields.next());
            let others = units(fields.next());
            Some(Measure {
                number,
                title,
                leads,
                others,
            })
        })
        .collect()
});

/// The plan's 28 measures, in order.
pub fn measures() -> &'static [Measure] {
    &MEASURES
}

/// A measure by its number.
pub fn measure(number: u32) -> Option<&'static Measure> {
    measures().iter().find(|measure| measure.number == number)
}

/// What a report's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    Measure,
    Township,
    Band,
    School,
    Month,
    /// School terms: autumn (September to January) and spring (February to August).
    Term,
    Year,
}

/// The period label of a day for a cut by time: `2026-11`, `2026秋` (a term is named by the
/// year it starts in), `2026`.
pub fn period_label(cut: Cut, day: chrono::NaiveDate) -> Option<String> {
    use chrono::Datelike as _;
    match cut {
        Cut::Month => Some(format!("{}-{:02}", day.year(), day.month())),
        Cut::Year => Some(day.year().to_string()),
        Cut::Term => Some(match day.month() {
            1 => format!("{}秋", day.year() - 1),
            2..=8 => format!("{}春", day.year()),
            _ => format!("{}秋", day.year()),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_plan_has_twenty_eight_measures_with_their_lead_units() {
        assert_eq!(measures().len(), 28);
        assert!(
            measures()
                .iter()
                .enumerate()
                .all(|(i, m)| m.number == i as u32 + 1)
        );
        let participation = measure(3).unwrap();
        assert_eq!(participation.title, "建立健全儿童全方位参与机制");
        assert_eq!(participation.leads, ["妇联"]);
        assert_eq!(participation.others, ["团委", "教体局"]);
        assert!(measure(16).unwrap().leads.is_empty());
        assert!(measures().iter().filter(|m| m.names_townships()).count() >= 10);
    }

    #[test]
    fn terms_start_in_september_and_february() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(period_label(Cut::Term, day(2026, 9, 1)).unwrap(), "2026秋");
        assert_eq!(period_label(Cut::Term, day(2027, 1, 20)).unwrap(), "2026秋");
        assert_eq!(period_label(Cut::Term, day(2027, 3, 1)).unwrap(), "2027春");
        assert_eq!(
            period_label(Cut::Month, day(2026, 11, 3)).unwrap(),
            "2026-11"
        );
        assert_eq!(period_label(Cut::Band, day(2026, 11, 3)), None);
    }
}
