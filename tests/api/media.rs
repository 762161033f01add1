//! Children's drawings and photos: hostile files refused with their codes while the server
//! serves on, a phone photo turned upright with its metadata gone, and who may see an image.

use image::{ImageEncoder, RgbImage};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::world::{World, child_token};

both_databases!(
    hostile_files_are_refused_with_their_codes_and_the_server_serves_on,
    a_phone_photo_comes_out_upright_without_metadata,
    only_the_uploader_and_the_childs_teachers_see_an_image,
    drawings_attach_to_proposals_only_when_they_are_the_childs_own,
    a_teacher_covers_a_face_and_marks_a_drawing_fit_for_the_public,
    a_department_sees_an_image_once_its_proposal_is_routed_there,
    the_public_sees_a_publishable_image_once_published_and_covered_if_covered,
);

pub async fn upload(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str("image/jpeg")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let mut request = app.client.post(app.url("/media")).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn fetch(
    app: &TestApp,
    token: Option<&str>,
    id: &str,
    rendition: &str,
) -> (u16, Vec<u8>) {
    let mut request = app.client.get(app.url(&format!("/media/{id}/{rendition}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.bytes().await.unwrap().to_vec(),
    )
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_pixel(width, height, image::Rgb([200, 100, 50]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&image, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A small PNG whose header claims another size (the CRC made to match).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG as a phone writes it: EXIF with orientation 6 (turn right) and a GPS position.
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let plain = jpeg(width, height);
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    photo.extend_from_slice(&app1);
    photo.extend_from_slice(&plain[2..]);
    photo
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

async fn hostile_files_are_refused_with_their_codes_and_the_server_serves_on(app: TestApp) {
    let world = World::build(&app).await;
    let child = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let mut truncated = jpeg(800, 600);
    truncated.truncate(truncated.len() * 6 / 10);
    let mut polyglot = jpeg(64, 64);
    polyglot.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00secret.txt");
    let random: Vec<u8> = (0..4096u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "huge.png",
            png_claiming(100_000, 100_000),
            "TOO_MANY_PIXELS",
        ),
        ("big.png", png_claiming(19_000, 19_000), "TOO_MANY_PIXELS"),
        ("cut.jpg", truncated, "CORRUPT"),
        ("noise.jpg", random, "UNSUPPORTED_FORMAT"),
        (
            "drawing.jpg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x</script></svg>".to_vec(),
            "UNSUPPORTED_FORMAT",
        ),
        (
            "page.jpg",
            b"<!doctype html><html><body>hi</body></html>".to_vec(),
            "UNSUPPORTED_FORMAT",
        ),
        ("both.jpg", polyglot, "UNSUPPORTED_FORMAT"),
    ];
    let before = resident_kib();
    for (name, bytes, code) in cases {
        let (status, body) = upload(&app, Some(&child), name, bytes).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(body["state"], "rejected", "{name}");
        assert_eq!(body["code"], code, "{name}: {body}");
    }
    let (status, body) = upload(
        &app,
        Some(&child),
        "too-big.jpg",
        vec![0xFF; 9 * 1024 * 1024],
    )
    .await;
    assert_eq!(status, 413, "{body}");
    let grown = resident_kib().saturating_sub(before);
    assert!(
        grown < 300 * 1024,
        "memory stayed bounded: grew {grown} KiB"
    );
    let (status, body) = upload(&app, Some(&child), "fine.png", png(300, 200)).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (201, Some("ready")),
        "{body}"
    );
    app.assert_still_serving().await;
}

async fn a_phone_photo_comes_out_upright_without_metadata(app: TestApp) {
    let world = World::build(&app).await;
    let child = child_token(&app, &world.class_b.code, &world.class_b.children[0].pin).await;
    let (status, body) = upload(&app, Some(&child), "IMG_0001.JPG", phone_photo(400, 200)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(200), Some(400)),
        "turned upright"
    );
    let (status, display) =
        fetch(&app, Some(&child), body["id"].as_str().unwrap(), "display").await;
    assert_eq!(status, 200);
    let decoded = image::load_from_memory(&display).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (200, 400));
    assert!(!display.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    assert!(
        !display.windows(2).any(|w| w == [0xFF, 0xE1]),
        "no APP1 segment (EXIF, XMP) left"
    );
    let (_, thumbnail) = fetch(
        &app,
        Some(&child),
        body["id"].as_str().unwrap(),
        "thumbnail",
    )
    .await;
    let small = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (160, 320),
        "at most 320 px"
    );
}

async fn only_the_uploader_and_the_childs_teachers_see_an_image(app: TestApp) {
    let world = World::build(&app).await;
    let child = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let (_, body) = upload(&app, Some(&child), "swing.png", png(2000, 1000)).await;
    let id = body["id"].as_str().unwrap().to_owned();
    let classmate = child_token(&app, &world.class_a.code, &world.class_a.children[1].pin).await;
    let expected: [(Option<&str>, u16); 7] = [
        (Some(&child), 200),
        (Some(&world.teacher_a.token), 200),
        (Some(&classmate), 404),
        (Some(&world.teacher_b.token), 404),
        (Some(&world.lead_b.token), 404),
        (Some(&world.clerk.token), 404),
        (None, 401),
    ];
    for (token, status) in expected {
        assert_eq!(fetch(&app, token, &id, "display").await.0, status);
    }
    let (_, display) = fetch(&app, Some(&child), &id, "display").await;
    let decoded = image::load_from_memory(&display).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (1600, 800),
        "long edge at most 1,600 px"
    );
    assert_eq!(
        fetch(&app, Some(&child), &id, "original").await.0,
        404,
        "no other rendition"
    );
    let (status, _) = upload(&app, None, "x.png", png(10, 10)).await;
    assert_eq!(status, 401);
    let (status, _) = upload(&app, Some(&world.clerk.token), "x.png", png(10, 10)).await;
    assert_eq!(status, 403, "only children and teachers upload");
    let _ = json!({});
}

async fn drawings_attach_to_proposals_only_when_they_are_the_childs_own(app: TestApp) {
    let world = World::build(&app).await;
    let campaign =
        crate::helpers::world::open_campaign(&app, &world.coordinator, &["B"], None).await;
    let pupil = &world.class_a.children[0];
    crate::helpers::world::record_consent(&app, &world.teacher_a, &pupil.id).await;
    let child = child_token(&app, &world.class_a.code, &pupil.pin).await;
    let classmate = child_token(&app, &world.class_a.code, &world.class_a.children[1].pin).await;
    let (_, mine) = upload(&app, Some(&child), "drawing.png", png(640, 480)).await;
    let (_, theirs) = upload(&app, Some(&classmate), "theirs.png", png(640, 480)).await;
    let (_, broken) = upload(
        &app,
        Some(&child),
        "broken.png",
        png_claiming(50_000, 50_000),
    )
    .await;
    let submit = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { answers { key media } } }";
    let with = |media: &Value| {
        json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(), "topic": "safety",
            "consentToPublish": false, "answers": [{ "key": "noticed", "text": "路口没有斑马线" }, { "key": "idea", "text": "画斑马线" },
            { "key": "drawing", "media": [media] }] } })
    };
    for unusable in [
        &theirs["id"],
        &broken["id"],
        &json!("01a2aaaa-0000-7000-8000-000000000000"),
    ] {
        let refused = app.graphql_as(Some(&child), submit, with(unusable)).await;
        assert_eq!(refused.error_code(), Some("VALIDATION"), "{}", refused.body);
        assert_eq!(
            refused.body["errors"][0]["extensions"]["fields"][0]["code"],
            "MEDIA_NOT_USABLE"
        );
    }
    let accepted = app
        .graphql_as(Some(&child), submit, with(&mine["id"]))
        .await;
    let drawing = &accepted.ok()["submitProposal"]["answers"][2];
    assert_eq!(drawing["key"], "drawing");
    assert_eq!(drawing["media"], json!([mine["id"]]));
}

