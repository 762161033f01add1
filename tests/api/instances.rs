//! Many instances on one PostgreSQL and one Redis, each with its own data directory, as a
//! district runs them behind a load balancer: what one instance takes in, the others serve,
//! hear and enforce, and one going away loses nothing.

use serde_json::json;

use crate::helpers::world::{class_with_child, submit};
use crate::helpers::{Backend, TestApp};
use crate::media::{fetch, upload};

#[tokio::test]
async fn three_instances_with_their_own_data_directories_act_as_one() {
    let (Some(_), Some(_)) = (
        crate::helpers::databases::test_database_url(),
        crate::helpers::databases::test_redis_url(),
    ) else {
        return crate::helpers::databases::skip_or_fail("TEST_DATABASE_URL and TEST_REDIS_URL");
    };
    let mut first = TestApp::builder(Backend::Postgres).spawn().await;
    let second = first.another_instance().spawn().await;
    let third = first.another_instance().spawn().await;
    assert_ne!(first.data_dir(), second.data_dir());
    assert_ne!(second.data_dir(), third.data_dir());
    let (world, campaign, child) = class_with_child(&first).await;

    // An image uploaded through one is served by the others (and no instance wrote a file).
    let photo = {
        let image = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 120, 40]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&image)
            .unwrap();
        jpeg
    };
    let (status, media) = upload(&first, Some(&child), "swing.jpg", photo).await;
    assert_eq!(status, 201, "{media}");
    let id = media["id"].as_str().unwrap();
    for other in [&second, &third] {
        let (status, bytes) = fetch(other, Some(&child), id, "display").await;
        assert_eq!(status, 200);
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
    }
    for instance in [&first, &second, &third] {
        assert!(
            !instance.data_dir().join("media").exists(),
            "images are in the record, not on an instance's disk"
        );
    }

    // Each outbox row is handled by exactly one instance, however many poll at once.
    for n in 0..5 {
        submit(
            &first,
            &child,
            &campaign,
            "places_to_play",
            &[("noticed", &format!("第{n}个秋千坏了")), ("idea", "修好它")],
        )
        .await;
    }
    let (a, b, c) = tokio::join!(
        first.run_pending(),
        second.run_pending(),
        third.run_pending()
    );
    assert_eq!(a + b + c, 5, "each row once: {a} + {b} + {c}");

    // An instance going away loses nothing: what it took in, another screens.
    let last = submit(
        &first,
        &child,
        &campaign,
        "places_to_play",
        &[("noticed", "滑梯有裂缝"), ("idea", "换一个新的")],
    )
    .await;
    first.shut_down().await.unwrap();
    assert_eq!(second.run_pending().await, 1);
    let mine = second
        .graphql_as(
            Some(&child),
            "{ myProposals(first: 1) { nodes { id status } } }",
            json!({}),
        )
        .await;
    let newest = &mine.ok()["myProposals"]["nodes"][0];
    assert_eq!(newest["id"], last.as_str());
    assert_eq!(newest["status"], "AWAITING_REVIEW");
    // A sign-out through one instance ends the session on every instance.
    let token = crate::helpers::world::child_token(
        &second,
        &world.class_a.code,
        &world.class_a.children[0].pin,
    )
    .await;
    second
        .graphql_as(Some(&token), "mutation { signOut }", json!({}))
        .await
        .ok();
    let after = third
        .graphql_as(Some(&token), "{ viewer { kind } }", json!({}))
        .await;
    assert_eq!(
        after.ok()["viewer"]["kind"],
        "ANONYMOUS",
        "the token is nobody's now"
    );

    // Rate limits count across instances: ten submissions an hour for a child, wherever sent.
    for n in 0..4 {
        let instance = if n % 2 == 0 { &second } else { &third };
        submit(
            instance,
            &child,
            &campaign,
            "places_to_play",
            &[("noticed", &format!("第{n}个路灯坏了")), ("idea", "修路灯")],
        )
        .await;
    }
    let over = third
        .graphql_as(
            Some(&child),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({ "i": {
                "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                "topic": "places_to_play", "consentToPublish": true,
                "answers": [{ "key": "noticed", "text": "第十一个" }, { "key": "idea", "text": "再修" }],
            }}),
        )
        .await;
    assert_eq!(over.error_code(), Some("RATE_LIMITED"));
}
