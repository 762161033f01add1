//! The children's app (`/app`) in a real Chromium at a phone's size: it uses only the public API.
//! A band-A child signs in on the number pad, picks a picture, draws, submits offline and the idea
//! arrives once when the network returns; a band-D child sends a photo; both see the teacher's
//! decision arrive live; the child rates the answer. Screenshots go to
//! `target/test-artefacts/app-<database>/`.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::browser::Browser;
use crate::helpers::world::{
    World, answer_publish, class_with_children, open_campaign, record_consent,
};
use crate::helpers::{Backend, TestApp};

both_databases!(
    a_young_child_draws_offline_and_the_idea_arrives_once_then_live,
    an_older_child_sends_a_photo_and_rates_the_answer,
);

async fn browser(app: &TestApp) -> Option<Browser> {
    let database = match app.backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    let mut browser = Browser::launch(&format!("app-{database}")).await?;
    browser.phone().await;
    Some(browser)
}

/// Signs in on the number pad, as a child does.
async fn sign_in(browser: &mut Browser, app: &TestApp, code: &str, pin: &str) {
    browser.goto(&app.url("/app/")).await;
    browser
        .wait_until("!!document.getElementById('class-code')")
        .await;
    browser.fill("#class-code", code).await;
    for digit in pin.chars() {
        let press = format!("document.querySelector('[data-digit=\"{digit}\"]').click(); true");
        browser.eval(&press).await;
    }
    browser
        .eval("document.querySelector('button.go').click(); true")
        .await;
    browser
        .wait_until("location.hash === '#mine' && !!document.querySelector('.tabs')")
        .await;
}

