//! A class roster as a teacher keeps it in a spreadsheet: a header row, then one child a row.
//!
//! Columns are found by their header, in Chinese or English, in any order: the pseudonym
//! (`昵称`, `pseudonym`), and either the birth year and month in two columns (`出生年份`,
//! `出生月份`; `birth_year`, `birth_month`) or together in one (`出生年月`, `birth`) written
//! `2017-03`, `2017/3`, `2017.3` or `2017年3月`. Rows are numbered as the spreadsheet numbers
//! them (the header is row 1), so an error points at the row the teacher sees.

use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

/// One child's row, with its spreadsheet row number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRow {
    pub row: usize,
    pub pseudonym: String,
    pub birth_year: i32,
    pub birth_month: i32,
}

enum Birth {
    Split { year: usize, month: usize },
    Joined(usize),
}

/// Reads the rows of a roster. Every problem is reported at once, each with its path
/// `["rows", "<row number>", "<field>"]`; blank rows are skipped.
pub fn parse(table: &[Vec<String>]) -> Result<Vec<RosterRow>, AppError> {
    let Some(header) = table.first() else {
        return Err(AppError::validation(
            &["rows"],
            FieldCode::Empty,
            "表格是空的。",
        ));
    };
    let find = |names: &[&str]| {
        header.iter().position(|cell| {
            let cell = cell.trim().to_lowercase().replace([' ', '_'], "");
            names.iter().any(|name| cell == *name)
        })
    };
    let pseudonym = find(&["昵称", "pseudonym", "name"]);
    let birth = match (
        find(&["出生年份", "出生年", "birthyear"]),
        find(&["出生月份", "出生月", "birthmonth"]),
    ) {
        (Some(year), Some(month)) => Some(Birth::Split { year, month }),
        _ => find(&["出生年月", "birth", "born"]).map(Birth::Joined),
    };
    let (Some(pseudonym), Some(birth)) = (pseudonym, birth) else {
        return Err(AppError::validation(
            &["rows", "1"],
            FieldCode::Header,
            "第 1 行应是表头：昵称、出生年份、出生月份（或 出生年月）。",
        ));
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, cells) in table.iter().enumerate().skip(1) {
        let row = index + 1;
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |column: usize| cells.get(column).map(|c| c.trim()).unwrap_or("");
        let label = row.to_string();
        let birth = match birth {
            Birth::Split { year, month } => whole_number(cell(year)).zip(whole_number(cell(month))),
            Birth::Joined(column) => year_and_month(cell(column)),
        };
        match birth {
            Some((birth_year, birth_month)) => rows.push(RosterRow {
                row,
                pseudonym: cell(pseudonym).to_owned(),
                birth_year,
                birth_month,
            }),
            None => problems.push(FieldError::new(
                &["rows", &label, "birthMonth"],
                FieldCode::Format,
                "出生年月看不懂，请写成 2017-03 这样。",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    if rows.is_empty() {
        return Err(AppError::validation(
            &["rows"],
            FieldCode::Empty,
            "表格里没有孩子。",
        ));
    }
    Ok(rows)
}

/// `2017`, `2017.0` (a spreadsheet number) or ` 3 `.
fn whole_number(text: &str) -> Option<i32> {
    let text = text.strip_suffix(".0").unwrap_or(text);
    text.parse().ok()
}

/// `2017-03`, `2017/3`, `2017.3`, `2017年3月`, `2017-03-15` (a date cell).
fn year_and_month(text: &str) -> Option<(i32, i32)> {
    let mut parts = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty());
    let year = parts
        .next()?
        .parse()
        .ok()
        .filter(|year: &i32| (1900..=2100).contains(year))?;
    let month = parts.next()?.parse().ok()?;
    Some((year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(|cell| (*cell).to_owned()).collect())
            .collect()
    }

    #[test]
    fn chinese_headers_in_any_order_and_joined_birth_months_are_read() {
        let rows = parse(&table(&[
            &["出生年月", "昵称"],
            &["2017年3月", "小星星"],
            &["", ""],
            &["2016-11", "豆豆"],
        ]))
        .unwrap();
        assert_eq!(
            rows,
            vec![
                RosterRow {
                    row: 2,
                    pseudonym: "小星星".into(),
                    birth_year: 2017,
                    birth_month: 3
                },
                RosterRow {
                    row: 4,
                    pseudonym: "豆豆".into(),
                    birth_year: 2016,
                    birth_month: 11
                },
            ]
        );
    }

    #[test]
    fn split_columns_accept_spreadsheet_numbers() {
        let rows = parse(&table(&[
            &["Pseudonym", "Birth Year", "birth_month"],
            &["Tiger", "2015.0", "7"],
        ]))
        .unwrap();
        assert_eq!(rows[0].birth_year, 2015);
        assert_eq!(rows[0].birth_month, 7);
    }

    #[test]
    fn a_missing_header_and_unreadable_births_are_named_by_row() {
        let error = parse(&table(&[&["name", "age"], &["x", "7"]])).unwrap_err();
        assert!(matches!(&error, AppError::Validation(fields) if fields[0].path == ["rows", "1"]));
        match parse(&table(&[
            &["昵称", "出生年月"],
            &["a", "2017-03"],
            &["b", "去年"],
        ]))
        .unwrap_err()
        {
            AppError::Validation(fields) => assert_eq!(fields[0].path, ["rows", "3", "birthMonth"]),
            other => panic!("{:?}", other.code()),
        }
    }
}
