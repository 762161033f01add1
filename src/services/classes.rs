//! A teacher's tools for their class: create it, enrol children (PINs shown once), reset a PIN,
//! issue and void QR badges.

use std::collections::HashSet;

use crate::domain::children::{BirthMonth, Child, Pin, Pseudonym};
use crate::domain::classes::{Class, ClassCode, Grade, parse_class_name};
use crate::domain::ids::{ChildId, ClassId, SchoolId};
use crate::domain::people::{Actor, Role};
use crate::error::AppError;
use crate::secrets::{random_token, token_digest};
use crate::services::access::ClassTeacher;
use crate::state::AppState;
use crate::store;
use crate::store::children::NewChild;

pub struct NewClass {
    pub grade: i32,
    pub name: String,
    pub school_year: i32,
}

/// Teachers: creates a class in their own school and makes them its teacher.
pub async fn create_class(
    state: &AppState,
    actor: &Actor,
    input: NewClass,
) -> Result<Class, AppError> {
    let staff = actor.staff()?;
    let (Role::Teacher, Some(school_id)) = (staff.member.role, staff.member.school_id) else {
        return Err(AppError::Forbidden);
    };
    let grade = Grade::parse(input.grade, &["input", "grade"])?;
    let name = parse_class_name(&input.name, &["input", "name"])?;
    if !(2020..=2100).contains(&input.school_year) {
        return Err(AppError::validation(
            &["input", "schoolYear"],
            "OUT_OF_RANGE",
            "学年不对。",
        ));
    }
    let class = new_class(state, school_id, grade, name, input.school_year).await?;
    store::classes::add_teacher(&state.db, class.id, staff.member.id).await?;
    Ok(class)
}

async fn new_class(
    state: &AppState,
    school_id: SchoolId,
    grade: Grade,
    name: String,
    school_year: i32,
) -> Result<Class, AppError> {
    for _ in 0..20 {
        let code = ClassCode::random(&mut rand::rng());
        if store::classes::find_by_code(&state.db, &code)
            .await?
            .is_some()
        {
            continue;
        }
        let class = Class {
            id: ClassId::new(),
            school_id,
            code,
            grade,
            name,
            school_year,
            sign_in_locked: false,
        };
        store::classes::insert(&state.db, &class, state.clock.now()).await?;
        return Ok(class);
    }
    Err(AppError::internal(anyhow::anyhow!(
        "no free class code after 20 tries"
    )))
}

/// Teachers: the classes they teach.
pub async fn my_classes(state: &AppState, actor: &Actor) -> Result<Vec<Class>, AppError> {
    let staff = actor.staff()?;
    if staff.member.role != Role::Teacher {
        return Ok(Vec::new());
    }
    Ok(store::classes::taught_by(&state.db, staff.member.id).await?)
}

/// One child to enrol, as the teacher typed it.
pub struct Enrolment {
    pub pseudonym: String,
    pub birth_year: i32,
    pub birth_month: i32,
}