async fn mine(app: &TestApp, token: &str) -> Vec<Value> {
    let answer = app
        .graphql_as(
            Some(token),
            "{ myProposals { nodes { id status answers { key text media } } } }",
            json!({}),
        )
        .await;
    answer.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_young_child_draws_offline_and_the_idea_arrives_once_then_live(app: TestApp) {
    let world = World::build(&app).await;
    let class =
        class_with_children(&app, &world.teacher_a, 1, "1班", &["小禾", "小麦"], 2019).await;
    let (pupil, classmate) = (&class.children[0], &class.children[1]);
    record_consent(&app, &world.teacher_a, &pupil.id).await;
    record_consent(&app, &world.teacher_a, &classmate.id).await;
    let classmate_token =
        crate::helpers::world::child_token(&app, &class.code, &classmate.pin).await;
    open_campaign(&app, &world.coordinator, &["A"], None).await;
    let token = crate::helpers::world::child_token(&app, &class.code, &pupil.pin).await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };

    sign_in(&mut browser, &app, &class.code, &pupil.pin).await;
    browser.screenshot("mine-empty").await;
    browser.eval("location.hash = '#new'; true").await;
    browser
        .wait_until("!!document.querySelector('.topic-pick img')")
        .await;
    assert!(
        browser
            .eval("document.querySelectorAll('button.speak').length")
            .await
            .as_u64()
            .unwrap()
            > 0,
        "labels can be read aloud"
    );
    // One thing per screen, and at most three pictures at once for the youngest.
    assert!(browser.text().await.contains("第 1 步，共 3 步"));
    let shown = "[...document.querySelectorAll('.topic-pick')].filter(b => !b.hidden).length";
    assert_eq!(browser.eval(shown).await, 3);
    browser.screenshot("topics-band-a").await;
    browser
        .eval("document.querySelector('[data-topic=places_to_play]').click(); true")
        .await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    browser.fill("#field-idea", "公园里多一个滑梯").await;
    // What the child typed is kept on the tablet until it is sent.
    browser.eval("location.hash = '#mine'; true").await;
    browser
        .wait_until("!!document.querySelector('.tabs') && !document.querySelector('form')")
        .await;
    browser.eval("location.hash = '#new'; true").await;
    browser
        .wait_until("!!document.querySelector('#field-idea')")
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('field-idea').value")
            .await,
        "公园里多一个滑梯"
    );
    browser
        .eval("document.querySelector('[data-topic=places_to_play]').click(); true")
        .await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    browser
        .drag("canvas.pad-canvas", (0.2, 0.2), (0.7, 0.6))
        .await;
    browser.screenshot("new-idea-band-a").await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;

    // The school's Wi-Fi drops: the idea is kept on the tablet.
    browser.offline(true).await;
    browser
        .eval("document.querySelector('button.go.big').click(); true")
        .await;
    browser
        .wait_until("document.body.innerText.includes('存好了')")
        .await;
    browser.screenshot("saved-offline").await;
    assert!(
        mine(&app, &token).await.is_empty(),
        "nothing reached the server yet"
    );

    // The tablet is shared: the child signs out, and a classmate signs in once the network is
    // back. The waiting idea is not theirs, so their session never sends it.
    browser.eval("location.hash = '#notices'; true").await;
    browser
        .wait_until("!!document.querySelector('button.muted')")
        .await;
    browser
        .eval("document.querySelector('button.muted').click(); true")
        .await;
    browser
        .wait_until("!!document.getElementById('class-code')")
        .await;
    browser.offline(false).await;
    sign_in(&mut browser, &app, &class.code, &classmate.pin).await;
    browser
        .eval("window.dispatchEvent(new Event('online')); true")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        mine(&app, &classmate_token).await.is_empty(),
        "not sent as the classmate"
    );
    assert!(
        !browser.text().await.contains("公园里多一个滑梯"),
        "nor shown to them"
    );
    assert!(mine(&app, &token).await.is_empty());
    browser.eval("location.hash = '#notices'; true").await;
    browser
        .wait_until("!!document.querySelector('button.muted')")
        .await;
    browser
        .eval("document.querySelector('button.muted').click(); true")
        .await;
    browser
        .wait_until("!!document.getElementById('class-code')")
        .await;

    // Its own child signs in again: it is sent, once, with the drawing.
    sign_in(&mut browser, &app, &class.code, &pupil.pin).await;
    let mut arrived = Vec::new();
    for _ in 0..50 {
        arrived = mine(&app, &token).await;
        if !arrived.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // A second flush (the timer, or the network coming back again) sends nothing more.
    browser
        .eval("window.dispatchEvent(new Event('online')); true")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let arrived_now = mine(&app, &token).await;
    assert_eq!(arrived_now.len(), 1, "arrived once: {arrived:?}");
    let drawing = arrived_now[0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "drawing")
        .cloned();
    assert!(
        drawing.is_some_and(|d| d["media"].as_array().is_some_and(|m| m.len() == 1)),
        "{arrived_now:?}"
    );
    assert_eq!(
        browser
            .eval("JSON.parse(localStorage.getItem('tongsheng.queue')).length")
            .await,
        0
    );

    // Screened, it waits for the teacher; the teacher approves: the child's page changes
    // without a reload.
    app.run_pending().await;
    browser.goto(&app.url("/app/")).await;
    browser
        .wait_until("!!document.querySelector('.idea .status')")
        .await;
    let before = browser
        .eval("document.querySelector('.idea .status').textContent")
        .await;
    let proposal = arrived_now[0]["id"].as_str().unwrap();
    crate::helpers::world::approve(&app, &world, proposal).await;
    browser
        .wait_until(&format!(
            "document.querySelector('.idea .status').textContent !== {before}"
        ))
        .await;
    let after = browser
        .eval("document.querySelector('.idea .status').textContent")
        .await;
    assert!(
        after.as_str().unwrap().contains("部门") || after.as_str().unwrap().contains("叔叔阿姨"),
        "{before} → {after}"
    );
    browser.screenshot("mine-live").await;

    // Signing out on a shared tablet leaves nothing of the child.
    browser.eval("location.hash = '#notices'; true").await;
    browser
        .wait_until("!!document.querySelector('button.muted')")
        .await;
    browser
        .eval("document.querySelector('button.muted').click(); true")
        .await;
    browser
        .wait_until("!!document.getElementById('class-code')")
        .await;
    assert_eq!(browser.eval("localStorage.getItem('tongsheng.token') === null && localStorage.getItem('tongsheng.child') === null").await, true);
    assert!(!browser.text().await.contains("滑梯"));
}

