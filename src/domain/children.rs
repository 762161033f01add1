//! Children as Tongsheng knows them: a pseudonym, a birth month, a class. No real name, phone,
//! address or e-mail is ever stored (DESIGN §8).

use chrono::{Datelike, NaiveDate};
use rand::RngExt as _;

use crate::domain::ids::{ChildId, ClassId};
use crate::error::AppError;
use crate::error::FieldCode;

/// The name a child goes by in Tongsheng, chosen by the teacher or the child: 1 to 12
/// characters of letters, digits, spaces and `·-_`, and nothing that looks like a phone or ID
/// number (five digits in a row) or an e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pseudonym(String);

impl Pseudonym {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Self, AppError> {
        let name = raw.trim();
        let length = name.chars().count();
        if !(1..=12).contains(&length) {
            return Err(AppError::validation(
                path,
                FieldCode::Length,
                "昵称应为 1 到 12 个字。",
            ));
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '·' | '-' | '_'))
        {
            return Err(AppError::validation(
                path,
                FieldCode::Characters,
                "昵称只能包含文字、数字、空格和 ·-_。",
            ));
        }
        let longest_digit_run = name
            .chars()
            .fold((0, 0), |(run, best), c| {
                let run = if c.is_numeric() { run + 1 } else { 0 };
                (run, best.max(run))
            })
            .1;
        if longest_digit_run >= 5 {
            return Err(AppError::validation(
                path,
                FieldCode::LooksPersonal,
                "昵称里不能有电话号码或证件号码。",
            ));
        }
        Ok(Pseudonym(name.to_owned()))
    }

    /// A pseudonym as stored (validated when it was first given).
    pub fn stored(name: String) -> Self {
        Pseudonym(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The year and month a child was born: the only date Tongsheng keeps about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BirthMonth {
    year: i32,
    month: u32,
}

/// The youngest and oldest a participating child may be.
pub const YOUNGEST: u32 = 6;
pub const OLDEST: u32 = 17;

impl BirthMonth {
    /// Parses a birth month for a child enrolled on `today`: the child must be 6 to 17.
    pub fn parse(year: i32, month: i32, today: NaiveDate, path: &[&str]) -> Result<Self, AppError> {
        let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m));
        let Some(month) = month else {
            return Err(AppError::validation(
                path,
                FieldCode::OutOfRange,
                "出生月份应在 1 到 12 之间。",
            ));
        };
        let birth = BirthMonth { year, month };
        match birth.age_on(today) {
            Some(age) if (YOUNGEST..=OLDEST).contains(&age) => Ok(birth),
            _ => Err(AppError::validation(
                path,
                FieldCode::Age,
                "参加的孩子应在 6 到 17 岁之间。",
            )),
        }
    }

    /// Builds a birth month from stored values without the age check.
    pub fn from_stored(year: i32, month: u32) -> Self {
        BirthMonth {
            year,
            month: month.clamp(1, 12),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Whole years of age on `day`, counting a birthday as the first of the birth month.
    /// `None` before birth.
    pub fn age_on(self, day: NaiveDate) -> Option<u32> {
        let months = (day.year() - self.year) * 12 + day.month() as i32 - self.month as i32;
        u32::try_from(months / 12).ok().filter(|_| months >= 0)
    }

    /// The child's age band on `day`, or `None` outside 6 to 17.
    pub fn band_on(self, day: NaiveDate) -> Option<AgeBand> {
        self.age_on(day).and_then(AgeBand::for_age)
    }
}

/// The four age bands of DESIGN §4, which decide the form a child gets and how text is written
/// for them. Computed on the day, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    /// 6-8
    A,
    /// 9-11
    B,
    /// 12-14
    C,
    /// 15-17
    D,
}

impl AgeBand {
    pub fn for_age(age: u32) -> Option<Self> {
        match age {
            6..=8 => Some(AgeBand::A),
            9..=11 => Some(AgeBand::B),
            12..=14 => Some(AgeBand::C),
            15..=17 => Some(AgeBand::D),
            _ => None,
        }
    }
}

/// A child's six-digit sign-in PIN. Shown once when issued; only its keyed digest is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(******)")
    }
}

impl Pin {
    /// Reads what a child typed: spaces are ignored and full-width digits count as digits.
    pub fn parse(typed: &str) -> Option<Self> {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect();
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Pin(digits))
    }

    pub fn random(rng: &mut impl rand::Rng) -> Self {
        Pin(format!("{:06}", rng.random_range(0..1_000_000u32)))
    }

    /// The digits, for hashing and for showing once to the teacher.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// How a guardian gave consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentMethod {
    Written,
    InPerson,
    Electronic,
}

