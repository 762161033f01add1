//! The evaluation as a printable page (the plan's 建设成效评估与儿童影响评估): the figures by
//! measure with charts, why proposals were not feasible, and the policy changes recorded.

use super::charts::bars;
use super::escape;
use crate::services::evaluation::exports::shown;
use crate::services::evaluation::{COLUMNS, Evaluation};

const STYLE: &str = "body{font-family:sans-serif;max-width:960px;margin:0 auto;padding:16px;color:#222}\
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}\
th:first-child,td:first-child{text-align:left}tr.total{font-weight:bold;background:#f5f5f5}\
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{width:460px;max-width:100%}.note{color:#555;font-size:13px}\
@media print{.charts{display:block}a{color:inherit}}";

/// The page for a period (its words, such as 2026年).
pub fn render(evaluation: &Evaluation, period: &str) -> String {
    let report = &evaluation.by_measure;
    let mut html = format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>儿童建议评估 · {period}</title><style>{STYLE}</style></head><body><h1>儿童建议评估（{period}）</h1><p class="note">按《上虞区儿童友好型城市建设三年行动方案》的 28 项措施统计孩子们的建议。少于 5 件的数字显示为“&lt;5”，另有一个数字一同隐去，防止用合计反推。一件建议可能对应多项措施，所以各行之和可以大于合计。</p>"#,
        period = escape(period)
    );
    html.push_str("<table><thead><tr><th>措施</th>");
    for (_, heading) in COLUMNS {
        html.push_str(&format!("<th>{heading}</th>"));
    }
    html.push_str("<th>答复用时中位数</th><th>满意率</th></tr></thead><tbody>");
    for (row, class) in report
        .rows
        .iter()
        .map(|row| (row, ""))
        .chain(std::iter::once((&report.total, " class=\"total\"")))
    {
        html.push_str(&format!("<tr{class}><td>{}</td>", escape(&row.label)));
        for count in &row.counts {
            html.push_str(&format!("<td>{}</td>", escape(&shown(*count))));
        }
        html.push_str(&format!(
            "<td>{}</td><td>{}</td></tr>",
            row.median_days_to_answer
                .map(|days| format!("{days:.1} 个工作日"))
                .unwrap_or_else(|| "—".to_owned()),
            row.satisfaction_rate
                .map(|rate| format!("{:.0}%", rate * 100.0))
                .unwrap_or_else(|| "—".to_owned()),
        ));
    }
    html.push_str("</tbody></table><h2>图表</h2><div class=\"charts\">");
    let asked: Vec<(String, Option<f64>)> = report
        .rows
        .iter()
        .filter(|row| row.counts[0] != crate::domain::plan::suppression::Shown::Count(0))
        .map(|row| (short(&row.label), row.counts[0].value().map(|n| n as f64)))
        .collect();
    html.push_str(&bars("孩子们提出的建议（件）", &asked, "", false));
    let adopted: Vec<(String, Option<f64>)> = report
        .rows
        .iter()
        .filter(|row| row.counts[2] != crate::domain::plan::suppression::Shown::Count(0))
        .map(|row| {
            let share = row.counts[3]
                .value()
                .zip(row.counts[2].value())
                .filter(|(_, answered)| *answered > 0)
                .map(|(adopted, answered)| adopted as f64 / answered as f64);
            (short(&row.label), share)
        })
        .collect();
    html.push_str(&bars("已答复中被采纳的比例", &adopted, "", true));
    let satisfied: Vec<(String, Option<f64>)> = report
        .rows
        .iter()
        .filter(|row| row.counts[2] != crate::domain::plan::suppression::Shown::Count(0))
        .map(|row| (short(&row.label), row.satisfaction_rate))
        .collect();
    html.push_str(&bars("孩子们的满意率", &satisfied, "", true));
    html.push_str("</div><h2>暂不可行的原因</h2>");
    if evaluation.not_feasible_reasons.is_empty() {
        html.push_str("<p class=\"note\">这段时间没有答复为暂不可行的建议。</p>");
    }
    for (measure, reasons) in &evaluation.not_feasible_reasons {
        html.push_str(&format!(
            "<h3>措施 {}</h3><ul>",
            escape(measure.trim_start_matches('0'))
        ));
        for reason in reasons {
            html.push_str(&format!("<li>{}</li>", escape(reason)));
        }
        html.push_str("</ul>");
    }
    html.push_str("<h2>因孩子的建议而改变的政策</h2>");
    if evaluation.policy_changes.is_empty() {
        html.push_str("<p class=\"note\">这段时间还没有部门登记政策变化。</p>");
    }
    for (measure, changes) in &evaluation.policy_changes {
        html.push_str(&format!(
            "<h3>措施 {}</h3><ul>",
            escape(measure.trim_start_matches('0'))
        ));
        for change in changes {
            let link = change
                .link
                .as_deref()
                .map(|link| format!(r#" <a href="{0}">{0}</a>"#, escape(link)))
                .unwrap_or_default();
            html.push_str(&format!(
                "<li><strong>{}</strong>：{}{}</li>",
                escape(&change.department),
                escape(&change.text),
                link
            ));
        }
        html.push_str("</ul>");
    }
    html.push_str("</body></html>");
    html
}

/// A measure's label for a chart: its number and the first words of its title, short enough
/// for the chart's label column.
fn short(label: &str) -> String {
    label.chars().take(8).collect()
}