async fn an_older_child_sends_a_photo_and_rates_the_answer(app: TestApp) {
    let world = World::build(&app).await;
    let class = class_with_children(&app, &world.teacher_a, 10, "高一1班", &["子涵"], 2010).await;
    let pupil = &class.children[0];
    let campaign = open_campaign(&app, &world.coordinator, &["D"], None).await;
    let token = crate::helpers::world::child_token(&app, &class.code, &pupil.pin).await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };

    sign_in(&mut browser, &app, &class.code, &pupil.pin).await;
    browser.eval("location.hash = '#new'; true").await;
    browser
        .wait_until("!!document.querySelector('.topic-pick')")
        .await;
    browser
        .eval("document.querySelector('[data-topic=places_to_play]').click(); true")
        .await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    for (field, text) in [
        ("title", "学校门口需要红绿灯"),
        ("background", "每天早上七点半校门口车很多。"),
        ("problem", "过马路的同学和车抢道，很危险。"),
        ("suggestion", "在校门口装一个行人红绿灯。"),
        ("expected_effect", "同学们能安全过马路。"),
    ] {
        browser.fill(&format!("#field-{field}"), text).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("crossing.png");
    std::fs::write(&photo, crate::media::png(800, 600)).unwrap();
    browser.choose_file("input[type=file]", &photo).await;
    browser.screenshot("new-idea-band-d").await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    browser
        .eval("document.querySelector('button.go.big').click(); true")
        .await;
    browser
        .wait_until("document.body.innerText.includes('已提交')")
        .await;
    let sent = mine(&app, &token).await;
    assert_eq!(sent.len(), 1);
    let photo = sent[0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "photo")
        .cloned();
    assert!(
        photo.is_some_and(|p| p["media"].as_array().is_some_and(|m| m.len() == 1)),
        "{sent:?}"
    );

    // Screened, approved, answered and published: the child reads the answer and rates it.
    app.run_pending().await;
    let proposal = sent[0]["id"].as_str().unwrap().to_owned();
    // The teacher approves: this child too sees it without a reload.
    browser.eval("location.hash = '#notices'; true").await;
    browser.wait_until("!document.querySelector('.idea')").await;
    browser.eval("location.hash = '#mine'; true").await;
    browser
        .wait_until("!!document.querySelector('.idea .status')")
        .await;
    let before = browser
        .eval("document.querySelector('.idea .status').textContent")
        .await;
    crate::helpers::world::approve(&app, &world, &proposal).await;
    browser
        .wait_until(&format!(
            "document.querySelector('.idea .status').textContent !== {before}"
        ))
        .await;
    answer_publish(&app, &world, &proposal).await;
    browser.eval("location.hash = '#mine'; true").await;
    browser
        .wait_until("!!document.querySelector('[data-rating=SATISFIED]')")
        .await;
    assert!(
        browser.text().await.contains("会修好！"),
        "the department's words for the child"
    );
    browser.screenshot("answer-to-rate").await;
    browser
        .eval("document.querySelector('[data-rating=SATISFIED]').click(); true")
        .await;
    browser
        .wait_until("!document.querySelector('[data-rating]')")
        .await;
    let rated = app
        .graphql_as(
            Some(&token),
            "{ myProposals { nodes { canRate status } } }",
            json!({}),
        )
        .await;
    assert_eq!(rated.ok()["myProposals"]["nodes"][0]["canRate"], false);

    // The wall, for children: back someone's idea.
    browser.eval("location.hash = '#wall'; true").await;
    browser
        .wait_until("!!document.querySelector('[data-back]')")
        .await;
    browser.screenshot("wall").await;

    // An idea saved offline that the server then refuses for good (the campaign closed
    // meanwhile) is not dropped: it stays with the reason until the child deletes it.
    browser.eval("location.hash = '#new'; true").await;
    browser
        .wait_until("!!document.querySelector('.topic-pick')")
        .await;
    browser
        .eval("document.querySelector('[data-topic=places_to_play]').click(); true")
        .await;
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    for field in [
        "title",
        "background",
        "problem",
        "suggestion",
        "expected_effect",
    ] {
        browser
            .fill(&format!("#field-{field}"), "操场边多放几张长椅")
            .await;
    }
    browser
        .eval("document.querySelector('[data-next]').click(); true")
        .await;
    browser.offline(true).await;
    browser
        .eval("document.querySelector('button.go.big').click(); true")
        .await;
    browser
        .wait_until("document.body.innerText.includes('已保存')")
        .await;
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($c: ID!) { closeCampaign(id: $c) { id } }",
        json!({ "c": campaign }),
    )
    .await
    .ok();
    browser.offline(false).await;
    browser
        .eval("location.hash = '#mine'; window.dispatchEvent(new Event('online')); true")
        .await;
    browser
        .wait_until("document.body.innerText.includes('没有送出去')")
        .await;
    assert!(browser.text().await.contains("这个活动现在不收想法了"));
    browser.screenshot("refused-offline-idea").await;
    browser
        .eval("document.querySelector('[data-waiting] button').click(); true")
        .await;
    browser
        .wait_until("!document.querySelector('[data-waiting]')")
        .await;
    assert_eq!(
        mine(&app, &token).await.len(),
        1,
        "only the first idea reached the server"
    );
}
