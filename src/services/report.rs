//! The coordinators' report of a campaign: per department, tasks, answers on time, extensions,
//! bounces, answer outcomes and satisfaction; as data, CSV and XLSX. Exact figures: it is not
//! public.

use rust_xlsxwriter::Workbook;
use std::collections::HashMap;

use crate::domain::departments::DepartmentId;
use crate::domain::ids::CampaignId;
use crate::domain::tasks::Task;
use crate::error::AppError;
use crate::services::access::Coordinator;
use crate::services::handling::{Facts, Raw};
use crate::state::AppState;
use crate::store;

pub struct ReportRow {
    pub code: String,
    pub name_zh: String,
    pub raw: Raw,
}

impl ReportRow {
    pub fn answered(&self) -> usize {
        self.raw.to_answer.len()
    }

    pub fn on_time_rate(&self) -> Option<f64> {
        share(self.raw.on_time, self.answered())
    }

    pub fn satisfaction_rate(&self) -> Option<f64> {
        share(self.raw.satisfied, self.raw.rated)
    }

    pub fn outcome(&self, outcome: &str) -> usize {
        self.raw.outcomes.get(outcome).copied().unwrap_or_default()
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

pub struct Report {
    pub title: String,
    pub rows: Vec<ReportRow>,
}

/// Coordinators: the report of a campaign.
pub async fn report(
    state: &AppState,
    _: &Coordinator,
    campaign: CampaignId,
) -> Result<Report, AppError> {
    let found = store::campaigns::find(&state.db, campaign)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = Facts::load(state, Some(campaign)).await?;
    let departments = store::departments::all(&state.db).await?;
    let mut groups: HashMap<DepartmentId, Vec<&Task>> = HashMap::new();
    for task in &facts.tasks {
        if let Some(department) = task.department_id {
            groups.entry(department).or_default().push(task);
        }
    }
    let mut rows: Vec<ReportRow> = groups
        .into_iter()
        .filter_map(|(department, tasks)| {
            let department = departments.get(&department)?;
            Some(ReportRow {
                code: department.code.as_str().to_owned(),
                name_zh: department.name_zh.clone(),
                raw: facts.raw(&tasks),
            })
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Report {
        title: found.title,
        rows,
    })
}

const HEADERS: [&str; 13] = [
    "部门代码",
    "部门",
    "任务数",
    "已答复",
    "按期答复率",
    "申请延期",
    "退回次数",
    "采纳",
    "部分采纳",
    "研究中",
    "暂不可行",
    "已在做或已完成",
    "满意率",
];

fn cells(row: &ReportRow) -> Vec<String> {
    let percent = |rate: Option<f64>| {
        rate.map(|r| format!("{:.1}%", r * 100.0))
            .unwrap_or_default()
    };
    let mut cells = vec![
        row.code.clone(),
        row.name_zh.clone(),
        row.raw.tasks.to_string(),
        row.answered().to_string(),
        percent(row.on_time_rate()),
        row.raw.extensions.to_string(),
        row.raw.bounces.to_string(),
    ];
    cells.extend(
        crate::domain::answers::Outcome::ALL
            .iter()
            .map(|o| row.outcome(o.as_str()).to_string()),
    );
    cells.push(percent(row.satisfaction_rate()));
    cells
}

pub fn to_csv(report: &Report) -> Result<Vec<u8>, AppError> {
    let header: Vec<String> = HEADERS.iter().map(|h| (*h).to_owned()).collect();
    crate::spreadsheet::csv(std::iter::once(header).chain(report.rows.iter().map(cells)))
        .map_err(AppError::internal)
}

pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("答复情况").map_err(AppError::internal)?;
    sheet
        .write_string(0, 0, crate::spreadsheet::cell(&report.title))
        .map_err(AppError::internal)?;
    for (column, header) in HEADERS.iter().enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet
            .write_string(1, column, *header)
            .map_err(AppError::internal)?;
    }
    for (index, row) in report.rows.iter().enumerate() {
        let line = u32::try_from(index + 2).unwrap_or(u32::MAX);
        for (column, cell) in cells(row).iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            match cell.parse::<f64>() {
                Ok(number) => sheet.write_number(line, column, number),
                Err(_) => sheet.write_string(line, column, crate::spreadsheet::cell(cell)),
            }
            .map_err(AppError::internal)?;
        }
    }
    workbook.save_to_buffer().map_err(AppError::internal)
}
