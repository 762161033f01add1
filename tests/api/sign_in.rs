//! Signing in: children with class code and PIN or a QR badge, staff with a password; the same
//! answer for every wrong credential; brute-force limits; session expiry; signing out.

use serde_json::json;

use crate::both_databases;
use crate::helpers::world::{PASSWORD, World};
use crate::helpers::{Backend, TestApp};

both_databases!(
    a_child_signs_in_with_class_code_and_pin_and_is_seen_as_a_child,
    an_unknown_class_and_a_wrong_pin_get_the_same_answer,
    staff_sign_in_with_a_password_and_a_wrong_one_is_refused,
    a_child_session_ends_after_eight_hours,
    a_staff_session_ends_after_thirty_idle_minutes,
    signing_out_ends_the_session,
    a_badge_signs_a_child_in_until_the_teacher_voids_it,
    rotating_the_secret_key_locks_no_child_out,
);

/// A district rotates `SECRET_KEY` (the old one as `SECRET_KEY_PREVIOUS`): every child still
/// signs in with the PIN on their card, and signing in stores the PIN under the new key.
async fn rotating_the_secret_key_locks_no_child_out(app: TestApp) {
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[0];
    let old = app.secret().to_owned();
    let new = format!("the new key of {} after rotation", uuid::Uuid::new_v4());
    let digest = "SELECT COUNT(*) AS n FROM children WHERE pin_digest IS NOT NULL";
    let before = app.count(digest).await;

    let without_the_old_key = app.another_instance().secrets(&new, None).spawn().await;
    without_the_old_key
        .sign_in_child(&world.class_a.code, &pupil.pin)
        .await
        .assert_refused("UNAUTHENTICATED", "");
    let rotated = app
        .another_instance()
        .secrets(&new, Some(&old))
        .spawn()
        .await;
    let answer = rotated.sign_in_child(&world.class_a.code, &pupil.pin).await;
    assert_eq!(answer.ok()["signInChild"]["viewer"]["kind"], "CHILD");
    // Stored again under the new key: now it signs in without the old one, and not with it.
    let answer = without_the_old_key
        .sign_in_child(&world.class_a.code, &pupil.pin)
        .await;
    assert_eq!(answer.ok()["signInChild"]["viewer"]["kind"], "CHILD");
    app.sign_in_child(&world.class_a.code, &pupil.pin)
        .await
        .assert_refused("UNAUTHENTICATED", "");
    assert_eq!(app.count(digest).await, before, "no child lost their PIN");
}

async fn a_child_signs_in_with_class_code_and_pin_and_is_seen_as_a_child(app: TestApp) {
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[0];
    let typed_code = format!(" {} ", world.class_a.code.to_lowercase());
    let answer = app.sign_in_child(&typed_code, &pupil.pin).await;
    let payload = &answer.ok()["signInChild"];
    assert_eq!(payload["viewer"]["kind"], "CHILD");
    assert_eq!(payload["viewer"]["childId"], pupil.id.as_str());
    assert_eq!(
        payload["expiresAt"], "2026-11-30T10:00:00+00:00",
        "eight hours after sign-in"
    );
    let token = payload["token"].as_str().unwrap();
    assert_eq!(app.viewer_kind(token).await, "CHILD");
    let me = app
        .graphql_as(
            Some(token),
            "{ viewer { child { pseudonym ageBand classLabel schoolName needsGuardianConsent } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        me.ok()["viewer"]["child"],
        json!({ "pseudonym": "小星星", "ageBand": "B", "classLabel": "四年级1班", "schoolName": "百官小学", "needsGuardianConsent": true })
    );
    let staff = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "{ viewer { child { pseudonym } } }",
            json!({}),
        )
        .await;
    assert!(staff.ok()["viewer"]["child"].is_null());
}

async fn an_unknown_class_and_a_wrong_pin_get_the_same_answer(app: TestApp) {
    let world = World::build(&app).await;
    let right_pin = &world.class_a.children[0].pin;
    let wrong_pin = if right_pin == "000000" {
        "000001"
    } else {
        "000000"
    };
    let answers = [
        app.sign_in_child(&world.class_a.code, wrong_pin).await,
        app.sign_in_child("ZZZZZZ", right_pin).await,
        app.sign_in_child("not a code", right_pin).await,
        app.sign_in_child(&world.class_a.code, "12ab").await,
        app.sign_in_child(&world.class_b.code, right_pin).await,
    ];
    let first = &answers[0];
    assert_eq!(
        first.error_code(),
        Some("UNAUTHENTICATED"),
        "{}",
        first.body
    );
    for answer in &answers[1..] {
        assert_eq!(
            answer.body["errors"][0]["message"],
            first.body["errors"][0]["message"]
        );
        assert_eq!(
            answer.body["errors"][0]["extensions"],
            first.body["errors"][0]["extensions"]
        );
        assert!(answer.data().is_null());
    }
}

