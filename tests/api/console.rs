//! The staff console in a real Chromium: each role does its part of the loop in the browser,
//! a post without its session's token is refused, and another class's teacher gets nothing by
//! editing addresses. Screenshots of each page at 1366×768 and 390×844 are written to
//! `target/test-artefacts/console-<database>/`.

use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::browser::Browser;
use crate::helpers::world::{PASSWORD, World, approve, class_with_child, submit};
use crate::helpers::{Backend, TestApp};

both_databases!(
    a_teacher_approves_one_with_a_redaction_and_returns_another,
    a_clerk_answers_the_child_reads_it_and_a_coordinator_publishes_it,
    a_lead_records_what_was_done_and_closes_the_case,
    a_post_without_its_token_is_refused_and_sign_out_ends_the_api_session,
    a_teacher_of_another_class_gets_nothing_by_editing_addresses,
    a_teacher_enrols_records_consent_and_resets_a_pin,
    a_teacher_types_a_dictated_idea_and_a_paper_one,
    a_teacher_covers_part_of_a_drawing_and_marks_it_publishable,
    a_coordinator_runs_a_campaign_for_one_school,
);

async fn browser(app: &TestApp) -> Option<Browser> {
    let database = match app.backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    Browser::launch(&format!("console-{database}")).await
}

async fn sign_in(browser: &mut Browser, app: &TestApp, username: &str) {
    browser.goto(&app.url("/console/sign-in")).await;
    browser.fill("#username", username).await;
    browser.fill("#password", PASSWORD).await;
    browser.click_and_wait("main button[type=submit]").await;
}

async fn sign_out(browser: &mut Browser) {
    browser.click_and_wait("form.sign-out button").await;
}

async fn task_of(app: &TestApp, world: &World, proposal: &str) -> Value {
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks(first: 50, filter: { states: [ROUTED, SIGNED_FOR, ANSWERED, PUBLISHED] }) { nodes { id proposalId state answers { key text } } } }",
            json!({}),
        )
        .await;
    tasks.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["proposalId"] == proposal)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn my_proposal(app: &TestApp, token: &str, id: &str) -> Value {
    let mine = app
        .graphql_as(
            Some(token),
            "{ myProposals { nodes { id status answer { text } } } }",
            json!({}),
        )
        .await;
    mine.ok()["myProposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .unwrap()
}

async fn a_teacher_approves_one_with_a_redaction_and_returns_another(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let with_phone = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[
            ("noticed", "公园的秋千坏了"),
            ("idea", "修好秋千，有事打13812345678"),
        ],
    )
    .await;
    let unclear = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "那个"), ("idea", "嗯")],
    )
    .await;
    assert_eq!(app.run_pending().await, 2);
    let Some(mut browser) = browser(&app).await else {
        return;
    };

    sign_in(&mut browser, &app, "teacher.a").await;
    assert_eq!(
        browser.location().await,
        "/console/review",
        "a teacher lands on the queue"
    );
    let queue = browser.text().await;
    assert!(queue.contains("待审核的建议"), "{queue}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('tr[data-row]').length")
            .await,
        2
    );
    browser.screenshots("teacher-queue").await;
    // The keyboard: `j` moves to the first row.
    browser.press("j", false).await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('tr.current').length")
            .await,
        1
    );
    let focused = "document.activeElement.closest('tr') === document.querySelector('tr[data-row]')";
    assert_eq!(browser.eval(focused).await, true);

    let class = &world.class_a.id;
    browser
        .goto(&app.url(&format!("/console/classes/{class}/review/{with_phone}")))
        .await;
    let page = browser.html().await;
    assert!(page.contains("<mark"), "the finding is highlighted");
    assert!(page.contains("个人信息"), "with its kind");
    assert_eq!(
        browser
            .eval("document.querySelector('input[data-redact]').checked")
            .await,
        true,
        "the proposed redaction is on"
    );
    let preview = browser.eval("[...document.querySelectorAll('[data-preview-field]')].map(p => p.textContent).join('|')").await;
    assert!(
        preview.as_str().unwrap().contains("＊＊＊"),
        "the preview applies it: {preview}"
    );
    assert!(
        !preview.as_str().unwrap().contains("13812345678"),
        "{preview}"
    );
    browser.screenshots("teacher-review").await;
    // The keyboard: `a` approves.
    browser.press("a", true).await;
    assert!(browser.text().await.contains("已通过"));

    let task = task_of(&app, &world, &with_phone).await;
    let idea = task["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "idea")
        .unwrap()["text"]
        .clone();
    assert_eq!(
        idea, "修好秋千，有事打＊＊＊",
        "the department reads the redacted text"
    );

    browser
        .goto(&app.url(&format!("/console/classes/{class}/review/{unclear}")))
        .await;
    browser
        .eval("document.querySelector('input[name=reason][value=UNCLEAR]').checked = true")
        .await;
    browser
        .click_and_wait("button[value=RETURN_FOR_CHANGES]")
        .await;
    assert!(browser.text().await.contains("已请孩子修改"));
    assert_eq!(
        my_proposal(&app, &token, &unclear).await["status"],
        "RETURNED_FOR_CHANGES"
    );
    assert!(
        browser.text().await.contains("没有等待审核的建议"),
        "the queue is empty"
    );
    browser.screenshots("teacher-queue-empty").await;
}