async fn a_teacher_covers_a_face_and_marks_a_drawing_fit_for_the_public(app: TestApp) {
    let world = World::build(&app).await;
    let child = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let photo = {
        let image = RgbImage::from_pixel(400, 300, image::Rgb([20, 200, 20]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image)
            .unwrap();
        out
    };
    let (_, uploaded) = upload(&app, Some(&child), "class.jpg", photo).await;
    let id = uploaded["id"].as_str().unwrap().to_owned();
    let cover =
        "mutation($m: ID!, $r: [RegionInput!]!) { coverMedia(id: $m, regions: $r) { covered } }";
    let face = json!([{ "x": 0.0, "y": 0.0, "width": 0.5, "height": 0.5 }]);
    for (token, code) in [
        (&world.teacher_b.token, "NOT_FOUND"),
        (&child, "NOT_FOUND"),
        (&world.lead_a.token, "NOT_FOUND"),
    ] {
        assert_eq!(
            app.graphql_as(Some(token), cover, json!({ "m": id, "r": face }))
                .await
                .error_code(),
            Some(code)
        );
    }
    let outside = app
        .graphql_as(
            Some(&world.teacher_a.token),
            cover,
            json!({ "m": id, "r": [{ "x": 0.8, "y": 0.0, "width": 0.5, "height": 0.1 }] }),
        )
        .await;
    assert_eq!(
        outside.body["errors"][0]["extensions"]["fields"][0]["path"],
        json!(["regions", "0"])
    );
    let covered = app
        .graphql_as(
            Some(&world.teacher_a.token),
            cover,
            json!({ "m": id, "r": face }),
        )
        .await;
    assert_eq!(covered.ok()["coverMedia"]["covered"], true);

    let (status, bytes) = fetch(&app, Some(&world.teacher_a.token), &id, "covered").await;
    assert_eq!(status, 200);
    let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let grey = |p: &image::Rgb<u8>| p.0.iter().all(|c| (110..=146).contains(c));
    assert!(
        grey(image.get_pixel(50, 50)),
        "the covered corner is grey: {:?}",
        image.get_pixel(50, 50)
    );
    assert!(!grey(image.get_pixel(350, 250)), "the rest is as it was");
    let (_, display) = fetch(&app, Some(&world.teacher_a.token), &id, "display").await;
    let original = image::load_from_memory(&display).unwrap().to_rgb8();
    assert!(
        !grey(original.get_pixel(50, 50)),
        "the display rendition is untouched"
    );

    let publish =
        "mutation($m: ID!) { setMediaPublishable(id: $m, publishable: true) { publishable } }";
    assert_eq!(
        app.graphql_as(Some(&child), publish, json!({ "m": id }))
            .await
            .error_code(),
        Some("NOT_FOUND")
    );
    let marked = app
        .graphql_as(Some(&world.teacher_a.token), publish, json!({ "m": id }))
        .await;
    assert_eq!(marked.ok()["setMediaPublishable"]["publishable"], true);
}

#[tokio::test]
async fn hostile_files_are_refused_also_when_images_are_decoded_on_threads() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .media_on_threads()
        .spawn()
        .await;
    hostile_files_are_refused_with_their_codes_and_the_server_serves_on(app).await;
}

