//! Townships and subdistricts: Shangyu's twenty come with the schema (each also a responsible
//! unit with a queue of its own); coordinators add or correct them; anyone reads them.

use serde_json::json;

use crate::both_databases;
use crate::helpers::TestApp;

both_databases!(the_district_s_townships_are_there_and_coordinators_add_more);

async fn the_district_s_townships_are_there_and_coordinators_add_more(app: TestApp) {
    let listed = app
        .graphql("{ areas { code nameZh kind } }", json!({}))
        .await;
    let areas = listed.ok()["areas"].as_array().unwrap().clone();
    assert_eq!(areas.len(), 20, "7 subdistricts, 10 towns, 3 townships");
    for (code, name, kind) in [
        ("caoe", "曹娥街道", "SUBDISTRICT"),
        ("zhangzhen", "章镇镇", "TOWN"),
        ("lingnan", "岭南乡", "TOWNSHIP"),
    ] {
        assert!(
            areas.contains(&json!({ "code": code, "nameZh": name, "kind": kind })),
            "{code}"
        );
    }
    // Each is also a unit with a queue.
    let unit = app
        .graphql("{ department(code: \"caoe\") { nameZh } }", json!({}))
        .await;
    assert_eq!(unit.ok()["department"]["nameZh"], "曹娥街道");

    let coordinator = app.first_coordinator("coordinator").await;
    let create = "mutation($i: CreateAreaInput!) { createArea(input: $i) { code nameZh kind } }";
    let added = app
        .graphql_as(
            Some(&coordinator.token),
            create,
            json!({ "i": { "code": "new_town", "nameZh": "新设镇", "kind": "TOWN" } }),
        )
        .await;
    assert_eq!(added.ok()["createArea"]["code"], "new_town");
    let again = app
        .graphql_as(
            Some(&coordinator.token),
            create,
            json!({ "i": { "code": "CAOE", "nameZh": "曹娥", "kind": "SUBDISTRICT" } }),
        )
        .await;
    assert_eq!(again.error_code(), Some("VALIDATION"));
    assert_eq!(
        again.body["errors"][0]["extensions"]["fields"][0]["code"],
        "TAKEN"
    );
    let listed = app.graphql("{ areas { code } }", json!({})).await;
    assert_eq!(listed.ok()["areas"].as_array().unwrap().len(), 21);
}