async fn a_clerk_answers_the_child_reads_it_and_a_coordinator_publishes_it(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "滑梯生锈了"), ("idea", "换一个新滑梯")],
    )
    .await;
    app.run_pending().await;
    approve(&app, &world, &proposal).await;
    let task = task_of(&app, &world, &proposal).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let Some(mut browser) = browser(&app).await else {
        return;
    };

    sign_in(&mut browser, &app, "clerk.construction").await;
    assert_eq!(browser.location().await, "/console/tasks");
    let queue = browser.text().await;
    assert!(queue.contains("换一个新滑梯"), "{queue}");
    assert!(
        queue.contains("工作日") || queue.contains("今天到期"),
        "working days left: {queue}"
    );
    browser.screenshots("clerk-queue").await;

    browser
        .goto(&app.url(&format!("/console/tasks/{task}")))
        .await;
    browser
        .click_and_wait("form[action$='/sign-for'] button")
        .await;
    assert!(browser.text().await.contains("已签收"));
    // A child text that is too long for the child is refused beside its field, the rest kept.
    browser
        .fill("#officialText", "经研究，采纳该建议，将于下月更换滑梯。")
        .await;
    browser.fill("#childText", &"很长".repeat(200)).await;
    let check = browser
        .eval("document.getElementById('child-text-check').textContent")
        .await;
    assert!(
        check.as_str().unwrap().contains("太长了"),
        "checked live: {check}"
    );
    browser
        .click_and_wait("form[action$='/answer'] button[type=submit]")
        .await;
    assert!(
        browser.html().await.contains("id=\"error-childText\""),
        "the refusal is beside the field"
    );
    assert_eq!(
        browser
            .eval("document.getElementById('officialText').value")
            .await,
        "经研究，采纳该建议，将于下月更换滑梯。",
        "what was typed is kept"
    );
    browser
        .fill("#childText", "我们会换一个新滑梯，下个月就能玩啦！")
        .await;
    browser.screenshots("clerk-answer").await;
    browser
        .click_and_wait("form[action$='/answer'] button[type=submit]")
        .await;
    assert!(browser.text().await.contains("答复已发出"));
    let mine = my_proposal(&app, &token, &proposal).await;
    assert_eq!(
        mine["answer"]["text"], "我们会换一个新滑梯，下个月就能玩啦！",
        "the child reads it"
    );
    sign_out(&mut browser).await;

    sign_in(&mut browser, &app, "coordinator").await;
    assert_eq!(browser.location().await, "/console/district");
    assert!(browser.text().await.contains("换一个新滑梯"));
    browser.screenshots("coordinator-district").await;
    browser
        .click_and_wait("form[action='/console/district/publish'] button")
        .await;
    assert!(browser.text().await.contains("已公开到建议墙"));
    let (_, wall) = app.get("/").await;
    assert!(
        wall.contains("我们会换一个新滑梯"),
        "the wall shows the answer"
    );
    for page in [
        "campaigns",
        "routing",
        "keys",
        "data-requests",
        "access-log",
        "reports",
    ] {
        browser.goto(&app.url(&format!("/console/{page}"))).await;
        assert!(!browser.text().await.contains("没有找到"), "{page} opens");
        browser.screenshots(&format!("coordinator-{page}")).await;
    }
}

