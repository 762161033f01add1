//! Roster import from CSV (UTF-8 and GBK) and XLSX, through GraphQL and the command line; a file
//! with a bad row is refused whole, naming the row.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::world::World;
use crate::helpers::{Backend, TestApp};

both_databases!(
    a_forty_row_csv_enrols_forty_children,
    a_forty_row_xlsx_enrols_forty_children_dates_and_all,
    a_gbk_csv_from_excel_is_read,
    a_file_with_a_bad_row_is_refused_whole_naming_the_row,
);

const IMPORT: &str = "mutation($c: ID!, $f: RosterFormat!, $b: String!) { importRoster(classId: $c, format: $f, contentBase64: $b) { pin child { pseudonym birthYear birthMonth } } }";

fn forty_rows_csv() -> String {
    let mut csv = String::from("昵称,出生年份,出生月份\n");
    for n in 1..=40 {
        csv.push_str(&format!("同学{n},2019,{}\n", 1 + n % 12));
    }
    csv
}

async fn import(
    app: &TestApp,
    token: &str,
    class: &str,
    format: &str,
    bytes: &[u8],
) -> crate::helpers::Answer {
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    app.graphql_as(
        Some(token),
        IMPORT,
        json!({ "c": class, "f": format, "b": content }),
    )
    .await
}

fn enrolled(answer: &crate::helpers::Answer) -> Vec<Value> {
    answer.ok()["importRoster"].as_array().unwrap().clone()
}

async fn a_forty_row_csv_enrols_forty_children(app: TestApp) {
    let world = World::build(&app).await;
    let csv = format!("\u{feff}{}", forty_rows_csv());
    let answer = import(
        &app,
        &world.teacher_b.token,
        &world.class_b.id,
        "CSV",
        csv.as_bytes(),
    )
    .await;
    let children = enrolled(&answer);
    assert_eq!(children.len(), 40);
    assert_eq!(
        children[0]["child"],
        json!({ "pseudonym": "同学1", "birthYear": 2019, "birthMonth": 2 })
    );
    let pin = children[39]["pin"].as_str().unwrap();
    assert!(app.sign_in_child(&world.class_b.code, pin).await.body["errors"].is_null());
}

async fn a_forty_row_xlsx_enrols_forty_children_dates_and_all(app: TestApp) {
    let world = World::build(&app).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write(0, 0, "昵称").unwrap();
    sheet.write(0, 1, "出生年月").unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
    for n in 1..=40u32 {
        sheet.write(n, 0, format!("学生{n}")).unwrap();
        if n % 2 == 0 {
            let date =
                rust_xlsxwriter::ExcelDateTime::from_ymd(2018, (n % 12 + 1) as u8, 1).unwrap();
            sheet.write_with_format(n, 1, &date, &date_format).unwrap();
        } else {
            sheet
                .write(n, 1, format!("2018年{}月", n % 12 + 1))
                .unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let answer = import(
        &app,
        &world.teacher_a.token,
        &world.class_a.id,
        "XLSX",
        &bytes,
    )
    .await;
    let children = enrolled(&answer);
    assert_eq!(children.len(), 40);
    assert_eq!(
        children[1]["child"],
        json!({ "pseudonym": "学生2", "birthYear": 2018, "birthMonth": 3 }),
        "a date cell"
    );
    assert_eq!(
        children[2]["child"],
        json!({ "pseudonym": "学生3", "birthYear": 2018, "birthMonth": 4 }),
        "text"
    );
}

async fn a_gbk_csv_from_excel_is_read(app: TestApp) {
    let world = World::build(&app).await;
    let (gbk, _, _) = encoding_rs::GBK.encode("昵称,出生年月\r\n佳佳,2016-05\r\n");
    let answer = import(&app, &world.teacher_b.token, &world.class_b.id, "CSV", &gbk).await;
    assert_eq!(enrolled(&answer)[0]["child"]["pseudonym"], "佳佳");
}

async fn a_file_with_a_bad_row_is_refused_whole_naming_the_row(app: TestApp) {
    let world = World::build(&app).await;
    let mut csv = forty_rows_csv();
    csv = csv.replace("同学4,", "13912345678,");
    let answer = import(
        &app,
        &world.teacher_b.token,
        &world.class_b.id,
        "CSV",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(answer.error_code(), Some("VALIDATION"), "{}", answer.body);
    assert_eq!(
        answer.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["rows", "5", "pseudonym"]),
        "row 5 of the sheet"
    );
    let listing = app
        .graphql_as(
            Some(&world.teacher_b.token),
            "query($c: ID!) { class(id: $c) { children(first: 50) { nodes { id } } } }",
            json!({ "c": world.class_b.id }),
        )
        .await;
    assert_eq!(
        listing.ok()["class"]["children"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing half-imported"
    );

    let not_a_workbook = import(
        &app,
        &world.teacher_b.token,
        &world.class_b.id,
        "XLSX",
        b"PK\x03\x04 not really",
    )
    .await;
    assert_eq!(
        not_a_workbook.error_code(),
        Some("VALIDATION"),
        "{}",
        not_a_workbook.body
    );
    assert_eq!(
        not_a_workbook.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["file"])
    );
    let garbage = import(
        &app,
        &world.teacher_b.token,
        &world.class_b.id,
        "CSV",
        &[0xff, 0xfe, 0x00, 0x81],
    )
    .await;
    assert_eq!(
        garbage.body["errors"][0]["extensions"]["fields"][0]["code"], "HEADER",
        "{}",
        garbage.body
    );
}

#[tokio::test]
async fn the_roster_import_command_enrols_a_class_and_prints_the_pins() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let world = World::build(&app).await;
    let file = app.data_dir().join("roster.csv");
    std::fs::write(&file, forty_rows_csv()).unwrap();
    let output = run_import(&app, &file, &world.class_a.id);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pins: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(_, pin)| pin)
        .collect();
    assert_eq!(pins.len(), 40, "{stdout}");
    assert!(
        app.sign_in_child(&world.class_a.code, pins[17]).await.body["errors"].is_null(),
        "a printed PIN works"
    );

    std::fs::write(&file, "昵称,出生年月\n好孩子,2017-02\n坏行,明年\n").unwrap();
    let refused = run_import(&app, &file, &world.class_a.id);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("rows 3 birthMonth"));
}

/// Runs `tongsheng roster import` against the app's SQLite database.
fn run_import(app: &TestApp, file: &std::path::Path, class: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tongsheng"))
        .args(["roster", "import", file.to_str().unwrap(), "--class", class])
        .env("DATA_DIR", app.data_dir())
        .env("SECRET_KEY", app.secret())
        .env("DEMO", "false")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}
