//! The built-in rules, as a teacher would see them work on what children write.

use crate::{Action, FindingKind, Options, Screener, Screening, cli};

fn screen(text: &str) -> Screening {
    Screener::builtin().screen(text, &Options { age: 10 })
}

/// The (kind, subkind, matched original text) of every finding.
fn found(text: &str) -> Vec<(FindingKind, &'static str, String)> {
    screen(text)
        .findings
        .into_iter()
        .map(|f| (f.kind, f.subkind, text[f.span].to_owned()))
        .collect()
}

fn subkinds(text: &str) -> Vec<&'static str> {
    screen(text).findings.iter().map(|f| f.subkind).collect()
}

#[test]
fn clean_proposals_are_publishable() {
    for text in [
        "公园里多放几个秋千",
        "学校门口的马路车太多了，希望装一个红绿灯。",
        "我妈妈的生日快到了，希望公园有花。",
    ] {
        assert_eq!(screen(text).action, Action::Publish, "{text}");
    }
}

#[test]
fn insults_are_found_with_their_span_through_evasions() {
    for (text, matched) in [
        ("你是傻逼", "傻逼"),
        ("你是傻 * 逼", "傻 * 逼"),
        ("你是ＳＢ吧", "ＳＢ"),
        ("你是s b吧", "s b"),
        ("你個王八蛋", "王八蛋"),
        ("你这个王八八八蛋", "王八八八蛋"),
        ("nmsl", "nmsl"),
        ("草泥马", "草泥马"),
    ] {
        let findings = found(text);
        assert_eq!(findings.len(), 1, "{text}: {findings:?}");
        assert_eq!(findings[0].0, FindingKind::Abuse, "{text}");
        assert_eq!(findings[0].2, matched, "{text}");
        assert_eq!(screen(text).action, Action::Review, "{text}");
    }
}

#[test]
fn latin_initials_do_not_match_inside_words() {
    assert_eq!(
        screen("我们需要 usb 充电口和 website").action,
        Action::Publish
    );
}

#[test]
fn violent_and_sexual_terms_need_a_look() {
    assert_eq!(found("我要杀了你")[0].0, FindingKind::Violence);
    assert_eq!(found("网上有色情图片")[0].0, FindingKind::Sexual);
}

#[test]
fn a_single_character_never_matches_and_ordinary_words_are_allowed() {
    for text in [
        "夏天蚊子太多了，希望小区定期喷杀虫药。",
        "我用2B铅笔画了一张图。",
        "希望13路公交车多开几班。",
        "我想死你了外婆！",
        "今天的故事笑死我了。",
        "请打我妈妈的电话问一下。",
        "公园的狗屎很恶心。",
        "我的小狗傻傻的，很可爱。",
        "我最喜欢射门。",
        "我们小区靠北边有个小公园。",
    ] {
        assert_eq!(screen(text).findings, vec![], "{text}");
    }
}

#[test]
fn safeguarding_signals_escalate_with_their_subkind() {
    for (text, subkind) in [
        ("我不想活了", "self_harm"),
        ("活着没意思", "self_harm"),
        ("爸爸昨天喝醉了又打我", "abuse_at_home"),
        ("妈妈总是用衣架打我", "abuse_at_home"),
        ("家里没人管我，我经常没饭吃", "neglect"),
        ("班上的同学总是欺负我", "bullying"),
        ("他们抢我的钱", "bullying"),
        ("邻居叔叔摸我，还说不许告诉别人", "sexual_abuse"),
        ("我不想活 了", "self_harm"),
        ("我不想活 了", "self_harm"),
    ] {
        let screening = screen(text);
        assert_eq!(screening.action, Action::Escalate, "{text}");
        assert!(subkinds(text).contains(&subkind), "{text}: {screening:?}");
    }
}

#[test]
fn a_pair_too_far_apart_is_not_a_signal() {
    assert_eq!(
        screen("爸爸说周末带我去公园玩，然后我们一起去打球，晚上再给我打电话").action,
        Action::Publish
    );
}

