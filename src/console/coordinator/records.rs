//! The coordinators' records: the routing table, API keys, data requests, the access log, and
//! the reports (served here on the console's session, by the same code as `/reports`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{departments, name_of};
use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, after, csrf, when};
use crate::console::session::{Posted, Staff};

/// An operation's data, with every department's name for showing it.
async fn with_departments<T: serde::de::DeserializeOwned>(
    state: &ConsoleState,
    staff: &Staff,
    query: &str,
) -> Result<(T, Vec<super::Department>), Refusal> {
    let read = run(state, staff, query, json!({})).await?;
    Ok((read, departments(state, staff).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    topic_label: String,
    area_code: String,
    lead_department_id: Option<String>,
    co_department_ids: Vec<String>,
    changed_at: String,
}

pub async fn routing(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(notice): Query<layout::Notice>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        routing_rules: Vec<Rule>,
    }
    let (read, departments) = match with_departments::<Read>(
        &state,
        &staff,
        "{ routingRules { topicLabel areaCode leadDepartmentId coDepartmentIds changedAt } }",
    )
    .await
    {
        Ok(both) => both,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        (layout::notice(&notice))
        p.hint { "孩子的建议通过审核后，按这里的规则送到负责的部门：先看地区的规则，再看主题的规则。" }
        table.rows {
            thead { tr { th { "主题" } th { "地区" } th { "牵头部门" } th { "协办部门" } th { "改动于" } } }
            tbody {
                @for rule in &read.routing_rules {
                    tr {
                        td { (rule.topic_label) }
                        td { @if rule.area_code.is_empty() { "全区" } @else { (rule.area_code) } }
                        td { (name_of(&departments, rule.lead_department_id.as_deref())) }
                        td { @for id in &rule.co_department_ids { span.tag { (name_of(&departments, Some(id))) } } }
                        td { (when(&rule.changed_at)) }
                    }
                }
            }
        }
        form.card method="post" action="/console/routing" {
            (csrf(&staff))
            h2 { "改一条规则" }
            p.hint { "之后通过审核的建议按新规则分派；已经送出的不变。每次改动都留有记录。" }
            label for="topic" { "主题" }
            select #topic name="topic" { @for (key, label, _) in crate::domain::topics::TOPICS { option value=(key) { (label) } } }
            label for="area" { "地区代码（不填表示全区）" }
            input #area name="areaCode";
            label for="lead" { "牵头部门" }
            select #lead name="leadDepartmentId" {
                option value="" { "（不分派，交给区里人工分派）" }
                @for d in &departments { option value=(d.id) { (d.name_zh) } }
            }
            fieldset {
                legend { "协办部门（可多选）" }
                @for d in &departments { label.inline { input type="checkbox" name="coDepartmentIds" value=(d.id); (d.name_zh) } }
            }
            p { button type="submit" { "保存规则" } }
        }
    };
    layout::page(&staff, "分派规则", body)
}