async fn staff_sign_in_with_a_password_and_a_wrong_one_is_refused(app: TestApp) {
    let world = World::build(&app).await;
    assert_eq!(app.viewer_kind(&world.teacher_a.token).await, "STAFF");
    let query =
        "mutation($u: String!, $p: String!) { signInStaff(username: $u, password: $p) { token } }";
    let wrong = app
        .graphql(query, json!({ "u": "teacher.a", "p": "not the password" }))
        .await;
    let unknown = app
        .graphql(query, json!({ "u": "nobody.here", "p": PASSWORD }))
        .await;
    assert_eq!(wrong.error_code(), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong.body["errors"][0]["message"],
        unknown.body["errors"][0]["message"]
    );
    let upper = app
        .graphql(query, json!({ "u": "TEACHER.A", "p": PASSWORD }))
        .await;
    assert!(
        upper.ok()["signInStaff"]["token"].is_string(),
        "usernames are not case-sensitive"
    );
}

async fn a_child_session_ends_after_eight_hours(app: TestApp) {
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[1];
    let answer = app.sign_in_child(&world.class_a.code, &pupil.pin).await;
    let token = answer.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock
        .advance(chrono::Duration::hours(7) + chrono::Duration::minutes(59));
    assert_eq!(
        app.viewer_kind(&token).await,
        "CHILD",
        "idle children stay signed in for the school day"
    );
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(app.viewer_kind(&token).await, "ANONYMOUS");
}

async fn a_staff_session_ends_after_thirty_idle_minutes(app: TestApp) {
    let world = World::build(&app).await;
    let token = &world.teacher_a.token;
    for _ in 0..3 {
        app.clock.advance(chrono::Duration::minutes(25));
        assert_eq!(
            app.viewer_kind(token).await,
            "STAFF",
            "use keeps the session alive"
        );
    }
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(app.viewer_kind(token).await, "ANONYMOUS");
    let busy = app.sign_in_staff("teacher.b", PASSWORD).await;
    for _ in 0..20 {
        app.clock.advance(chrono::Duration::minutes(25));
        app.viewer_kind(&busy).await;
    }
    assert_eq!(
        app.viewer_kind(&busy).await,
        "ANONYMOUS",
        "eight hours at most, however busy"
    );
}

async fn signing_out_ends_the_session(app: TestApp) {
    let world = World::build(&app).await;
    let answer = app
        .graphql_as(
            Some(&world.teacher_b.token),
            "mutation { signOut }",
            json!({}),
        )
        .await;
    assert_eq!(answer.ok()["signOut"], true);
    assert_eq!(app.viewer_kind(&world.teacher_b.token).await, "ANONYMOUS");
    let again = app.graphql("mutation { signOut }", json!({})).await;
    assert_eq!(again.error_code(), Some("UNAUTHENTICATED"));
}

