//! Townships and subdistricts: entered by coordinators, read by anyone.

use serde_json::json;

use crate::both_databases;
use crate::helpers::TestApp;

both_databases!(coordinators_enter_areas_and_anyone_reads_them);

async fn coordinators_enter_areas_and_anyone_reads_them(app: TestApp) {
    let coordinator = app.first_coordinator("coordinator").await;
    let create = "mutation($i: CreateAreaInput!) { createArea(input: $i) { code nameZh kind } }";
    for (code, name, kind) in [
        ("caoe", "曹娥街道", "SUBDISTRICT"),
        ("baiguan", "百官街道", "SUBDISTRICT"),
        ("xiaguan", "下管镇", "TOWN"),
    ] {
        let input = json!({ "i": { "code": code, "nameZh": name, "kind": kind } });
        app.graphql_as(Some(&coordinator.token), create, input)
            .await
            .ok();
    }
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
    let listed = app
        .graphql("{ areas { code nameZh kind } }", json!({}))
        .await;
    assert_eq!(
        listed.ok()["areas"],
        json!([
            { "code": "baiguan", "nameZh": "百官街道", "kind": "SUBDISTRICT" },
            { "code": "caoe", "nameZh": "曹娥街道", "kind": "SUBDISTRICT" },
            { "code": "xiaguan", "nameZh": "下管镇", "kind": "TOWN" },
        ])
    );
}