pub async fn set_rule(
    State(state): State<ConsoleState>,
    Posted { staff, fields }: Posted,
) -> Response {
    let input = json!({
        "topic": fields.get("topic").unwrap_or_default(),
        "areaCode": fields.text("areaCode"),
        "leadDepartmentId": fields.text("leadDepartmentId"),
        "coDepartmentIds": fields.all("coDepartmentIds"),
    });
    layout::act_then_return(
        &state,
        &staff,
        "mutation($i: RoutingRuleInput!) { setRoutingRule(input: $i) { topic } }",
        json!({ "i": input }),
        "/console/routing",
        "规则已保存。",
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Key {
    id: String,
    name: String,
    prefix: String,
    department_id: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

pub async fn keys(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(notice): Query<layout::Notice>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        api_keys: Vec<Key>,
    }
    let (read, departments) = match with_departments::<Read>(
        &state,
        &staff,
        "{ apiKeys { id name prefix departmentId createdAt lastUsedAt revokedAt } }",
    )
    .await
    {
        Ok(both) => both,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        (layout::notice(&notice))
        p.hint { "有自己系统的部门用密钥读取和答复本部门的任务。密钥只在发放时显示一次。" }
        @if read.api_keys.is_empty() { p.empty { "还没有发放密钥。" } }
        @else {
            table.rows {
                thead { tr { th { "名称" } th { "部门" } th { "发放于" } th { "最近使用" } th { "" } } }
                tbody {
                    @for key in &read.api_keys {
                        tr {
                            td { (key.name) br; code { "tsk_" (key.prefix) "_…" } }
                            td { (name_of(&departments, Some(&key.department_id))) }
                            td { (when(&key.created_at)) }
                            td { (key.last_used_at.as_deref().map(when).unwrap_or_else(|| "从未".into())) }
                            td {
                                @if let Some(at) = &key.revoked_at { "已作废（" (when(at)) "）" }
                                @else {
                                    form method="post" action="/console/keys" data-confirm="作废后这个部门的系统就不能再用这把密钥了。确定吗？" {
                                        (csrf(&staff))
                                        input type="hidden" name="revoke" value=(key.id);
                                        button.danger type="submit" { "作废" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.card method="post" action="/console/keys" {
            (csrf(&staff))
            h2 { "发放新密钥" }
            label for="department" { "部门" }
            select #department name="department" { @for d in &departments { option value=(d.id) { (d.name_zh) } } }
            label for="name" { "用途（例如：建设局工单系统）" }
            input #name name="name" required;
            p { button type="submit" { "发放" } }
        }
    };
    layout::page(&staff, "接口密钥", body)
}

pub async fn key_step(
    State(state): State<ConsoleState>,
    Posted { staff, fields }: Posted,
) -> Response {
    if let Some(id) = fields.get("revoke") {
        return match run::<Value>(
            &state,
            &staff,
            "mutation($k: ID!) { revokeApiKey(id: $k) { id } }",
            json!({ "k": id }),
        )
        .await
        {
            Ok(_) => after("/console/keys", "密钥已作废，用它连接的系统已断开。"),
            Err(refusal) => layout::refused_on("/console/keys", &refusal),
        };
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Issued {
        issue_api_key: IssuedKey,
    }
    #[derive(Deserialize)]
    struct IssuedKey {
        secret: String,
    }
    let issued: Result<Issued, Refusal> = run(
        &state,
        &staff,
        "mutation($d: ID!, $n: String!) { issueApiKey(departmentId: $d, name: $n) { secret } }",
        json!({ "d": fields.get("department").unwrap_or_default(), "n": fields.get("name").unwrap_or_default() }),
    )
    .await;
    match issued {
        // Shown once, on this page, never in an address or a log.
        Ok(issued) => layout::page(
            &staff,
            "新密钥",
            html! {
                p.done { "密钥已发放。请现在复制并交给部门的系统管理员，离开这一页后就再也看不到了。" }
                p { code.text { (issued.issue_api_key.secret) } }
                p { a href="/console/keys" { "回到密钥列表" } }
            },
        ),
        Err(refusal) => layout::refused_on("/console/keys", &refusal),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    id: String,
    child_id: String,
    kind: String,
    reason: Option<String>,
    filed_at: String,
    state: String,
}

pub async fn data_requests(
    State(state): State<ConsoleState>,
    staff: Staff,
    Query(notice): Query<layout::Notice>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        data_requests: Vec<Request>,
    }
    let read: Read = match run(
        &state,
        &staff,
        "{ dataRequests(pendingOnly: false) { id childId kind reason filedAt state } }",
        json!({}),
    )
    .await
    {
        Ok(read) => read,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        (layout::notice(&notice))
        @if read.data_requests.is_empty() { p.empty { "没有数据请求。老师或监护人提出导出或删除孩子的数据后会出现在这里。" } }
        @else {
            table.rows {
                thead { tr { th { "提出于" } th { "请求" } th { "原因" } th { "状态" } } }
                tbody {
                    @for r in &read.data_requests {
                        tr {
                            td { (when(&r.filed_at)) br; span.hint { "孩子编号 " (r.child_id.chars().take(8).collect::<String>()) } }
                            td { @if r.kind == "ERASURE" { "删除孩子的全部数据" } @else { "导出孩子的数据" } }
                            td { (r.reason.clone().unwrap_or_default()) }
                            td {
                                @if r.state == "PENDING" {
                                    form.decisions method="post" action="/console/data-requests" {
                                        (csrf(&staff))
                                        input type="hidden" name="request" value=(r.id);
                                        button type="submit" name="approve" value="true" data-confirm="同意后会立即执行，不能撤回。确定吗？" { "同意" }
                                        button.secondary type="submit" name="approve" value="false" { "拒绝" }
                                    }
                                } @else { (r.state) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page(&staff, "数据请求", body)
}

pub async fn decide_request(
    State(state): State<ConsoleState>,
    Posted { staff, fields }: Posted,
) -> Response {
    let ran = run::<Value>(
        &state,
        &staff,
        "mutation($r: ID!, $a: Boolean!) { decideDataRequest(id: $r, approve: $a) { id } }",
        json!({ "r": fields.get("request").unwrap_or_default(), "a": fields.get("approve") == Some("true") }),
    )
    .await;
    match ran {
        Ok(_) => after("/console/data-requests", "已决定。"),
        Err(refusal) => layout::refused_on("/console/data-requests", &refusal),
    }
}

pub async fn access_log(State(state): State<ConsoleState>, staff: Staff) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        at: String,
        staff_id: String,
        child_id: String,
        operation: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        access_log: Nodes,
    }
    #[derive(Deserialize)]
    struct Nodes {
        nodes: Vec<Entry>,
    }
    let read: Read = match run(
        &state,
        &staff,
        "{ accessLog(first: 50) { nodes { at staffId childId operation } } }",
        json!({}),
    )
    .await
    {
        Ok(read) => read,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let short = |id: &str| id.chars().take(8).collect::<String>();
    let body = html! {
        p.hint { "谁在什么时候读了哪个孩子的数据（最近 50 条）。" }
        @if read.access_log.nodes.is_empty() { p.empty { "还没有记录。" } }
        @else {
            table.rows {
                thead { tr { th { "时间" } th { "工作人员" } th { "孩子" } th { "操作" } } }
                tbody { @for e in &read.access_log.nodes {
                    tr { td { (when(&e.at)) } td { (short(&e.staff_id)) } td { (short(&e.child_id)) } td { code { (e.operation) } } }
                } }
            }
        }
    };
    layout::page(&staff, "访问记录", body)
}

pub async fn reports(State(state): State<ConsoleState>, staff: Staff) -> Response {
    if let Err(refusal) = run::<Value>(
        &state,
        &staff,
        "{ standingChannel { pausedDistrictWide } }",
        json!({}),
    )
    .await
    {
        return layout::refused(&staff, &refusal);
    }
    let year = crate::clock::local_date(state.app.clock.now())
        .format("%Y")
        .to_string();
    let body = html! {
        section.card {
            h2 { "儿童友好城市规划评估 · " (year) "年" }
            p { "每一项措施下孩子们提了什么、采纳了什么、做成了什么，答复用了多久，孩子满不满意。少于 5 的数字不显示。" }
            p.decisions {
                a.button href={ "/console/reports/evaluation/" (year) ".html" } { "在浏览器里看（可打印）" }
                a.button.secondary href={ "/console/reports/evaluation/" (year) ".xlsx" } { "下载 Excel" }
                a.button.secondary href={ "/console/reports/evaluation/" (year) ".csv" } { "下载 CSV" }
            }
        }
    };
    layout::page(&staff, "报告", body)
}

/// `/console/reports/{kind}/{file}`: the same files as `/reports`, on the console's session.
pub async fn report_file(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path((kind, file)): Path<(String, String)>,
) -> Response {
    let made = match kind.as_str() {
        "evaluation" => {
            crate::http::reports::evaluation_file(&state.app, &staff.actor, &file).await
        }
        "campaigns" => crate::http::reports::campaign_file(&state.app, &staff.actor, &file).await,
        _ => Err(crate::error::AppError::NotFound),
    };
    match made {
        Ok(file) => crate::http::reports::file_response(file).into_response(),
        Err(error) => layout::refused(
            &staff,
            &Refusal {
                code: error.code().as_str().into(),
                ..Refusal::default()
            },
        ),
    }
}
