//! A teacher's tools for their class: create it, enrol children (PINs shown once), reset a PIN,
//! issue and void QR badges.

use std::collections::HashSet;

use crate::domain::children::{Child, Pin};
use crate::domain::classes::{Class, ClassCode, Grade, parse_class_name};
use crate::domain::ids::{ChildId, ClassId, SchoolId};
use crate::domain::people::{Actor, Role};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::secrets::{random_token, token_digest};
use crate::services::access::ClassTeacher;
use crate::state::AppState;
use crate::store;
use crate::store::sessions::Ending;

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
            FieldCode::OutOfRange,
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

/// The class's teacher: gives a child a new PIN (the old one stops working) and unlocks the
/// class's PIN sign-in if too many failures had locked it.
pub async fn reset_pin(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
) -> Result<(Child, Pin), AppError> {
    let child = child_of_class(state, teacher, child).await?;
    let mut taken: HashSet<String> = store::children::pins_and_names(&state.db, teacher.class().id)
        .await?
        .into_iter()
        .map(|(digest, _)| digest)
        .collect();
    let (pin, digest) = super::enrolment::fresh_pin(state, teacher.class().id, &mut taken);
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::children::set_pin_digest(&transaction, child.id, digest).await?;
    store::classes::unlock_sign_in(&transaction, teacher.class().id).await?;
    // Whoever signed in with the old PIN is signed out: the reset is how a teacher shuts out
    // someone who learned it.
    let ended = store::sessions::end(&transaction, Ending::PinSessionsOf(child.id), now).await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok((child, pin))
}

async fn child_of_class(
    state: &AppState,
    teacher: &ClassTeacher,
    child: ChildId,
) -> Result<Child, AppError> {
    match store::children::find(&state.db, child).await? {
        Some(child) if child.class_id == teacher.class().id => Ok(child),
        _ => Err(AppError::NotFound),
    }
}

/// The named children of the class, or all of them when `children` is `None`.
async fn chosen(
    state: &AppState,
    teacher: &ClassTeacher,
    children: Option<Vec<ChildId>>,
) -> Result<Vec<Child>, AppError> {
    let all = store::children::all_in_class(&state.db, teacher.class().id).await?;
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
    let ended = store::sessions::end(&transaction, Ending::Badges(&voided), now).await?;
    let mut issued = Vec::with_capacity(children.len());
    for child in children {
        let token = random_token();
        store::children::insert_badge(
            &transaction,
            child.id,
            token_digest(&token),
            teacher.staff().member.id,
            now,
        )
        .await?;
        issued.push((child, token));
    }
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
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
    let ended = store::sessions::end(&transaction, Ending::Badges(&voided), now).await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok(voided.len())
}
