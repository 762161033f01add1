//! The console's words for the API's values: states, bands, outcomes and kinds, in Chinese.

use maud::{Markup, html};

use crate::domain::children::AgeBand;

pub fn band(band: &str) -> &'static str {
    match band {
        "A" => "6–8 岁",
        "B" => "9–11 岁",
        "C" => "12–14 岁",
        "D" => "15–17 岁",
        _ => "年龄未知",
    }
}

/// The API's band letter; an unknown one reads as the youngest, whose words suit everyone.
pub fn age_band(band: &str) -> AgeBand {
    match band {
        "B" => AgeBand::B,
        "C" => AgeBand::C,
        "D" => AgeBand::D,
        _ => AgeBand::A,
    }
}

pub fn finding(kind: &str) -> &'static str {
    match kind {
        "PII" => "个人信息",
        "ABUSE" => "不友善的话",
        "SEXUAL" => "不当内容",
        "VIOLENCE" => "暴力",
        "SAFEGUARDING" => "可能需要保护",
        _ => "需要看一看",
    }
}

pub fn reason(reason: &str) -> &'static str {
    match reason {
        "unkind_words" => "有不友善的话",
        "personal_information" => "写了个人信息",
        "unclear" => "意思不够清楚",
        "off_topic" => "和这次的主题无关",
        "duplicate" => "和别的建议重复",
        _ => "其他",
    }
}

pub fn task_state(state: &str) -> &'static str {
    match state {
        "ROUTED" => "待签收",
        "SIGNED_FOR" => "办理中",
        "EXTENSION_REQUESTED" => "申请延期中",
        "ANSWERED" => "已答复，待公开",
        "PUBLISHED" => "已公开",
        "BOUNCED" => "已退回区里",
        "REOPENED" => "重新办理",
        "CLOSED" => "已办结",
        _ => "其他",
    }
}

pub fn outcome(outcome: &str) -> &'static str {
    match outcome {
        "ADOPTED" => "采纳",
        "PARTLY_ADOPTED" => "部分采纳",
        "UNDER_STUDY" => "研究中",
        "NOT_FEASIBLE" => "暂不可行",
        "ALREADY_DONE" => "已在做或已完成",
        _ => "其他",
    }
}

pub const OUTCOMES: [&str; 5] = [
    "ADOPTED",
    "PARTLY_ADOPTED",
    "UNDER_STUDY",
    "NOT_FEASIBLE",
    "ALREADY_DONE",
];

pub fn event(kind: &str) -> &'static str {
    match kind {
        "CREATED" => "送到部门",
        "SIGNED_FOR" => "签收",
        "NOTE" => "备注",
        "EXTENSION_REQUESTED" => "申请延期",
        "EXTENSION_APPROVED" => "同意延期",
        "EXTENSION_REFUSED" => "不同意延期",
        "BOUNCED" => "退回区里",
        "REROUTED" => "改派",
        "ANSWERED" => "答复",
        "PUBLISHED" => "公开",
        "PROGRESS" => "进展",
        "REMINDER" => "提醒",
        "ESCALATION" => "督办",
        "LINKED" => "合并重复",
        "REOPENED" => "重新办理",
        "CLOSED" => "办结",
        _ => "其他",
    }
}

pub fn field(key: &str) -> String {
    match key {
        "idea" => "想法".into(),
        "noticed" => "发现的问题".into(),
        "why" => "为什么".into(),
        "place" => "地点".into(),
        other => other.to_owned(),
    }
}

/// A day count as staff read it: "还有 3 个工作日", overdue in words as well as colour.
pub fn days_left(days: i64) -> Markup {
    html! {
        @if days < 0 {
            span.overdue { "已超期 " (-days) " 个工作日" }
        } @else if days == 0 {
            span.soon { "今天到期" }
        } @else if days <= 2 {
            span.soon { "还有 " (days) " 个工作日" }
        } @else {
            span { "还有 " (days) " 个工作日" }
        }
    }
}
