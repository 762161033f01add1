//! Reading roster files into rows of text cells: CSV (UTF-8, or the GB18030/GBK that Excel on a
//! Chinese system writes) and XLSX. The content decides the format's details, never the name.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

use crate::error::AppError;
use crate::error::FieldCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RosterFormat {
    Csv,
    Xlsx,
}

/// Files larger than this are refused before reading.
pub const MAX_ROSTER_BYTES: usize = 2 * 1024 * 1024;

pub fn read_table(format: RosterFormat, bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    if bytes.len() > MAX_ROSTER_BYTES {
        return Err(unreadable(FieldCode::TooLarge, "文件太大了（最多 2 MB）。"));
    }
    match format {
        RosterFormat::Csv => read_csv(bytes),
        RosterFormat::Xlsx => read_xlsx(bytes),
    }
}

fn unreadable(code: FieldCode, message: &str) -> AppError {
    AppError::validation(&["file"], code, message)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(unreadable(
                    FieldCode::Encoding,
                    "文件的文字编码看不懂，请另存为 UTF-8 的 CSV。",
                ));
            }
            text.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            record
                .map(|record| record.iter().map(str::to_owned).collect())
                .map_err(|_| unreadable(FieldCode::Format, "CSV 文件格式不对。"))
        })
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| unreadable(FieldCode::Format, "不是有效的 XLSX 文件。"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(FieldCode::Empty, "XLSX 文件里没有工作表。"))?
        .map_err(|_| unreadable(FieldCode::Format, "不是有效的 XLSX 文件。"))?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(date) => date
            .as_datetime()
            .map(|d| d.format("%Y-%m").to_string())
            .unwrap_or_default(),
        Data::Float(number) if number.fract() == 0.0 => format!("{number:.0}"),
        other => other.to_string(),
    }
}