/// The class's teacher: enrols children, all or none. Each gets a PIN, returned only now.
/// Every row is checked first; the errors name each row (`["children", 3, "pseudonym"]`).
pub async fn enrol_children(
    state: &AppState,
    teacher: &ClassTeacher,
    entries: Vec<Enrolment>,
) -> Result<Vec<(Child, Pin)>, AppError> {
    let today = state.clock.now().date_naive();
    let existing = store::children::pins_and_names(&state.db, teacher.class.id).await?;
    let mut names: HashSet<String> = existing
        .iter()
        .map(|(_, name)| name.to_lowercase())
        .collect();
    let mut digests: HashSet<String> = existing.into_iter().map(|(digest, _)| digest).collect();
    if entries.is_empty() || entries.len() > 100 {
        return Err(AppError::validation(
            &["children"],
            "COUNT",
            "一次可以登记 1 到 100 个孩子。",
        ));
    }
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for (row, entry) in entries.iter().enumerate() {
        let row_text = row.to_string();
        let path = |field: &'static str| ["children", row_text.as_str(), field].map(str::to_owned);
        let pseudonym = Pseudonym::parse(&entry.pseudonym, &["children", &row_text, "pseudonym"]);
        let birth = BirthMonth::parse(
            entry.birth_year,
            entry.birth_month,
            today,
            &["children", &row_text, "birthMonth"],
        );
        match (pseudonym, birth) {
            (Ok(pseudonym), Ok(birth)) => {
                if !names.insert(pseudonym.as_str().to_lowercase()) {
                    let [a, b, c] = path("pseudonym");
                    problems.push(crate::error::FieldError::new(
                        &[&a, &b, &c],
                        "DUPLICATE",
                        "班里已经有同样的昵称了。",
                    ));
                } else {
                    parsed.push((pseudonym, birth));
                }
            }
            (pseudonym, birth) => {
                for error in [pseudonym.err(), birth.err()].into_iter().flatten() {
                    if let AppError::Validation(fields) = error {
                        problems.extend(fields);
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let now = state.clock.now();
    let mut enrolled = Vec::with_capacity(parsed.len());
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    for (pseudonym, birth) in parsed {
        let (pin, digest) = fresh_pin(state, teacher.class.id, &mut digests);
        let id = ChildId::new();
        let row = NewChild {
            id,
            class_id: teacher.class.id,
            pseudonym: &pseudonym,
            birth,
            pin_digest: digest,
        };
        store::children::insert(&transaction, row, now).await?;
        enrolled.push((
            Child {
                id,
                class_id: teacher.class.id,
                pseudonym,
                birth,
                consent: None,
            },
            pin,
        ));
    }
    transaction.commit().await?;
    Ok(enrolled)
}

/// A PIN no other child of the class has.
fn fresh_pin(state: &AppState, class: ClassId, taken: &mut HashSet<String>) -> (Pin, String) {
    loop {
        let pin = Pin::random(&mut rand::rng());
        let digest = state.secrets.pin_digest(class, &pin);
        if taken.insert(digest.clone()) {
            return (pin, digest);
        }
    }
}

/// The class's teacher: gives a child a new PIN (the old one stops working) and unlocks the
/// class's PIN sign-in if too many failures had locked it.
pub async fn reset_pin(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
) -> Result<(Child, Pin), AppError> {
    let child = child_of_class(state, teacher, child).await?;
    let mut taken: HashSet<String> = store::children::pins_and_names(&state.db, teacher.class.id)
        .await?
        .into_iter()
        .map(|(digest, _)| digest)
        .collect();
    let (pin, digest) = fresh_pin(state, teacher.class.id, &mut taken);
    store::children::set_pin_digest(&state.db, child.id, digest).await?;
    store::classes::unlock_sign_in(&state.db, teacher.class.id).await?;
    Ok((child, pin))
}

async fn child_of_class(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
) -> Result<Child, AppError> {
    match store::children::find(&state.db, child).await? {
        Some(child) if child.class_id == teacher.class.id => Ok(child),
        _ => Err(AppError::NotFound),
    }
}

/// The named children of the class, or all of them when `children` is `None`.
async fn chosen(
    state: &AppState,
    teacher: &ClassTeacher,
    children: Option<Vec<ChildId>>,
) -> Result<Vec<Child>, AppError> {
    let all = store::children::all_in_class(&state.db, teacher.class.id).await?;
    let Some(wanted) = children else {
        return Ok(all);
    };
    let wanted: HashSet<_> = wanted.into_iter().collect();
    let found: Vec<_> = all
        .into_iter()
        .filter(|child| wanted.contains(&child.id))
        .collect();
    if found.len() != wanted.len() {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

/// The class's teacher: new QR badges for some or all children; a child's older badges stop
/// working. Each badge token is returned only now.
pub async fn issue_badges(
    state: &AppState,
    teacher: &ClassTeacher,
    children: Option<Vec<ChildId>>,
) -> Result<Vec<(Child, String)>, AppError> {
    let children = chosen(state, teacher, children).await?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let ids: Vec<_> = children.iter().map(|child| child.id).collect();
    let voided = store::children::void_badges(&transaction, &ids, now).await?;
    store::sessions::revoke_for_badges(&transaction, &voided, now).await?;
    let mut issued = Vec::with_capacity(children.len());
    for child in children {
        let token = random_token();
        store::children::insert_badge(
            &transaction,
            child.id,
            token_digest(&token),
            teacher.staff.member.id,
            now,
        )
        .await?;
        issued.push((child, token));
    }
    transaction.commit().await?;
    Ok(issued)
}

/// The class's teacher: voids the badges of some or all children, and ends the sessions opened
/// with them. Returns how many badges were voided.
pub async fn void_badges(
    state: &AppState,
    teacher: &ClassTeacher,
    children: Option<Vec<ChildId>>,
) -> Result<usize, AppError> {
    let children = chosen(state, teacher, children).await?;
    let ids: Vec<_> = children.iter().map(|child| child.id).collect();
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let voided = store::children::void_badges(&transaction, &ids, now).await?;
    store::sessions::revoke_for_badges(&transaction, &voided, now).await?;
    transaction.commit().await?;
    Ok(voided.len())
}