async fn a_lead_records_what_was_done_and_closes_the_case(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "school_life",
        &[("noticed", "下课没人和我玩"), ("idea", "想要一个朋友")],
    )
    .await;
    app.run_pending().await;
    let escalated = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: ESCALATE, noteForLead: \"她这周一直一个人\" }) { status } }",
            json!({ "p": proposal }),
        )
        .await;
    assert_eq!(escalated.ok()["moderateProposal"]["status"], "ESCALATED");
    let Some(mut browser) = browser(&app).await else {
        return;
    };

    sign_in(&mut browser, &app, "lead.a").await;
    assert_eq!(browser.location().await, "/console/cases");
    browser.screenshots("lead-cases").await;
    browser.click_and_wait("tr[data-row] a").await;
    let case = browser.text().await;
    assert!(
        case.contains("想要一个朋友") && case.contains("她这周一直一个人"),
        "{case}"
    );
    browser.fill("#body", "孩子的母亲").await;
    browser
        .eval("document.getElementById('kind').value = 'INFORMED_GUARDIAN'")
        .await;
    browser
        .click_and_wait("form[action$='/action'] button")
        .await;
    assert!(browser.text().await.contains("告知监护人"));
    browser.screenshots("lead-case").await;
    browser
        .fill("#noReportReason", "同学关系问题，已由班主任跟进")
        .await;
    browser
        .fill("#closingNote", "已和孩子及家长谈过，班主任每周关注。")
        .await;
    browser
        .click_and_wait("form[action$='/close'] button")
        .await;
    assert!(browser.text().await.contains("个案已结案"));
    let open = app
        .graphql_as(
            Some(&world.lead_a.token),
            "{ safeguardingCases(status: OPEN) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(open.ok()["safeguardingCases"]["nodes"], json!([]));
}

async fn a_post_without_its_token_is_refused_and_sign_out_ends_the_api_session(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "秋千坏了"), ("idea", "修秋千")],
    )
    .await;
    app.run_pending().await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "teacher.a").await;
    let path = format!("/console/classes/{}/review/{proposal}", world.class_a.id);
    let post = |body: &str| {
        format!(
            "fetch({}, {{ method: 'POST', headers: {{ 'content-type': 'application/x-www-form-urlencoded' }}, body: {} }}).then(r => r.status)",
            json!(path),
            json!(body)
        )
    };
    assert_eq!(
        browser.eval(&post("decision=APPROVE")).await,
        403,
        "no token"
    );
    assert_eq!(
        browser.eval(&post("decision=APPROVE&csrf=forged")).await,
        403,
        "a forged token"
    );
    assert_eq!(
        my_proposal(&app, &token, &proposal).await["status"],
        "AWAITING_REVIEW",
        "nothing was done"
    );

    // The cookie is HttpOnly and SameSite=Strict, and it is the API's own session.
    let cookies = browser.cookies(&app.url("/console")).await;
    let session = cookies
        .iter()
        .find(|c| c["name"] == "tongsheng_console")
        .unwrap()
        .clone();
    assert_eq!(session["httpOnly"], true);
    assert_eq!(session["sameSite"], "Strict");
    let bearer = session["value"].as_str().unwrap().to_owned();
    assert_eq!(app.viewer_kind(&bearer).await, "STAFF");
    sign_out(&mut browser).await;
    assert_eq!(browser.location().await, "/console/sign-in");
    assert_eq!(
        app.viewer_kind(&bearer).await,
        "ANONYMOUS",
        "signing out ended it everywhere"
    );
    browser.goto(&app.url("/console/review")).await;
    assert_eq!(browser.location().await, "/console/sign-in");
    browser.screenshots("sign-in").await;

    // The sign-in form carries its own token too; wrong credentials are told in words.
    let refused = browser
        .eval("fetch('/console/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=teacher.a&password=x' }).then(r => r.status)")
        .await;
    assert_eq!(refused, 403);
    browser.fill("#username", "teacher.a").await;
    browser.fill("#password", "not the password").await;
    browser.click_and_wait("main button[type=submit]").await;
    assert!(browser.text().await.contains("用户名或密码不对"));
}

