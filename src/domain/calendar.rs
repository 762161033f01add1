//! Working days (DESIGN §6): weekdays, minus the national holidays, plus the weekend days that
//! are worked in their place (调休), from `schema/calendar/cn-holidays.tsv`.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../schema/calendar/cn-holidays.tsv");

/// The calendar of working days.
#[derive(Debug, Default)]
pub struct WorkCalendar {
    /// Days that differ from the weekday rule: true for a worked weekend day, false for a holiday.
    exceptions: HashMap<NaiveDate, bool>,
}

impl WorkCalendar {
    /// The calendar of the data file, read once.
    pub fn national() -> &'static WorkCalendar {
        static CALENDAR: OnceLock<WorkCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| WorkCalendar::parse(DATA))
    }

    /// Reads `date<TAB>holiday|workday<TAB>name` lines; a line that does not read is skipped (the
    /// file's test checks there is none).
    fn parse(data: &str) -> WorkCalendar {
        let exceptions = data
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let date = NaiveDate::parse_from_str(fields.next()?, "%Y-%m-%d").ok()?;
                match fields.next()? {
                    "holiday" => Some((date, false)),
                    "workday" => Some((date, true)),
                    _ => None,
                }
            })
            .collect();
        WorkCalendar { exceptions }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.exceptions.get(&day) {
            Some(worked) => *worked,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// When `hours` working hours have passed since `start`: working hours are 08:00 to 18:00,
    /// Beijing time, on working days. Something that comes in on a Friday evening is due on
    /// Monday morning, not on Saturday night.
    pub fn add_working_hours(
        &self,
        start: chrono::DateTime<chrono::Utc>,
        hours: u32,
    ) -> chrono::DateTime<chrono::Utc> {
        use chrono::{Duration, NaiveTime};
        const OPENS: u32 = 8;
        const CLOSES: u32 = 18;
        let offset = Duration::hours(8);
        let mut local = start.naive_utc() + offset;
        let mut left = Duration::hours(i64::from(hours));
        loop {
            let day = local.date();
            let opens = day.and_time(NaiveTime::from_hms_opt(OPENS, 0, 0).unwrap_or_default());
            let closes = day.and_time(NaiveTime::from_hms_opt(CLOSES, 0, 0).unwrap_or_default());
            if !self.is_working_day(day) || local >= closes {
                let next = day.succ_opt().unwrap_or(day);
                local = next.and_time(NaiveTime::from_hms_opt(OPENS, 0, 0).unwrap_or_default());
                continue;
            }
            if local < opens {
                local = opens;
            }
            let today = closes - local;
            if left <= today {
                return (local + left - offset).and_utc();
            }
            left -= today;
            local = closes;
        }
    }

    /// The `n`th working day after `day` (the day itself does not count): the deadline of
    /// something given on `day` with `n` working days for it.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut left = n;
        while left > 0 {
            current = current.succ_opt().unwrap_or(current);
            if self.is_working_day(current) {
                left -= 1;
            }
        }
        current
    }

    /// The latest day from which `today` is `n` working days on: a deadline on or before it has
    /// been missed by at least `n` working days.
    pub fn working_days_before(&self, today: NaiveDate, n: u32) -> NaiveDate {
        let mut current = today;
        let mut left = n;
        while left > 0 {
            if self.is_working_day(current) {
                left -= 1;
            }
            current = current.pred_opt().unwrap_or(current);
        }
        current
    }

    /// Working days after `from` up to and including `to`; zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| self.is_working_day(*day))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn working_hours_skip_nights_and_weekends() {
        let calendar = WorkCalendar::national();
        let at = |text: &str| -> chrono::DateTime<chrono::Utc> { text.parse().unwrap() };
        // Monday 10:00 Beijing (02:00 UTC) + 4 hours: Monday 14:00.
        assert_eq!(
            calendar.add_working_hours(at("2026-11-30T02:00:00Z"), 4),
            at("2026-11-30T06:00:00Z")
        );
        // Monday 16:00 + 4: two hours that day, two on Tuesday from 08:00.
        assert_eq!(
            calendar.add_working_hours(at("2026-11-30T08:00:00Z"), 4),
            at("2026-12-01T02:00:00Z")
        );
        // Friday 20:00 + 4: Monday 12:00.
        assert_eq!(
            calendar.add_working_hours(at("2026-12-04T12:00:00Z"), 4),
            at("2026-12-07T04:00:00Z")
        );
    }

    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn every_line_of_the_data_file_reads_and_every_year_has_its_spring_festival() {
        let lines = DATA
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .count();
        let calendar = WorkCalendar::parse(DATA);
        assert_eq!(calendar.exceptions.len(), lines);
        for year in [2025, 2026, 2027] {
            assert!(
                DATA.lines()
                    .any(|line| line.starts_with(&year.to_string()) && line.contains("春节")),
                "{year}"
            );
        }
    }

    #[test]
    fn spring_festival_2026_and_its_worked_saturdays() {
        let calendar = WorkCalendar::national();
        // Friday 13 February, then the worked Saturday 14th, then nine days off.
        assert!(calendar.is_working_day(day("2026-02-13")));
        assert!(calendar.is_working_day(day("2026-02-14")));
        for off in ["2026-02-15", "2026-02-18", "2026-02-23"] {
            assert!(!calendar.is_working_day(day(off)), "{off}");
        }
        assert_eq!(
            calendar.add_working_days(day("2026-02-13"), 1),
            day("2026-02-14")
        );
        assert_eq!(
            calendar.add_working_days(day("2026-02-13"), 2),
            day("2026-02-24")
        );
        assert!(
            calendar.is_working_day(day("2026-02-28")),
            "a worked Saturday"
        );
    }

    #[test]
    fn national_day_2026_with_the_worked_sunday_before_and_saturday_after() {
        let calendar = WorkCalendar::national();
        assert!(calendar.is_working_day(day("2026-09-20")), "worked Sunday");
        assert!(!calendar.is_working_day(day("2026-10-01")));
        assert!(!calendar.is_working_day(day("2026-10-07")));
        assert!(calendar.is_working_day(day("2026-10-08")));
        // Given on 30 September: the 1st working day is 8 October, the 3rd the worked 10th.
        assert_eq!(
            calendar.add_working_days(day("2026-09-30"), 1),
            day("2026-10-08")
        );
        assert_eq!(
            calendar.add_working_days(day("2026-09-30"), 3),
            day("2026-10-10")
        );
        assert_eq!(
            calendar.working_days_between(day("2026-09-30"), day("2026-10-10")),
            3
        );
        assert_eq!(
            calendar.working_days_before(day("2026-10-10"), 3),
            day("2026-10-07")
        );
        assert_eq!(
            calendar.working_days_before(day("2026-10-10"), 0),
            day("2026-10-10")
        );
    }

    #[test]
    fn an_ordinary_fortnight_has_ten_working_days() {
        let calendar = WorkCalendar::national();
        assert_eq!(
            calendar.add_working_days(day("2026-11-30"), 10),
            day("2026-12-14")
        );
        assert_eq!(
            calendar.add_working_days(day("2026-11-30"), 0),
            day("2026-11-30")
        );
    }
}