#[test]
fn mobile_numbers_in_every_form_are_redactions_with_their_span() {
    for (text, matched) in [
        ("我的电话是13812345678", "13812345678"),
        ("打 138 1234 5678 找我", "138 1234 5678"),
        ("号码138-1234-5678", "138-1234-5678"),
        ("电话１３８１２３４５６７８", "１３８１２３４５６７８"),
        ("一三八一二三四五六七八", "一三八一二三四五六七八"),
        ("+86 13812345678", "86 13812345678"),
    ] {
        let findings = found(text);
        assert_eq!(findings.len(), 1, "{text}: {findings:?}");
        assert_eq!(findings[0].1, "mobile", "{text}");
        assert_eq!(findings[0].2, matched, "{text}");
        assert_eq!(screen(text).action, Action::Redact, "{text}");
    }
}

#[test]
fn resident_id_numbers_count_only_with_a_valid_checksum() {
    assert_eq!(subkinds("身份证11010519491231002X"), ["id_number"]);
    assert_eq!(subkinds("身份证 110105194912310021"), Vec::<&str>::new());
}

#[test]
fn qq_and_wechat_ids_count_near_their_context_words() {
    assert_eq!(subkinds("加我QQ：12345678"), ["qq"]);
    assert_eq!(subkinds("我的扣扣是 987654321"), ["qq"]);
    assert_eq!(subkinds("微信号 xiaoming_2015"), ["wechat"]);
    assert_eq!(subkinds("我们班有12345678个想法"), Vec::<&str>::new());
}

#[test]
fn email_addresses_homes_and_full_names_are_redactions() {
    assert_eq!(found("邮箱 xiaoming@qq.com")[0].2, "xiaoming@qq.com");
    assert_eq!(
        found("我家住在人民路25号3栋201室")[0].2,
        "人民路25号3栋201室"
    );
    assert_eq!(found("我家在阳光花园3栋2单元")[0].2, "阳光花园3栋2单元");
    assert_eq!(found("我家住在张家村，离学校很远")[0].2, "张家村");
    assert_eq!(found("我叫王小明，今年九岁")[0].2, "王小明");
    assert_eq!(found("姓名：欧阳娜娜")[0].2, "欧阳娜娜");
}

#[test]
fn grades_years_scores_buses_and_times_are_not_personal_information() {
    for text in [
        "我今年上四年级，2025年入学",
        "数学考了98分",
        "13路和101路公交车",
        "下午3点半放学，早上7:30到校",
        "我们学校有1200个学生",
        "我叫妈妈一起去公园",
    ] {
        assert_eq!(screen(text).findings, vec![], "{text}");
    }
}

#[test]
fn the_most_severe_finding_decides_the_action() {
    let screening = screen("你这个笨蛋，我的电话是13812345678，我不想活了");
    assert_eq!(screening.action, Action::Escalate);
}

#[test]
fn every_reason_has_kind_feedback_for_every_band_without_the_childs_words() {
    let screener = Screener::builtin();
    for reason in crate::REASONS {
        let young = screener.feedback(reason, Options { age: 7 }.band());
        let old = screener.feedback(reason, Options { age: 16 }.band());
        assert!(young.is_some() && old.is_some(), "{reason}");
        assert_ne!(young, old, "{reason}");
        for text in [young, old].into_iter().flatten() {
            assert_eq!(screen(text).action, Action::Publish, "{text}");
        }
    }
    assert_eq!(screener.feedback("no_such_reason", crate::Band::B), None);
}

#[test]
fn the_command_writes_one_json_line_per_text_with_character_offsets() {
    let input = "公园里多放秋千\n他说我是傻逼\n我的电话是13812345678\n";
    let mut output = Vec::new();
    let result = cli::screen_lines(
        Screener::builtin(),
        &Options { age: 9 },
        input.as_bytes(),
        &mut output,
    );
    assert!(result.is_ok());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["action"], "publish");
    assert_eq!(lines[0]["findings"], serde_json::json!([]));
    assert_eq!(lines[1]["action"], "review");
    assert_eq!(
        lines[1]["findings"][0],
        serde_json::json!({"kind": "abuse", "subkind": "insult", "start": 4, "end": 6})
    );
    assert_eq!(lines[2]["findings"][0]["subkind"], "mobile");
    assert_eq!(lines[2]["findings"][0]["start"], 5);
    assert_eq!(lines[2]["findings"][0]["end"], 16);
}