#[tokio::test]
async fn a_worker_that_runs_out_of_memory_costs_one_upload_not_the_server() {
    // Room for the worker and a small image, not for decoding a 12-megapixel one.
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .media_memory_mb(80)
        .spawn()
        .await;
    let world = World::build(&app).await;
    let child = child_token(&app, &world.class_a.code, &world.class_a.children[0].pin).await;
    let (status, body) = upload(&app, Some(&child), "small.png", png(300, 200)).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (201, Some("ready")),
        "the worker runs within the limit: {body}"
    );
    let (status, body) = upload(&app, Some(&child), "large.png", png(4000, 3000)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["code"], "CORRUPT",
        "the worker ran out of memory and died"
    );
    app.assert_still_serving().await;
    let (status, _) = upload(&app, Some(&child), "again.png", png(300, 200)).await;
    assert_eq!(status, 201, "and the next upload is processed as usual");
}

async fn a_department_sees_an_image_once_its_proposal_is_routed_there(app: TestApp) {
    let world = World::build(&app).await;
    let campaign =
        crate::helpers::world::open_campaign(&app, &world.coordinator, &["B"], None).await;
    let pupil = &world.class_a.children[0];
    crate::helpers::world::record_consent(&app, &world.teacher_a, &pupil.id).await;
    let child = child_token(&app, &world.class_a.code, &pupil.pin).await;
    let (_, drawing) = upload(&app, Some(&child), "swing.png", png(640, 480)).await;
    let media = drawing["id"].as_str().unwrap().to_owned();
    let submit = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";
    let input = json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": "秋千坏了" }, { "key": "idea", "text": "修好秋千" },
            { "key": "drawing", "media": [media] }] } });
    let submitted = app.graphql_as(Some(&child), submit, input).await;
    let proposal = submitted.ok()["submitProposal"]["id"].clone();
    app.run_pending().await;
    assert_eq!(
        fetch(&app, Some(&world.clerk.token), &media, "display")
            .await
            .0,
        404,
        "not before it is routed"
    );

    let moderate = "mutation($p: ID!, $m: ID!) { moderateProposal(id: $p, input: { decision: APPROVE, media: [{ id: $m, publishable: true }] }) { status media { id publishable } } }";
    let approved = app
        .graphql_as(
            Some(&world.teacher_a.token),
            moderate,
            json!({ "p": proposal, "m": media }),
        )
        .await;
    let approved = approved.ok()["moderateProposal"].clone();
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(
        approved["media"],
        json!([{ "id": media, "publishable": true }])
    );
    // Places to play go to the construction bureau, the clerk's department.
    assert_eq!(
        fetch(&app, Some(&world.clerk.token), &media, "display")
            .await
            .0,
        200
    );
    let transport = app
        .graphql("{ department(code: \"transport\") { id } }", json!({}))
        .await;
    let transport = transport.ok()["department"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = crate::helpers::world::staff(
        &app,
        &world.coordinator,
        "clerk.transport",
        "DEPARTMENT_STAFF",
        None,
        Some(&transport),
    )
    .await;
    assert_eq!(
        fetch(&app, Some(&elsewhere.token), &media, "display")
            .await
            .0,
        404
    );
}

