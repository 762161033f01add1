//! The public wall: the published proposals, the department's words for children first, with
//! filters by topic and department, and charts of answer times and satisfaction.

use super::charts::bars;
use super::escape;
use crate::domain::topics::TOPICS;
use crate::services::publicity::{PublicItem, PublicStats};

/// What the reader picked.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct WallFilter {
    pub topic: Option<String>,
    pub department: Option<String>,
}

const STYLE: &str = "body{font-family:sans-serif;margin:0;padding:12px;max-width:720px;margin:auto;color:#222;line-height:1.6}\
h1{font-size:22px}article{border:1px solid #ddd;border-radius:10px;padding:12px;margin:12px 0}\
.answer{background:#f0f7ff;border-radius:8px;padding:8px;margin:8px 0}.meta{color:#666;font-size:13px}\
details{font-size:14px}form{display:flex;flex-wrap:wrap;gap:8px}select,button{font-size:15px;padding:4px}\
.chart{width:100%;height:auto;margin:8px 0}img{max-width:100%;border-radius:8px}";

fn outcome_zh(outcome: crate::domain::answers::Outcome) -> &'static str {
    use crate::domain::answers::Outcome as O;
    match outcome {
        O::Adopted => "采纳",
        O::PartlyAdopted => "部分采纳",
        O::UnderStudy => "研究中",
        O::NotFeasible => "暂不可行",
        O::AlreadyDone => "已在做或已完成",
    }
}

fn option(value: &str, label: &str, chosen: Option<&str>) -> String {
    let selected = if chosen == Some(value) {
        " selected"
    } else {
        ""
    };
    format!(
        r#"<option value="{}"{selected}>{}</option>"#,
        escape(value),
        escape(label)
    )
}

/// The whole page.
pub fn render(
    items: &[PublicItem],
    stats: &PublicStats,
    departments: &[(String, String)],
    filter: &WallFilter,
) -> String {
    let mut html = String::with_capacity(16 * 1024);
    html.push_str(r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>童声 · 孩子们的建议墙</title><link rel="alternate" type="application/atom+xml" href="/feed.atom"><style>"#);
    html.push_str(STYLE);
    html.push_str(r#"</style></head><body><header><h1>童声 · 孩子们的建议墙</h1><p>上虞区的孩子们提出的建议，和负责部门的回复。</p></header>"#);

    html.push_str(r#"<form method="get" action="/"><label>主题 <select name="topic"><option value="">全部</option>"#);
    for (key, label, _) in TOPICS {
        html.push_str(&option(key, label, filter.topic.as_deref()));
    }
    html.push_str(
        r#"</select></label><label>部门 <select name="department"><option value="">全部</option>"#,
    );
    for (code, name) in departments {
        html.push_str(&option(code, name, filter.department.as_deref()));
    }
    html.push_str(r#"</select></label><button type="submit">看看</button></form><main>"#);

    if items.is_empty() {
        html.push_str("<p>这里还没有公开的建议。</p>");
    }
    for item in items {
        let p = &item.publication;
        let who = crate::domain::classes::proposer_label(p.grade, p.school_name.as_deref());
        let topic = p.topic.label_zh();
        html.push_str(&format!(
            r#"<article id="p-{}"><p class="meta">{} · {}</p>"#,
            p.proposal_id,
            escape(topic),
            escape(&who)
        ));
        if let Some(answer) = &item.answer {
            let department = item
                .department
                .as_ref()
                .map(|d| d.name_zh.as_str())
                .unwrap_or("负责部门");
            html.push_str(&format!(
                r#"<div class="answer"><strong>{}回复（{}）：</strong>{}</div>"#,
                escape(department),
                outcome_zh(answer.outcome),
                escape(&answer.child_text)
            ));
        }
        html.push_str("<p><strong>孩子的建议：</strong>");
        let texts: Vec<String> = p
            .answers
            .iter()
            .filter_map(|a| a.text.as_deref().map(escape))
            .collect();
        html.push_str(&texts.join("<br>"));
        html.push_str("</p>");
        if item.backers > 0 {
            html.push_str(&format!(
                r#"<p class="backers">👍 {} 位小朋友也这么想</p>"#,
                item.backers
            ));
        }
        for image in &p.media {
            html.push_str(&format!(
                r#"<img src="/media/{}/display" alt="孩子的图画或照片" loading="lazy">"#,
                escape(image)
            ));
        }
        for progress in &item.progress {
            html.push_str(&format!(
                r#"<p class="meta">进展：{}</p>"#,
                escape(&progress.child_text)
            ));
        }
        if let Some(answer) = &item.answer {
            html.push_str(&format!(
                "<details><summary>正式答复</summary><p>{}</p></details>",
                escape(&answer.official_text)
            ));
        }
        html.push_str("</article>");
    }
    html.push_str("</main><section><h2>部门答复得怎么样</h2>");
    let times: Vec<(String, Option<f64>)> = stats
        .by_department
        .iter()
        .map(|d| (d.name_zh.clone(), d.handling.median_days_to_answer))
        .collect();
    let satisfaction: Vec<(String, Option<f64>)> = stats
        .by_department
        .iter()
        .map(|d| (d.name_zh.clone(), d.handling.satisfaction_rate))
        .collect();
    html.push_str(&bars("答复用时（工作日，中位数）", &times, "天", false));
    html.push_str(&bars("孩子满意的比例", &satisfaction, "", true));
    html.push_str(&format!(
        r#"<p class="meta">共收到建议 {} 条。少于 5 的数字显示为“&lt;5”。<a href="/feed.atom">订阅</a> · <a href="/published.csv">下载数据</a></p></section></body></html>"#,
        escape(&stats.proposals)
    ));
    html
}
