//! Disclosures of harm, one test a category, each with the look-alikes that must not escalate.
//! The phrasings here are not the evaluation cases (`corpora/safeguarding-*.jsonl`, checked
//! below as a whole): they test the structure (who × what × to whom), with other words.

use crate::evaluation::{evaluate, read_cases};
use crate::{Action, FindingKind, Options, Screener};

fn escalated_as(text: &str) -> Option<&'static str> {
    let screening = Screener::builtin().screen(text, &Options { age: 11 });
    (screening.action == Action::Escalate).then(|| {
        screening
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::Safeguarding)
            .map_or("", |f| f.subkind)
    })
}

fn all_escalate(texts: &[&str]) {
    for text in texts {
        assert!(escalated_as(text).is_some(), "not escalated: {text}");
    }
}

fn none_escalate(texts: &[&str]) {
    for text in texts {
        assert_eq!(escalated_as(text), None, "escalated: {text}");
    }
}

#[test]
fn thoughts_of_dying_with_or_without_a_method() {
    all_escalate(&[
        "我不想活下去了",
        "我想从天台跳下去",
        "我把零花钱全都给了朋友，反正以后也不需要了",
        "没有我的话妈妈会更轻松",
        "我用刀片割伤自己",
        "我攒了好多片药",
    ]);
    none_escalate(&[
        "今天体育课累死了",
        "笑死我了哈哈",
        "奶奶我想死你们了",
        "热得要命",
    ]);
}

#[test]
fn violence_at_home_against_the_child_or_seen() {
    all_escalate(&[
        "我继母拿扫把打我",
        "我爸一喝多就打我妈",
        "外婆用开水烫我的手",
        "妈妈把我锁在阳台上一整晚",
        "他们一吵架我就躲进柜子里，爸爸会动手",
        "弟弟和我经常被打，一哭就打得更狠",
    ]);
    none_escalate(&[
        "爸爸打篮球很厉害",
        "妈妈给我打电话",
        "我和爸爸一起打扫房间",
        "把东西锁在柜子里就不会丢",
        "我们队在决赛里被打败了",
        "打针的时候我没有哭，被打了一针也不疼",
    ]);
}

#[test]
fn neglect_no_food_no_care_left_alone_kept_from_school() {
    all_escalate(&[
        "我已经一个星期没吃上饭了",
        "我肚子疼了好几天，没有人照顾我",
        "我一个人在家住了好几天",
        "爸爸不送我上学，说读书没用",
    ]);
    none_escalate(&[
        "今天没吃早饭就来上学了",
        "食堂的菜不够吃",
        "周末我一个人在家看书",
    ]);
}

#[test]
fn sexual_abuse_and_grooming() {
    all_escalate(&[
        "姨父摸我的屁股",
        "网上认识的人说要来找我，叫我不要告诉爸妈",
        "有人让我拍裸照",
        "他说这是我们的秘密",
    ]);
    none_escalate(&["妈妈摸摸我的头说我真棒", "希望学校讲讲怎么保护自己的身体"]);
}

#[test]
fn bullying_with_violence_money_or_threats() {
    all_escalate(&[
        "隔壁班的男生把我推下楼梯",
        "初中生拦住我要钱",
        "他们说要是告诉老师就打死我",
        "同学们孤立我，还往我身上吐口水打我",
    ]);
    none_escalate(&[
        "希望学校多讲讲怎么防止校园欺凌",
        "要是有人打我，我会告诉老师",
        "打人是不对的",
    ]);
}

#[test]
fn adults_at_school_running_away_labour_and_exploitation() {
    all_escalate(&[
        "教练用皮带抽我们",
        "老师罚我不许吃饭",
        "我被赶出了家，现在住在车站",
        "我三天没回家了",
        "我辍学了，在餐馆打工",
        "他们逼我去超市偷东西",
    ]);
    none_escalate(&[
        "老师罚我们多写一遍作业",
        "我读的故事里，主人公离家出走去找宝藏",
        "暑假我去爸爸的店里帮忙，很开心",
    ]);
}

#[test]
fn a_disclosure_inside_an_ordinary_proposal_escalates() {
    all_escalate(&[
        "希望多装路灯，因为爸爸喝了酒会打人，我不敢回家",
        "操场的跑道坏了，还有，隔壁班的人天天抢我的钱",
    ]);
}