/// A child's drawing on a proposal that is approved with the drawing marked publishable,
/// answered and published: the image's id.
pub async fn publish_a_drawing(app: &TestApp, world: &World, child: &str) -> String {
    let campaign =
        crate::helpers::world::open_campaign(app, &world.coordinator, &["B"], None).await;
    let (_, drawing) = upload(app, Some(child), "swing.png", png(640, 480)).await;
    let media = drawing["id"].as_str().unwrap().to_owned();
    let submit = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";
    let input = json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": "places_to_play", "consentToPublish": true,
        "answers": [{ "key": "noticed", "text": "秋千坏了" }, { "key": "idea", "text": "我画了新秋千" },
            { "key": "drawing", "media": [media] }] } });
    let submitted = app.graphql_as(Some(child), submit, input).await;
    let proposal = submitted.ok()["submitProposal"]["id"].clone();
    app.run_pending().await;
    let moderate = "mutation($p: ID!, $m: ID!) { moderateProposal(id: $p, input: { decision: APPROVE, media: [{ id: $m, publishable: true }] }) { status } }";
    app.graphql_as(
        Some(&world.teacher_a.token),
        moderate,
        json!({ "p": proposal, "m": media }),
    )
    .await
    .ok();
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks(first: 50) { nodes { id proposalId } } }",
            json!({}),
        )
        .await;
    let task = tasks.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["proposalId"] == proposal)
        .unwrap()["id"]
        .clone();
    let sign = "mutation($t: ID!) { signForTask(taskId: $t) { state } }";
    app.graphql_as(Some(&world.clerk.token), sign, json!({ "t": task }))
        .await
        .ok();
    let answer = "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会装新秋千！\" }) { task { state } } }";
    app.graphql_as(Some(&world.clerk.token), answer, json!({ "t": task }))
        .await
        .ok();
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($p: ID!) { publishProposal(id: $p) { id } }",
        json!({ "p": proposal }),
    )
    .await
    .ok();
    media
}