/// Who gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardianRelation {
    Mother,
    Father,
    Grandparent,
    Guardian,
    Other,
}

crate::domain::text_enum!(ConsentMethod { Written = "written", InPerson = "in_person", Electronic = "electronic" });
crate::domain::text_enum!(GuardianRelation {
    Mother = "mother",
    Father = "father",
    Grandparent = "grandparent",
    Guardian = "guardian",
    Other = "other",
});

/// A guardian's consent as recorded by a teacher (PIPL art. 31 for under-14s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianConsent {
    pub method: ConsentMethod,
    pub given_on: NaiveDate,
    pub relation: GuardianRelation,
}

/// A child as their teachers see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Child {
    pub id: ChildId,
    pub class_id: ClassId,
    pub pseudonym: Pseudonym,
    pub birth: BirthMonth,
    /// The consent in force, if any (a withdrawn consent is not in force).
    pub consent: Option<GuardianConsent>,
}

/// Under this age a guardian's consent is needed before a child may submit (PIPL art. 31).
pub const CONSENT_AGE: u32 = 14;

impl Child {
    /// Whether the child still needs a guardian's consent on `today` before taking part
    /// (submitting, or backing another child's idea).
    pub fn needs_consent(&self, today: chrono::NaiveDate) -> bool {
        self.consent.is_none()
            && self
                .birth
                .age_on(today)
                .is_some_and(|age| age < CONSENT_AGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn age_counts_whole_years_from_the_birth_month() {
        let birth = BirthMonth::from_stored(2017, 9);
        assert_eq!(birth.age_on(day(2026, 8, 31)), Some(8));
        assert_eq!(birth.age_on(day(2026, 9, 1)), Some(9));
        assert_eq!(birth.age_on(day(2017, 8, 1)), None);
    }

    #[test]
    fn bands_follow_school_stages() {
        assert_eq!(AgeBand::for_age(5), None);
        assert_eq!(AgeBand::for_age(6), Some(AgeBand::A));
        assert_eq!(AgeBand::for_age(8), Some(AgeBand::A));
        assert_eq!(AgeBand::for_age(9), Some(AgeBand::B));
        assert_eq!(AgeBand::for_age(12), Some(AgeBand::C));
        assert_eq!(AgeBand::for_age(15), Some(AgeBand::D));
        assert_eq!(AgeBand::for_age(17), Some(AgeBand::D));
        assert_eq!(AgeBand::for_age(18), None);
    }

    #[test]
    fn a_band_changes_on_the_birthday_month() {
        let birth = BirthMonth::from_stored(2017, 11);
        assert_eq!(birth.band_on(day(2026, 10, 31)), Some(AgeBand::A));
        assert_eq!(birth.band_on(day(2026, 11, 1)), Some(AgeBand::B));
    }

    #[test]
    fn enrolment_takes_children_of_six_to_seventeen() {
        let today = day(2026, 11, 30);
        assert!(BirthMonth::parse(2020, 11, today, &["b"]).is_ok());
        assert!(
            BirthMonth::parse(2020, 12, today, &["b"]).is_err(),
            "five years old"
        );
        assert!(
            BirthMonth::parse(2008, 12, today, &["b"]).is_ok(),
            "seventeen"
        );
        assert!(
            BirthMonth::parse(2008, 11, today, &["b"]).is_err(),
            "eighteen"
        );
        assert!(BirthMonth::parse(2015, 13, today, &["b"]).is_err());
    }

    #[test]
    fn pseudonyms_refuse_numbers_that_could_identify() {
        assert!(Pseudonym::parse(" 小星星 ", &["p"]).is_ok());
        assert!(Pseudonym::parse("Tiger 2", &["p"]).is_ok());
        assert!(Pseudonym::parse("13812345678", &["p"]).is_err());
        assert!(Pseudonym::parse("a@b.cn", &["p"]).is_err());
        assert!(Pseudonym::parse("", &["p"]).is_err());
        assert!(Pseudonym::parse(&"星".repeat(13), &["p"]).is_err());
    }

    #[test]
    fn pins_read_full_width_digits_and_ignore_spaces() {
        assert_eq!(Pin::parse("０１２ ３４５").unwrap().reveal(), "012345");
        assert!(Pin::parse("12345").is_none());
        assert!(Pin::parse("12345a").is_none());
        assert_eq!(
            format!("{:?}", Pin::parse("123456").unwrap()),
            "Pin(******)"
        );
    }
}
