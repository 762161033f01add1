//! A teacher's tools: enrolling a class (PINs shown once), all-or-none with every bad row named,
//! guardian consent, and the access log that every read of a child's data writes.

use sea_orm::ConnectionTrait;
use serde_json::json;
use std::collections::HashSet;

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, create_class, enrol};

both_databases!(
    a_teacher_enrols_forty_six_year_olds_and_gets_forty_distinct_pins,
    an_enrolment_with_bad_rows_is_refused_whole_naming_each_row,
    guardian_consent_is_recorded_and_withdrawn_and_shows_who_still_needs_it,
    every_staff_read_of_a_child_is_in_the_access_log_which_cannot_be_changed,
);

async fn a_teacher_enrols_forty_six_year_olds_and_gets_forty_distinct_pins(app: TestApp) {
    let world = World::build(&app).await;
    let (class, code) = create_class(&app, &world.teacher_a, 1, "一(3)班").await;
    let children: Vec<_> = (1..=40)
        .map(|n| json!({ "pseudonym": format!("小朋友{n}"), "birthYear": 2020, "birthMonth": 3 }))
        .collect();
    let answer = enrol(&app, &world.teacher_a, &class, json!(children)).await;
    let enrolled = answer.ok()["enrolChildren"].as_array().unwrap();
    assert_eq!(enrolled.len(), 40);
    let pins: HashSet<_> = enrolled
        .iter()
        .map(|e| e["pin"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pins.len(), 40, "no two children of a class share a PIN");
    assert!(
        pins.iter()
            .all(|pin| pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()))
    );
    for child in enrolled {
        assert_eq!(child["child"]["ageBand"], "A");
        assert_eq!(child["child"]["needsGuardianConsent"], true);
    }
    let last = &enrolled[39];
    let signed_in = app
        .sign_in_child(&code, last["pin"].as_str().unwrap())
        .await;
    assert_eq!(
        signed_in.ok()["signInChild"]["viewer"]["childId"],
        last["child"]["id"]
    );

    let listing = app
        .graphql_as(Some(&world.teacher_a.token), "query($c: ID!) { class(id: $c) { gradeLabel children(first: 50) { nodes { pseudonym } } } }", json!({ "c": class }))
        .await;
    assert_eq!(listing.ok()["class"]["gradeLabel"], "一年级");
    assert_eq!(
        listing.data()["class"]["children"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
    let pins_in_listing = listing.body.to_string();
    assert!(
        !pins
            .iter()
            .any(|pin| pins_in_listing.contains(&format!("\"{pin}\""))),
        "PINs are shown once only"
    );
}

async fn an_enrolment_with_bad_rows_is_refused_whole_naming_each_row(app: TestApp) {
    let world = World::build(&app).await;
    let children = json!([
        { "pseudonym": "乐乐", "birthYear": 2018, "birthMonth": 4 },
        { "pseudonym": "13812345678", "birthYear": 2018, "birthMonth": 4 },
        { "pseudonym": "豆豆", "birthYear": 2023, "birthMonth": 1 },
        { "pseudonym": "乐乐", "birthYear": 2018, "birthMonth": 13 },
        { "pseudonym": "小星星", "birthYear": 2018, "birthMonth": 4 },
    ]);
    let answer = enrol(&app, &world.teacher_a, &world.class_a.id, children).await;
    assert_eq!(answer.error_code(), Some("VALIDATION"), "{}", answer.body);
    let fields: Vec<_> = answer.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| {
            (
                field["path"].clone(),
                field["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                json!(["children", "1", "pseudonym"]),
                "LOOKS_PERSONAL".to_owned()
            ),
            (json!(["children", "2", "birthMonth"]), "AGE".to_owned()),
            (
                json!(["children", "3", "birthMonth"]),
                "OUT_OF_RANGE".to_owned()
            ),
            (
                json!(["children", "4", "pseudonym"]),
                "DUPLICATE".to_owned()
            ),
        ]
    );
    let listing = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { class(id: $c) { children { nodes { pseudonym } } } }",
            json!({ "c": world.class_a.id }),
        )
        .await;
    assert_eq!(
        listing.ok()["class"]["children"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "nothing was half-enrolled"
    );
}

async fn guardian_consent_is_recorded_and_withdrawn_and_shows_who_still_needs_it(app: TestApp) {
    let world = World::build(&app).await;
    let teacher = Some(world.teacher_a.token.as_str());
    let child = &world.class_a.children[0].id;
    let record = "mutation($k: ID!, $d: NaiveDate!) { recordGuardianConsent(childId: $k, input: { method: WRITTEN, givenOn: $d, relation: GRANDPARENT }) { needsGuardianConsent guardianConsent { method givenOn relation } } }";
    let answer = app
        .graphql_as(teacher, record, json!({ "k": child, "d": "2026-11-20" }))
        .await;
    let recorded = &answer.ok()["recordGuardianConsent"];
    assert_eq!(recorded["needsGuardianConsent"], false);
    assert_eq!(
        recorded["guardianConsent"],
        json!({ "method": "WRITTEN", "givenOn": "2026-11-20", "relation": "GRANDPARENT" })
    );

    let future = app
        .graphql_as(teacher, record, json!({ "k": child, "d": "2026-12-25" }))
        .await;
    assert_eq!(future.error_code(), Some("VALIDATION"));
    assert_eq!(
        future.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["input", "givenOn"])
    );

    let withdraw = "mutation($k: ID!) { withdrawGuardianConsent(childId: $k) { needsGuardianConsent guardianConsent { method } } }";
    let answer = app
        .graphql_as(teacher, withdraw, json!({ "k": child }))
        .await;
    assert_eq!(
        answer.ok()["withdrawGuardianConsent"]["needsGuardianConsent"],
        true
    );
    assert!(answer.data()["withdrawGuardianConsent"]["guardianConsent"].is_null());

    let older = &world.class_b.children[0].id;
    let read = app
        .graphql_as(
            Some(&world.teacher_b.token),
            "query($k: ID!) { child(id: $k) { age ageBand needsGuardianConsent } }",
            json!({ "k": older }),
        )
        .await;
    assert_eq!(
        read.ok()["child"],
        json!({ "age": 13, "ageBand": "C", "needsGuardianConsent": true })
    );
}

async fn every_staff_read_of_a_child_is_in_the_access_log_which_cannot_be_changed(app: TestApp) {
    let world = World::build(&app).await;
    let child = &world.class_a.children[1].id;
    app.graphql_as(
        Some(&world.lead_a.token),
        "query($k: ID!) { child(id: $k) { pseudonym } }",
        json!({ "k": child }),
    )
    .await
    .ok();
    app.graphql_as(
        Some(&world.teacher_a.token),
        "query($c: ID!) { class(id: $c) { children { nodes { id } } } }",
        json!({ "c": world.class_a.id }),
    )
    .await
    .ok();
    let denied = app
        .graphql_as(
            Some(&world.teacher_b.token),
            "query($k: ID!) { child(id: $k) { pseudonym } }",
            json!({ "k": child }),
        )
        .await;
    assert_eq!(denied.error_code(), Some("NOT_FOUND"));

    let log = app
        .graphql_as(
            Some(&world.coordinator.token),
            "query($k: ID) { accessLog(childId: $k, first: 10) { nodes { staffId childId operation requestId } } }",
            json!({ "k": child }),
        )
        .await;
    let entries = log.ok()["accessLog"]["nodes"].as_array().unwrap().clone();
    let reads: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["staffId"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reads,
        vec![
            (world.teacher_a.id.as_str(), "class.children"),
            (world.lead_a.id.as_str(), "child")
        ],
        "newest first; the refused read is not a read"
    );
    assert!(
        entries
            .iter()
            .all(|e| e["childId"] == child.as_str() && e["requestId"].as_str().unwrap().len() >= 8)
    );

    for statement in [
        "UPDATE access_log SET operation = 'nothing'",
        "DELETE FROM access_log",
    ] {
        let refused = app.db.execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    let again = app
        .graphql_as(
            Some(&world.coordinator.token),
            "query($k: ID) { accessLog(childId: $k) { nodes { operation } } }",
            json!({ "k": child }),
        )
        .await;
    assert_eq!(
        again.ok()["accessLog"]["nodes"].as_array().unwrap().len(),
        2
    );
}
