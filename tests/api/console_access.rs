//! Who may open each console page: the session cookie is the API's session record, so the same
//! people as in the API's permission matrix. Anyone else is sent to sign in (a child's or a
//! department key's token in the cookie counts as no session); another role's page is 403; another
//! class's page is 404, and neither shows anything of what it guards.

use serde_json::json;

use crate::helpers::world::{World, child_token};
use crate::helpers::{Backend, TestApp};

const SIGN_IN: u16 = 303;

/// The pages, and the status each of anonymous, child, teacher A, teacher A2 (another class),
/// lead A, clerk, coordinator and a department's key gets.
const PAGES: &[(&str, [u16; 8])] = &[
    // `myClasses` is empty for anyone who teaches no class: the page says so.
    (
        "/console/review",
        [SIGN_IN, SIGN_IN, 200, 200, 200, 200, 200, SIGN_IN],
    ),
    (
        "/console/classes",
        [SIGN_IN, SIGN_IN, 200, 200, 200, 200, 200, SIGN_IN],
    ),
    (
        "/console/classes/$class",
        [SIGN_IN, SIGN_IN, 200, 404, 404, 404, 404, SIGN_IN],
    ),
    (
        "/console/classes/$class/review",
        [SIGN_IN, SIGN_IN, 200, 404, 404, 404, 404, SIGN_IN],
    ),
    (
        "/console/classes/$class/children/$child/idea",
        [SIGN_IN, SIGN_IN, 200, 404, 404, 404, 404, SIGN_IN],
    ),
    (
        "/console/cases",
        [SIGN_IN, SIGN_IN, 403, 403, 200, 403, 403, SIGN_IN],
    ),
    (
        "/console/tasks",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 200, 403, SIGN_IN],
    ),
    (
        "/console/district",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/campaigns",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/routing",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/keys",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/data-requests",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/access-log",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/reports",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
    (
        "/console/reports/evaluation/2026.csv",
        [SIGN_IN, SIGN_IN, 403, 403, 403, 403, 200, SIGN_IN],
    ),
];

#[tokio::test]
async fn each_console_page_opens_for_exactly_its_roles() {
    let app = TestApp::builder(Backend::Sqlite).spawn().await;
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[0];
    let child = child_token(&app, &world.class_a.code, &pupil.pin).await;
    let department = crate::helpers::world::department_id(&app, "transport").await;
    let issued = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($d: ID!) { issueApiKey(departmentId: $d, name: \"系统\") { secret } }",
            json!({ "d": department }),
        )
        .await;
    let key = issued.ok()["issueApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens: [Option<&str>; 8] = [
        None,
        Some(&child),
        Some(&world.teacher_a.token),
        Some(&world.teacher_a2.token),
        Some(&world.lead_a.token),
        Some(&world.clerk.token),
        Some(&world.coordinator.token),
        Some(&key),
    ];
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for (template, expected) in PAGES {
        let path = template
            .replace("$class", &world.class_a.id)
            .replace("$child", &pupil.id);
        for (index, token) in tokens.iter().enumerate() {
            let mut request = client.get(app.url(&path));
            if let Some(token) = token {
                request = request.header("cookie", format!("tongsheng_console={token}"));
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            if status != expected[index] {
                wrong.push(format!(
                    "{path} as #{index}: {status}, expected {}",
                    expected[index]
                ));
            }
            // Only class A's teacher ever sees its code (and with it, its children).
            if index != 2 {
                assert!(
                    !body.contains(&world.class_a.code),
                    "{path} as #{index} shows the class"
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