async fn a_teacher_of_another_class_gets_nothing_by_editing_addresses(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let proposal = submit(
        &app,
        &token,
        &campaign,
        "places_to_play",
        &[("noticed", "操场太小"), ("idea", "扩大操场的秘密计划")],
    )
    .await;
    app.run_pending().await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "teacher.a2").await;
    let class = &world.class_a.id;
    let child = &world.class_a.children[0].id;
    for path in [
        format!("/console/classes/{class}"),
        format!("/console/classes/{class}/review"),
        format!("/console/classes/{class}/review/{proposal}"),
    ] {
        browser.goto(&app.url(&path)).await;
        let text = browser.text().await;
        assert!(text.contains("没有找到"), "{path}: {text}");
        assert!(
            !text.contains("扩大操场的秘密计划"),
            "{path} shows nothing of the class"
        );
    }
    browser.screenshots("not-found").await;
    let csrf = browser.eval("document.body.dataset.csrf").await;
    let status = browser
        .eval(&format!(
            "fetch('/console/classes/{class}/children/{child}/reset-pin', {{ method: 'POST', headers: {{ 'content-type': 'application/x-www-form-urlencoded' }}, body: 'csrf={}' }}).then(r => r.status)",
            csrf.as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 404, "nor can it act on the class");
    // Nor can a teacher open another role's pages.
    browser.goto(&app.url("/console/district")).await;
    let text = browser.text().await;
    assert!(text.contains("不能查看"), "{text}");
}

async fn a_teacher_enrols_records_consent_and_resets_a_pin(app: TestApp) {
    let world = World::build(&app).await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "teacher.a").await;
    let class = &world.class_a.id;
    browser
        .goto(&app.url(&format!("/console/classes/{class}")))
        .await;
    let before = browser
        .eval("document.querySelectorAll('tbody tr').length")
        .await;
    browser.screenshots("teacher-class").await;

    // A roster with a bad row: nobody is enrolled, and the row is named.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "昵称,出生年份,出生月份\n小雨,2018,3\n小山,1990,13\n").unwrap();
    browser.choose_file("#file", &bad).await;
    browser
        .click_and_wait("form[action$='/enrol'] button")
        .await;
    let refused = browser.text().await;
    assert!(refused.contains("一个孩子也没有加入"), "{refused}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "昵称,出生年份,出生月份\n小雨,2018,3\n小山,2017,11\n").unwrap();
    browser
        .goto(&app.url(&format!("/console/classes/{class}")))
        .await;
    browser.choose_file("#file", &good).await;
    browser
        .click_and_wait("form[action$='/enrol'] button")
        .await;
    let pins = browser.text().await;
    assert!(pins.contains("小雨") && pins.contains("小山"), "{pins}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('tbody tr').length")
            .await,
        2,
        "each PIN shown once"
    );
    browser.screenshots("teacher-pins").await;

    // Guardian consent, recorded for a child who needs it: that child can now submit.
    browser
        .goto(&app.url(&format!("/console/classes/{class}")))
        .await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('tbody tr').length")
            .await,
        before.as_u64().unwrap() + 2
    );
    browser
        .click_and_wait("form[action$='/consent'] button")
        .await;
    assert!(browser.text().await.contains("已记录监护人同意"));
    browser
        .click_and_wait("form[action$='/reset-pin'] button")
        .await;
    let pin = browser
        .eval("document.querySelector('tbody code').textContent")
        .await;
    assert_eq!(pin.as_str().unwrap().len(), 6, "the new PIN: {pin}");
}

