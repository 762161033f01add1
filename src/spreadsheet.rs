//! Writing CSV and spreadsheet cells that a spreadsheet program will not run.
//!
//! A child's text, a place or an answer is free text; a cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return is read by Excel, WPS and LibreOffice as a formula (CSV injection).
//! Every export goes through [`cell`], which prefixes such a cell with `'` (OWASP's rule), so it
//! reads as the text it is. Numbers stay numbers.

use std::borrow::Cow;

/// The text of a cell, neutralised when a spreadsheet would take it for a formula.
pub fn cell(text: &str) -> Cow<'_, str> {
    let formula_like = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula_like && text.parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Rows (the header first) as CSV, every cell through [`cell`].
pub fn csv<R, C>(rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|text| cell(text.as_ref()).into_owned())
            .collect();
        writer.write_record(&cells)?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_and_numbers_are_not() {
        for formula in [
            "=1+1",
            "+SUM(A1)",
            "-cmd",
            "@A1",
            "\t=1",
            "\r=1",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["秋千坏了", "", "12", "-3.5", "a=b", "路口 = 危险"] {
            assert_eq!(cell(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn a_csv_cell_that_would_run_is_written_as_text() -> Result<(), csv::Error> {
        let bytes = csv([vec!["proposal"], vec!["=cmd|' /C calc'!A0"]])?;
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("'=cmd"), "{text}");
        Ok(())
    }
}
