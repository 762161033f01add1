//! Server-drawn SVG bar charts: no script, readable on a phone.

use super::escape;

/// A horizontal bar chart: one bar per (label, value), scaled to the largest value; `unit` is
/// written after each value. Bars without a value (too few cases) read "数量太少".
pub fn bars(title: &str, rows: &[(String, Option<f64>)], unit: &str, percent: bool) -> String {
    let width = 360.0;
    let label_width = 120.0;
    let bar_room = width - label_width - 60.0;
    let row_height = 28.0;
    let height = 30.0 + row_height * rows.len().max(1) as f64;
    let largest = rows
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(if percent { 1.0 } else { 0.0 });
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" class="chart"><title>{title}</title><text x="0" y="18" font-size="14" font-weight="bold">{title}</text>"#,
        title = escape(title)
    );
    if rows.is_empty() {
        svg.push_str(r##"<text x="0" y="48" font-size="13" fill="#666">还没有数据</text>"##);
    }
    for (index, (label, value)) in rows.iter().enumerate() {
        let y = 30.0 + row_height * index as f64;
        svg.push_str(&format!(
            r#"<text x="0" y="{ty}" font-size="13">{label}</text>"#,
            ty = y + 17.0,
            label = escape(label)
        ));
        match value {
            Some(value) => {
                let length = if largest > 0.0 {
                    bar_room * value / largest
                } else {
                    0.0
                };
                let shown = if percent {
                    format!("{:.0}%", value * 100.0)
                } else {
                    format!("{value:.1}{unit}")
                };
                svg.push_str(&format!(
                    r##"<rect x="{label_width}" y="{y}" width="{length:.1}" height="18" fill="#3b82f6"/><text x="{tx:.1}" y="{ty}" font-size="12">{shown}</text>"##,
                    tx = label_width + length + 4.0,
                    ty = y + 14.0,
                ));
            }
            None => svg.push_str(&format!(
                r##"<text x="{label_width}" y="{ty}" font-size="12" fill="#666">数量太少</text>"##,
                ty = y + 14.0
            )),
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "答复用时",
            &[
                ("建设局".into(), Some(4.0)),
                ("<x>".into(), Some(2.0)),
                ("交通局".into(), None),
            ],
            "天",
            false,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("4.0天") && svg.contains("数量太少"));
        assert!(svg.contains("&lt;x&gt;") && !svg.contains("<x>"));
    }
}