async fn a_teacher_types_a_dictated_idea_and_a_paper_one(app: TestApp) {
    let (world, _campaign, _token) = class_with_child(&app).await;
    let class = &world.class_a.id;
    let child = &world.class_a.children[0].id;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "teacher.a").await;
    let entry = app.url(&format!("/console/classes/{class}/children/{child}/idea"));
    browser.goto(&entry).await;
    browser.screenshots("teacher-entry").await;
    // A required field left empty is refused beside it, what was typed kept.
    browser
        .fill("[name='answer.idea']", "教室里放一个图书角")
        .await;
    browser
        .click_and_wait("main form.card button[type=submit]")
        .await;
    let html = browser.html().await;
    assert!(
        html.contains("id=\"error-noticed\""),
        "the empty field is named: {}",
        browser.text().await
    );
    assert_eq!(
        browser
            .eval("document.querySelector(\"[name='answer.idea']\").value")
            .await,
        "教室里放一个图书角"
    );
    browser
        .fill("[name='answer.noticed']", "下课没有书看")
        .await;
    browser
        .click_and_wait("main form.card button[type=submit]")
        .await;
    assert!(browser.text().await.contains("已替孩子提交"));

    browser.goto(&entry).await;
    browser
        .eval("document.querySelector('input[name=mode][value=paper]').checked = true")
        .await;
    browser
        .fill("[name='answer.noticed']", "操场的球框太高")
        .await;
    browser
        .fill("[name='answer.idea']", "换一个矮一点的球框")
        .await;
    browser
        .click_and_wait("main form.card button[type=submit]")
        .await;
    assert!(browser.text().await.contains("已替孩子提交"));

    app.run_pending().await;
    let queue = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "query($c: ID!) { moderationQueue(classId: $c) { nodes { assisted childId answers { key text } } } }",
            json!({ "c": class }),
        )
        .await;
    let nodes = queue.ok()["moderationQueue"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(nodes.len(), 2, "each recorded once: {nodes:?}");
    assert!(
        nodes
            .iter()
            .all(|n| n["assisted"] == true && n["childId"] == child.as_str())
    );
}

async fn a_teacher_covers_part_of_a_drawing_and_marks_it_publishable(app: TestApp) {
    let (world, campaign, token) = class_with_child(&app).await;
    let (_, drawing) =
        crate::media::upload(&app, Some(&token), "swing.png", crate::media::png(640, 480)).await;
    let media = drawing["id"].as_str().unwrap().to_owned();
    let submitted = app
        .graphql_as(
            Some(&token),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                "topic": "places_to_play", "consentToPublish": true,
                "answers": [{ "key": "noticed", "text": "秋千坏了" }, { "key": "idea", "text": "我画了新秋千" },
                    { "key": "drawing", "media": [media] }] } }),
        )
        .await;
    let proposal = submitted.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_pending().await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "teacher.a").await;
    browser
        .goto(&app.url(&format!(
            "/console/classes/{}/review/{proposal}",
            world.class_a.id
        )))
        .await;
    assert!(
        browser
            .eval("document.querySelector('.cover-tool img').naturalWidth")
            .await
            .as_u64()
            .unwrap()
            > 0,
        "the image loads on the console's session"
    );
    browser
        .drag(".cover-tool img", (0.1, 0.1), (0.4, 0.5))
        .await;
    let region = browser
        .eval("document.querySelector('input[name=cover]').value")
        .await;
    assert!(
        region
            .as_str()
            .unwrap()
            .starts_with(&format!("{media}:0.1")),
        "{region}"
    );
    browser.screenshots("teacher-cover").await;
    browser
        .eval("document.querySelector('input[name=publishable]').checked = true")
        .await;
    browser.click_and_wait("button[value=APPROVE]").await;
    assert!(browser.text().await.contains("已通过"));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM media WHERE covered_key IS NOT NULL")
            .await,
        1,
        "the covered rendition was made"
    );
}

