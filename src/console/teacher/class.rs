//! A teacher's class: the children with their guardians' consent, enrolment from a roster file
//! (each row's problem named), printing cards, a new PIN, and a child who left.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::console::ConsoleState;
use crate::console::api::{Refusal, run};
use crate::console::layout::{self, csrf};
use crate::console::session::{Posted, PostedFile, Staff};
use crate::console::words;

pub fn routes() -> Router<ConsoleState> {
    Router::new()
        .route("/classes", get(classes))
        .route("/classes/{class}", get(class))
        .route("/classes/{class}/enrol", post(enrol))
        .route("/classes/{class}/cards.pdf", post(cards))
        .route("/classes/{class}/children/{child}/{step}", post(child_step))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consent {
    given_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Child {
    id: String,
    pseudonym: String,
    age: Option<i64>,
    age_band: Option<String>,
    needs_guardian_consent: bool,
    guardian_consent: Option<Consent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Class {
    id: String,
    name: String,
    grade_label: String,
    code: String,
    sign_in_locked: bool,
}

pub async fn classes(State(state): State<ConsoleState>, staff: Staff) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        my_classes: Vec<Class>,
    }
    let read: Read = match run(
        &state,
        &staff,
        "{ myClasses { id name gradeLabel code signInLocked } }",
        json!({}),
    )
    .await
    {
        Ok(read) => read,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let body = html! {
        @if read.my_classes.is_empty() { p.empty { "你还没有班级。" } }
        @for c in &read.my_classes {
            p.card { a href={ "/console/classes/" (c.id) } { (c.grade_label) (c.name) } " · 班级码 " code { (c.code) } }
        }
    };
    layout::page(&staff, "我的班级", body)
}

pub async fn class(
    State(state): State<ConsoleState>,
    staff: Staff,
    Path(class): Path<String>,
    Query(notice): Query<layout::Notice>,
) -> Response {
    #[derive(Deserialize)]
    struct Read {
        class: ClassWithChildren,
    }
    #[derive(Deserialize)]
    struct ClassWithChildren {
        #[serde(flatten)]
        class: Class,
        children: Nodes,
    }
    #[derive(Deserialize)]
    struct Nodes {
        nodes: Vec<Child>,
    }
    let read: Read = match run(
        &state,
        &staff,
        "query($c: ID!) { class(id: $c) { id name gradeLabel code signInLocked children(first: 50) { nodes { \
           id pseudonym age ageBand needsGuardianConsent guardianConsent { givenOn } } } } }",
        json!({ "c": class }),
    )
    .await
    {
        Ok(read) => read,
        Err(refusal) => return layout::refused(&staff, &refusal),
    };
    let c = &read.class.class;
    let children = &read.class.children.nodes;
    let today = crate::clock::local_date(state.app.clock.now()).to_string();
    let path =
        |child: &str, step: &str| format!("/console/classes/{}/children/{child}/{step}", c.id);
    let body = html! {
        (layout::notice(&notice))
        p { "班级码 " code { (c.code) } " · " (children.len()) " 个孩子"
            @if c.sign_in_locked { " · " span.overdue { "登录已锁定：PIN 输错太多次，重置任一孩子的 PIN 即可解锁。" } } }
        div.decisions {
            form method="post" action={ "/console/classes/" (c.id) "/cards.pdf" } data-confirm="打印新卡片会给每个孩子换新的 PIN，旧卡片作废。确定吗？" {
                (csrf(&staff)) button.secondary type="submit" { "打印全班登录卡片（PDF）" }
            }
            a.button.secondary href={ "/console/review" } { "去审核建议" }
        }
        @if children.is_empty() {
            p.empty { "班里还没有孩子。用下面的名单文件一次加入全班。" }
        } @else {
            table.rows {
                thead { tr { th { "昵称" } th { "年龄" } th { "监护人同意" } th { "操作" } } }
                tbody {
                    @for child in children {
                        tr {
                            td { (child.pseudonym) }
                            td { @if let Some(age) = child.age { (age) " 岁" } " " span.hint { (words::band(child.age_band.as_deref().unwrap_or_default())) } }
                            td {
                                @if let Some(consent) = &child.guardian_consent {
                                    "已同意（" (consent.given_on) "）"
                                    form method="post" action=(path(&child.id, "withdraw-consent")) data-confirm="撤回后孩子就不能提交建议，已公开的建议会撤下。确定吗？" {
                                        (csrf(&staff)) button.secondary type="submit" { "监护人撤回同意" } }
                                } @else if child.needs_guardian_consent {
                                    span.soon { "还没有，孩子暂时不能提交" }
                                    form method="post" action=(path(&child.id, "consent")) {
                                        (csrf(&staff))
                                        label.inline { "关系" select name="relation" {
                                            option value="MOTHER" { "母亲" } option value="FATHER" { "父亲" }
                                            option value="GRANDPARENT" { "祖辈" } option value="GUARDIAN" { "监护人" } option value="OTHER" { "其他" } } }
                                        label.inline { "方式" select name="method" {
                                            option value="WRITTEN" { "书面" } option value="IN_PERSON" { "当面" } option value="ELECTRONIC" { "电子" } } }
                                        label.inline { "日期" input type="date" name="givenOn" value=(today); }
                                        button type="submit" { "记录同意" }
                                    }
                                } @else { "14 岁以上不需要" }
                            }
                            td {
                                a.button.secondary href=(path(&child.id, "idea")) { "替孩子填写建议" }
                                form method="post" action=(path(&child.id, "reset-pin")) {
                                    (csrf(&staff)) button.secondary type="submit" { "重置 PIN" } }
                                form method="post" action=(path(&child.id, "left")) data-confirm="孩子离开后就不能再登录了。确定吗？" {
                                    (csrf(&staff)) button.secondary type="submit" { "已离开本班" } }
                            }
                        }
                    }
                }
            }
        }
        form.card method="post" action={ "/console/classes/" (c.id) "/enrol" } enctype="multipart/form-data" {
            (csrf(&staff))
            h2 { "用名单文件加入孩子" }
            p.hint { "CSV 或 Excel（.xlsx），第一行写列名：昵称、出生年份、出生月份。只写昵称，不要写真实姓名。有一行不对就一个也不加入，并告诉你是哪一行。" }
            label for="file" { "名单文件" }
            input #file type="file" name="file" accept=".csv,.xlsx" required;
            p { button type="submit" { "加入" } }
        }
    };
    layout::page(&staff, &format!("{}{}", c.grade_label, c.name), body)
}

#[derive(Deserialize)]
struct Enrolled {
    child: Named,
    pin: String,
}

#[derive(Deserialize)]
struct Named {
    pseudonym: String,
}

fn pins_page(staff: &Staff, class: &str, title: &str, enrolled: &[Enrolled]) -> Response {
    layout::page(
        staff,
        title,
        html! {
            p.done { "请现在记下或打印这些 PIN：离开这一页后就看不到了（以后可以重置）。" }
            table.rows {
                thead { tr { th { "昵称" } th { "PIN" } } }
                tbody { @for e in enrolled { tr { td { (e.child.pseudonym) } td { code { (e.pin) } } } } }
            }
            p { a href={ "/console/classes/" (class) } { "回到班级" } }
        },
    )
}

pub async fn enrol(
    State(state): State<ConsoleState>,
    Path(class): Path<String>,
    PostedFile { staff, name, bytes }: PostedFile,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Read {
        import_roster: Vec<Enrolled>,
    }
    let format = if name.to_ascii_lowercase().ends_with(".xlsx") {
        "XLSX"
    } else {
        "CSV"
    };
    let ran: Result<Read, Refusal> = run(
        &state,
        &staff,
        "mutation($c: ID!, $f: String!, $t: RosterFormat!) { importRoster(classId: $c, contentBase64: $f, format: $t) { pin child { pseudonym } } }",
        json!({ "c": class, "f": base64::engine::general_purpose::STANDARD.encode(&bytes), "t": format }),
    )
    .await;
    match ran {
        Ok(read) => pins_page(&staff, &class, "孩子们已加入", &read.import_roster),
        Err(refusal) if refusal.is("VALIDATION") || refusal.is("BAD_REQUEST") => {
            let mut response = layout::page(
                &staff,
                "名单里有几处要改",
                html! {
                    p.form-error role="alert" { "一个孩子也没有加入。改好下面这些行后再上传一次：" }
                    ul { @for (field, message) in &refusal.fields { li { (message) " " span.hint { "（" (field) "）" } } } }
                    @if refusal.fields.is_empty() { p { (refusal.message) } }
                    p { a href={ "/console/classes/" (class) } { "回到班级" } }
                },
            );
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(refusal) => layout::refused(&staff, &refusal),
    }
}

pub async fn cards(
    State(state): State<ConsoleState>,
    Path(class): Path<String>,
    posted: Posted,
) -> Response {
    match crate::http::cards::cards(&state.app, &posted.staff.actor, &class).await {
        Ok(cards) => crate::http::cards::pdf_response(cards).into_response(),
        Err(error) => layout::refused(
            &posted.staff,
            &Refusal {
                code: error.code().as_str().into(),
                message: error.public_message(),
                ..Refusal::default()
            },
        ),
    }
}

pub async fn child_step(
    State(state): State<ConsoleState>,
    Path((class, child, step)): Path<(String, String, String)>,
    Posted { staff, fields }: Posted,
) -> Response {
    let back = format!("/console/classes/{class}");
    let (mutation, variables, done): (&str, Value, &str) = match step.as_str() {
        "consent" => (
            "mutation($c: ID!, $i: GuardianConsentInput!) { recordGuardianConsent(childId: $c, input: $i) { id } }",
            json!({ "c": child, "i": { "relation": fields.get("relation").unwrap_or_default(),
                "method": fields.get("method").unwrap_or_default(), "givenOn": fields.get("givenOn").unwrap_or_default() } }),
            "已记录监护人同意，孩子现在可以提交建议了。",
        ),
        "withdraw-consent" => (
            "mutation($c: ID!) { withdrawGuardianConsent(childId: $c) { id } }",
            json!({ "c": child }),
            "已撤回监护人同意。",
        ),
        "left" => (
            "mutation($c: ID!) { markChildLeft(childId: $c) }",
            json!({ "c": child }),
            "已标记为离开本班。",
        ),
        "reset-pin" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Read {
                reset_pin: Enrolled,
            }
            return match run::<Read>(
                &state,
                &staff,
                "mutation($c: ID!) { resetPin(childId: $c) { pin child { pseudonym } } }",
                json!({ "c": child }),
            )
            .await
            {
                Ok(read) => pins_page(
                    &staff,
                    &class,
                    "新的 PIN",
                    std::slice::from_ref(&read.reset_pin),
                ),
                Err(refusal) if refusal.is("VALIDATION") => layout::refused_on(&back, &refusal),
                Err(refusal) => layout::refused(&staff, &refusal),
            };
        }
        _ => {
            return layout::refused(&staff, &Refusal::not_found());
        }
    };
    layout::act_then_return(&state, &staff, mutation, variables, &back, done).await
}