async fn the_public_sees_a_publishable_image_once_published_and_covered_if_covered(app: TestApp) {
    let world = World::build(&app).await;
    let pupil = &world.class_a.children[0];
    crate::helpers::world::record_consent(&app, &world.teacher_a, &pupil.id).await;
    let child = child_token(&app, &world.class_a.code, &pupil.pin).await;
    let (_, private) = upload(&app, Some(&child), "face.png", png(640, 480)).await;
    let private = private["id"].as_str().unwrap().to_owned();
    assert_eq!(
        fetch(&app, None, &private, "display").await.0,
        401,
        "not published"
    );
    let media = publish_a_drawing(&app, &world, &child).await;
    let (status, shown) = fetch(&app, None, &media, "display").await;
    assert_eq!(status, 200, "published and publishable");
    let (_, original) = fetch(&app, Some(&child), &media, "display").await;
    assert_eq!(shown, original);
    // Once the teacher covers a region, the public sees only the covered rendition.
    let cover = "mutation($m: ID!) { coverMedia(id: $m, regions: [{ x: 0.1, y: 0.1, width: 0.3, height: 0.3 }]) { covered } }";
    app.graphql_as(Some(&world.teacher_a.token), cover, json!({ "m": media }))
        .await
        .ok();
    let (_, covered) = fetch(&app, None, &media, "display").await;
    let (_, covered_rendition) = fetch(&app, Some(&child), &media, "covered").await;
    assert_ne!(covered, original);
    assert_eq!(covered, covered_rendition);
    // Withdrawn from publishable: the public sees nothing.
    let unpublish =
        "mutation($m: ID!) { setMediaPublishable(id: $m, publishable: false) { publishable } }";
    app.graphql_as(
        Some(&world.teacher_a.token),
        unpublish,
        json!({ "m": media }),
    )
    .await
    .ok();
    assert_eq!(fetch(&app, None, &media, "display").await.0, 401);
}

#[tokio::test]
async fn a_page_of_the_review_queue_costs_the_same_sql_with_or_without_pictures() {
    let app = TestApp::builder(crate::helpers::Backend::Sqlite)
        .spawn()
        .await;
    let (world, campaign, child) = crate::helpers::world::class_with_child(&app).await;
    let submit = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }";
    // Oldest first: a picture, words, then two pictures: one picture on the first page, two on
    // the second.
    for n in 0..4 {
        let mut answers = vec![
            json!({ "key": "noticed", "text": format!("第{n}个秋千坏了") }),
            json!({ "key": "idea", "text": "修好秋千" }),
        ];
        if n != 1 {
            let (_, drawing) = upload(&app, Some(&child), "swing.png", png(320, 240)).await;
            answers.push(json!({ "key": "drawing", "media": [drawing["id"]] }));
        }
        let input = json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
            "topic": "places_to_play", "consentToPublish": true, "answers": answers } });
        app.graphql_as(Some(&child), submit, input).await.ok();
    }
    app.run_pending().await;
    let teacher = Some(world.teacher_a.token.as_str());
    // The teacher's session, read once, is then held in memory.
    app.graphql_as(teacher, "{ viewer { kind } }", json!({}))
        .await
        .ok();
    let queue = "query($c: ID!, $a: String) { moderationQueue(classId: $c, first: 2, after: $a) { nodes { id media { id width } } pageInfo { endCursor } } }";
    let mut after = Value::Null;
    let mut costs = Vec::new();
    let mut pictures = Vec::new();
    for _ in 0..2 {
        let before = app.statements().await;
        let page = app
            .graphql_as(teacher, queue, json!({ "c": world.class_a.id, "a": after }))
            .await;
        costs.push(app.statements().await - before);
        let page = page.ok()["moderationQueue"].clone();
        pictures.push(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|node| node["media"].as_array().unwrap().len())
                .sum::<usize>(),
        );
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pictures, [1, 2]);
    assert_eq!(
        costs[0], costs[1],
        "pictures cost no statement each: {costs:?}"
    );
}