async fn a_coordinator_runs_a_campaign_for_one_school(app: TestApp) {
    let world = World::build(&app).await;
    let Some(mut browser) = browser(&app).await else {
        return;
    };
    sign_in(&mut browser, &app, "coordinator").await;
    browser.goto(&app.url("/console/campaigns")).await;
    let fill_dates = "document.getElementById('opensAt').value = '2026-11-01T08:00'; \
        document.getElementById('closesAt').value = '2027-06-30T18:00'; true";
    // Without a title it is refused beside the field, the choices kept.
    browser
        .eval("document.querySelector('input[name=bands][value=B]').checked = true")
        .await;
    browser
        .eval("document.querySelector('input[name=topics][value=places_to_play]').checked = true")
        .await;
    browser.eval(fill_dates).await;
    browser
        .eval("document.getElementById('title').removeAttribute('required')")
        .await;
    browser
        .click_and_wait("form[action='/console/campaigns'] button[type=submit]")
        .await;
    assert!(
        browser.html().await.contains("id=\"error-title\""),
        "{}",
        browser.text().await
    );
    assert_eq!(
        browser
            .eval("document.querySelector('input[name=bands][value=B]').checked")
            .await,
        true
    );
    browser.fill("#title", "我们学校门口的路").await;
    browser
        .eval("document.querySelector('input[name=allSchools]').checked = false")
        .await;
    let school = format!(
        "document.querySelector('input[name=schools][value=\"{}\"]').checked = true",
        world.school_a
    );
    browser.eval(&school).await;
    browser.screenshots("coordinator-campaign-new").await;
    browser
        .click_and_wait("form[action='/console/campaigns'] button[type=submit]")
        .await;
    assert!(
        browser.text().await.contains("已保存为草稿"),
        "{}",
        browser.text().await
    );

    let campaigns = "{ campaigns { id title state allSchools schoolIds } }";
    let listed = app
        .graphql_as(Some(&world.coordinator.token), campaigns, json!({}))
        .await;
    let campaign = listed.ok()["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "我们学校门口的路")
        .cloned()
        .unwrap();
    assert_eq!(campaign["state"], "DRAFT");
    assert_eq!(campaign["schoolIds"], json!([world.school_a]));
    let id = campaign["id"].as_str().unwrap();

    browser
        .goto(&app.url(&format!("/console/campaigns/{id}")))
        .await;
    assert_eq!(
        browser.eval("document.getElementById('title').value").await,
        "我们学校门口的路"
    );
    browser.fill("#title", "上学路上的安全").await;
    browser
        .click_and_wait(&format!(
            "form[action='/console/campaigns/{id}/edit'] button[type=submit]"
        ))
        .await;
    assert!(browser.text().await.contains("修改已保存"));
    browser
        .click_and_wait(&format!(
            "form[action='/console/campaigns/{id}/open'] button"
        ))
        .await;
    assert!(browser.text().await.contains("已开始征集"));

    // Children of that school see it; the other school's do not.
    let open = "{ openCampaigns { title } }";
    for (class, expected) in [(&world.class_a, true), (&world.class_b, false)] {
        let token =
            crate::helpers::world::child_token(&app, &class.code, &class.children[0].pin).await;
        let seen = app.graphql_as(Some(&token), open, json!({})).await;
        let titles = seen.ok()["openCampaigns"].to_string();
        assert_eq!(titles.contains("上学路上的安全"), expected, "{titles}");
    }
}
