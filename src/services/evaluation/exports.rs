//! Reports and the evaluation as CSV and XLSX; hidden counts read "<5".

use rust_xlsxwriter::Workbook;

use super::{COLUMNS, CutReport, Evaluation, Row};
use crate::domain::plan::suppression::Shown;
use crate::error::AppError;

/// A count as a file shows it.
pub fn shown(count: Shown) -> String {
    match count {
        Shown::Count(n) => n.to_string(),
        Shown::Suppressed => "<5".to_owned(),
    }
}

fn line(row: &Row) -> Vec<String> {
    let mut cells = vec![row.key.clone(), row.label.clone()];
    cells.extend(row.counts.iter().map(|count| shown(*count)));
    cells.push(
        row.median_days_to_answer
            .map(|days| format!("{days:.1}"))
            .unwrap_or_default(),
    );
    cells.push(
        row.satisfaction_rate
            .map(|rate| format!("{:.0}%", rate * 100.0))
            .unwrap_or_default(),
    );
    cells
}

fn header() -> Vec<String> {
    let mut cells = vec!["key".to_owned(), "名称".to_owned()];
    cells.extend(COLUMNS.iter().map(|(_, heading)| (*heading).to_owned()));
    cells.push("答复用时中位数（工作日）".to_owned());
    cells.push("满意率".to_owned());
    cells
}

fn lines(report: &CutReport) -> Vec<Vec<String>> {
    std::iter::once(header())
        .chain(report.rows.iter().map(line))
        .chain(std::iter::once(line(&report.total)))
        .collect()
}

pub fn to_csv(report: &CutReport) -> Result<Vec<u8>, AppError> {
    crate::spreadsheet::csv(lines(report))
        .map_err(|error| AppError::Internal(anyhow::anyhow!("writing a report: {error}")))
}

/// The evaluation as a workbook: the figures by measure, then the reasons and policy changes.
pub fn to_xlsx(evaluation: &Evaluation) -> Result<Vec<u8>, AppError> {
    let internal = |error: rust_xlsxwriter::XlsxError| {
        AppError::Internal(anyhow::anyhow!("writing the evaluation: {error}"))
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("按措施").map_err(internal)?;
    for (r, cells) in lines(&evaluation.by_measure).iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, crate::spreadsheet::cell(cell))
                .map_err(internal)?;
        }
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name("暂不可行的原因").map_err(internal)?;
    let mut r = 0;
    for (measure, reasons) in &evaluation.not_feasible_reasons {
        for reason in reasons {
            sheet.write_string(r, 0, measure).map_err(internal)?;
            sheet
                .write_string(r, 1, crate::spreadsheet::cell(reason))
                .map_err(internal)?;
            r += 1;
        }
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name("政策变化").map_err(internal)?;
    let mut r = 0;
    for (measure, changes) in &evaluation.policy_changes {
        for change in changes {
            let cells = [
                measure.as_str(),
                change.department.as_str(),
                change.text.as_str(),
                change.link.as_deref().unwrap_or_default(),
            ];
            for (c, cell) in cells.iter().enumerate() {
                sheet
                    .write_string(r, c as u16, crate::spreadsheet::cell(cell))
                    .map_err(internal)?;
            }
            r += 1;
        }
    }
    workbook.save_to_buffer().map_err(internal)
}
