//! Printable sign-in cards: a PDF that opens, one card per child, with PINs and badges that are
//! new (and the old ones stop working); for the class's teacher only.

use serde_json::json;

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, create_class, enrol};

both_databases!(
    a_teacher_prints_cards_with_new_pins_one_card_per_child,
    only_the_class_teacher_may_print_its_cards
);

async fn print(app: &TestApp, token: Option<&str>, class: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/classes/{class}/cards.pdf")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn a_teacher_prints_cards_with_new_pins_one_card_per_child(app: TestApp) {
    let world = World::build(&app).await;
    let (class, code) = create_class(&app, &world.teacher_a, 1, "5班").await;
    let children: Vec<_> = (1..=40)
        .map(|n| json!({ "pseudonym": format!("星{n}"), "birthYear": 2020, "birthMonth": 2 }))
        .collect();
    let enrolled = enrol(&app, &world.teacher_a, &class, json!(children)).await;
    let old_pin = enrolled.ok()["enrolChildren"][0]["pin"]
        .as_str()
        .unwrap()
        .to_owned();

    let response = print(&app, Some(&world.teacher_a.token), &class).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    let document = lopdf::Document::load_mem(&bytes).expect("the PDF opens");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 5, "eight cards a page");
    let text = document.extract_text(&pages).unwrap();
    assert_eq!(
        text.matches(code.as_str()).count(),
        40,
        "one card per child, each with the class code"
    );
    assert_eq!(
        text.matches('星').count(),
        40,
        "pseudonyms are on the cards: {text}"
    );

    let new_pins: Vec<&str> = text
        .split_whitespace()
        .filter(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(new_pins.len(), 40, "{text}");
    let signed_in = app.sign_in_child(&code, new_pins[0]).await;
    assert!(
        signed_in.body["errors"].is_null(),
        "a printed PIN works: {}",
        signed_in.body
    );
    if !new_pins.contains(&old_pin.as_str()) {
        assert_eq!(
            app.sign_in_child(&code, &old_pin).await.error_code(),
            Some("UNAUTHENTICATED"),
            "the old PIN stops"
        );
    }
}

async fn only_the_class_teacher_may_print_its_cards(app: TestApp) {
    let world = World::build(&app).await;
    assert_eq!(print(&app, None, &world.class_a.id).await.status(), 401);
    for other in [
        &world.teacher_b,
        &world.teacher_a2,
        &world.lead_a,
        &world.coordinator,
    ] {
        assert_eq!(
            print(&app, Some(&other.token), &world.class_a.id)
                .await
                .status(),
            404
        );
    }
    assert_eq!(
        print(&app, Some(&world.teacher_a.token), "not-a-class")
            .await
            .status(),
        404
    );
    let pin = &world.class_a.children[0].pin;
    assert!(
        app.sign_in_child(&world.class_a.code, pin).await.body["errors"].is_null(),
        "refusals change nothing"
    );
}