async fn a_badge_signs_a_child_in_until_the_teacher_voids_it(app: TestApp) {
    let world = World::build(&app).await;
    let teacher = Some(world.teacher_a.token.as_str());
    let issued = app
        .graphql_as(
            teacher,
            "mutation($c: ID!) { issueBadges(classId: $c) { badgeToken child { id } } }",
            json!({ "c": world.class_a.id }),
        )
        .await;
    let badges = issued.ok()["issueBadges"].as_array().unwrap().clone();
    assert_eq!(badges.len(), 3, "one badge per child of the class");
    let badge = badges[0]["badgeToken"].as_str().unwrap();
    let sign_in =
        "mutation($t: String!) { signInWithBadge(token: $t) { token viewer { childId } } }";
    let answer = app.graphql(sign_in, json!({ "t": badge })).await;
    let session = answer.ok()["signInWithBadge"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        answer.data()["signInWithBadge"]["viewer"]["childId"],
        badges[0]["child"]["id"]
    );

    let voided = app
        .graphql_as(
            teacher,
            "mutation($c: ID!, $k: [ID!]) { voidBadges(classId: $c, childIds: $k) }",
            json!({ "c": world.class_a.id, "k": [badges[0]["child"]["id"]] }),
        )
        .await;
    assert_eq!(voided.ok()["voidBadges"], 1);
    assert_eq!(
        app.viewer_kind(&session).await,
        "ANONYMOUS",
        "voiding ends the badge's sessions"
    );
    assert_eq!(
        app.graphql(sign_in, json!({ "t": badge }))
            .await
            .error_code(),
        Some("UNAUTHENTICATED")
    );
    let other = badges[1]["badgeToken"].as_str().unwrap();
    assert!(
        app.graphql(sign_in, json!({ "t": other })).await.ok()["signInWithBadge"]["token"]
            .is_string()
    );

    let whole_class = app
        .graphql_as(
            teacher,
            "mutation($c: ID!) { voidBadges(classId: $c) }",
            json!({ "c": world.class_a.id }),
        )
        .await;
    assert_eq!(
        whole_class.ok()["voidBadges"],
        2,
        "the two badges still live"
    );
    assert_eq!(
        app.graphql(sign_in, json!({ "t": other }))
            .await
            .error_code(),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn repeated_wrong_pins_for_a_class_are_rate_limited_with_a_retry_time() {
    let app = TestApp::builder(Backend::Sqlite)
        .without_redis()
        .spawn()
        .await;
    let world = World::build(&app).await;
    let code = &world.class_a.code;
    let wrong = (0..)
        .map(|n| format!("{n:06}"))
        .find(|pin| world.class_a.children.iter().all(|child| &child.pin != pin))
        .unwrap();
    for _ in 0..30 {
        assert_eq!(
            app.sign_in_child(code, &wrong).await.error_code(),
            Some("UNAUTHENTICATED")
        );
    }
    let limited = app
        .sign_in_child(code, &world.class_a.children[0].pin)
        .await;
    assert_eq!(
        limited.error_code(),
        Some("RATE_LIMITED"),
        "even the right PIN waits"
    );
    let retry = limited.body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(
        app.sign_in_child(&world.class_b.code, &world.class_b.children[0].pin)
            .await
            .body["errors"]
            .is_null(),
        "other classes are unaffected"
    );
    app.clock.advance(chrono::Duration::minutes(15));
    assert!(
        app.sign_in_child(code, &world.class_a.children[0].pin)
            .await
            .body["errors"]
            .is_null()
    );
}

#[tokio::test]
async fn after_a_hundred_failures_a_class_locks_until_its_teacher_resets_a_pin() {
    let app = TestApp::builder(Backend::Sqlite)
        .without_redis()
        .spawn()
        .await;
    let world = World::build(&app).await;
    let code = &world.class_a.code;
    for _ in 0..4 {
        for _ in 0..25 {
            app.sign_in_child(code, "999999").await;
        }
        app.clock.advance(chrono::Duration::minutes(16));
    }
    let locked = app
        .sign_in_child(code, &world.class_a.children[0].pin)
        .await;
    assert_eq!(locked.error_code(), Some("FORBIDDEN"), "{}", locked.body);
    let teacher = app.sign_in_staff("teacher.a", PASSWORD).await;
    let reset = app
        .graphql_as(
            Some(&teacher),
            "mutation($k: ID!) { resetPin(childId: $k) { pin } }",
            json!({ "k": world.class_a.children[0].id }),
        )
        .await;
    let new_pin = reset.ok()["resetPin"]["pin"].as_str().unwrap().to_owned();
    assert!(
        app.sign_in_child(code, &new_pin).await.body["errors"].is_null(),
        "the reset unlocks the class"
    );
    assert!(
        app.sign_in_child(code, &world.class_a.children[1].pin)
            .await
            .body["errors"]
            .is_null()
    );
}

#[tokio::test]
async fn a_staff_account_is_limited_to_ten_failures_even_across_two_instances() {
    let Some(first) = TestApp::on_postgres().await else {
        return;
    };
    if std::env::var("TEST_REDIS_URL").is_err() {
        crate::helpers::databases::skip_or_fail("TEST_REDIS_URL");
        return;
    }
    let second = first.another_instance().spawn().await;
    first.first_coordinator("coordinator").await;
    let query =
        "mutation($p: String!) { signInStaff(username: \"coordinator\", password: $p) { token } }";
    for n in 0..10 {
        let instance = if n % 2 == 0 { &first } else { &second };
        let answer = instance
            .graphql(query, json!({ "p": "a wrong password" }))
            .await;
        assert_eq!(answer.error_code(), Some("UNAUTHENTICATED"));
    }
    for instance in [&first, &second] {
        let answer = instance.graphql(query, json!({ "p": PASSWORD })).await;
        assert_eq!(
            answer.error_code(),
            Some("RATE_LIMITED"),
            "the limit is shared through Redis"
        );
    }
}