#[test]
fn the_evaluation_cases_all_land_where_they_should() {
    for (name, data) in [
        ("dev", include_str!("../corpora/safeguarding-dev.jsonl")),
        (
            "holdout",
            include_str!("../corpora/safeguarding-holdout.jsonl"),
        ),
        (
            "holdout2",
            include_str!("../corpora/safeguarding-holdout2.jsonl"),
        ),
        (
            "holdout3",
            include_str!("../corpora/safeguarding-holdout3.jsonl"),
        ),
        ("blind", include_str!("../corpora/safeguarding-blind.jsonl")),
        (
            "blind2",
            include_str!("../corpora/safeguarding-blind2.jsonl"),
        ),
        (
            "blind3",
            include_str!("../corpora/safeguarding-blind3.jsonl"),
        ),
        (
            "blind4",
            include_str!("../corpora/safeguarding-blind4.jsonl"),
        ),
        (
            "blind5",
            include_str!("../corpora/safeguarding-blind5.jsonl"),
        ),
    ] {
        let cases = read_cases(data).unwrap_or_else(|error| panic!("{name}: {error}"));
        let report = evaluate(Screener::builtin(), &cases);
        assert!(
            report.wrong.is_empty(),
            "{name}:\n{}",
            report.wrong.join("\n")
        );
    }
}

#[test]
fn the_classifier_holds_contempt_no_list_names_and_leaves_childrens_complaints_alone() {
    let screen = |text: &str| Screener::builtin().screen(text, &Options { age: 12 });
    for text in ["你们这些乡下人就是没素质", "女生就是笨，学不会数学"] {
        let screening = screen(text);
        assert_eq!(screening.action, Action::Review, "{text}");
        assert!(
            screening
                .findings
                .iter()
                .any(|f| f.subkind == "unkind_tone"),
            "{text}"
        );
        assert!(screening.unkind_permille >= 500, "{text}");
    }
    for text in [
        "小区里有人把狗屎留在草地上，很恶心",
        "我想要一个可以玩沙子的地方",
        "厕所太臭了，希望每天打扫",
    ] {
        assert_eq!(screen(text).action, Action::Publish, "{text}");
    }
}

#[test]
fn insults_in_pinyin_homophones_mixed_latin_parts_and_pictures_are_held() {
    let screen = |text: &str| Screener::builtin().screen(text, &Options { age: 12 });
    for text in [
        "你真是sha bi",
        "他就是个煞笔",
        "cnm别来烦我",
        "你是傻B吗",
        "tmd烦死了",
        "你女马的",
        "你🐴没了",
        "wang ba dan",
    ] {
        assert_eq!(screen(text).action, Action::Review, "{text}");
    }
    for text in [
        "我想要一个沙包",
        "WC在一楼",
        "妈妈买了草莓和马蹄",
        "我们班有个沙坑",
    ] {
        assert_eq!(screen(text).action, Action::Publish, "{text}");
    }
}

#[test]
fn personal_information_however_it_is_spelled() {
    let kinds = |text: &str| -> Vec<&'static str> {
        Screener::builtin()
            .screen(text, &Options { age: 12 })
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Pii)
            .map(|f| f.subkind)
            .collect()
    };
    assert_eq!(kinds("手机一五九，零零一二，三四五六"), ["mobile"]);
    assert_eq!(kinds("号码 159 然后 0012 然后 3456"), ["mobile"]);
    assert_eq!(kinds("邮箱 tom(at)qq(dot)com"), ["email"]);
    assert_eq!(kinds("写信到 t o m 艾特 1 2 6 点 com"), ["email"]);
    assert_eq!(kinds("加我企鹅号 一二三四五六七"), ["qq"]);
    assert_eq!(kinds("我叫欧阳娜娜"), ["name"]);
    for benign in [
        "3路车和15路车",
        "2026年12月1日",
        "我考了95分",
        "打12345反映",
    ] {
        assert!(kinds(benign).is_empty(), "{benign}");
    }
}

#[test]
fn the_personal_information_and_evasion_cases_all_land() {
    let cases = read_cases(include_str!("../corpora/pii-evasion-dev.jsonl"))
        .unwrap_or_else(|error| panic!("{error}"));
    let report = evaluate(Screener::builtin(), &cases);
    assert!(report.wrong.is_empty(), "{}", report.wrong.join("\n"));
}

#[test]
fn everyday_writing_about_home_and_feelings_never_escalates() {
    let everyday = include_str!("../corpora/children-everyday.txt");
    none_escalate(
        &everyday
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect::<Vec<_>>(),
    );
}
