//! Enrolling children in a class, from the API or from a roster file: all or none, every bad
//! row named, each child given a PIN that is returned only now.

use std::collections::HashSet;

use crate::domain::children::{BirthMonth, Child, Pin, Pseudonym};
use crate::domain::classes::Class;
use crate::domain::ids::{ChildId, ClassId};
use crate::domain::roster;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};
use crate::roster_files::{RosterFormat, read_table};
use crate::services::access::ClassTeacher;
use crate::state::AppState;
use crate::store;
use crate::store::children::NewChild;

/// The right to enrol children in one class: its teacher's, or the operator's at the server's
/// command line.
pub struct ClassRoster(Class);

impl ClassRoster {
    pub fn of_teacher(teacher: &ClassTeacher) -> Self {
        ClassRoster(teacher.class().clone())
    }

    /// The `tongsheng roster import` command only: whoever runs commands on the server already
    /// holds the database.
    pub async fn for_operator(state: &AppState, class: ClassId) -> Result<Self, AppError> {
        Ok(ClassRoster(
            store::classes::find(&state.db, class)
                .await?
                .ok_or(AppError::NotFound)?,
        ))
    }

    pub fn class(&self) -> &Class {
        &self.0
    }
}

/// One child to enrol, as typed; `row` names it in errors.
pub struct Enrolment {
    pub row: String,
    pub pseudonym: String,
    pub birth_year: i32,
    pub birth_month: i32,
}

/// At most this many children in one enrolment.
pub const MAX_AT_ONCE: usize = 100;

/// Enrols the children, all or none. Errors name each bad row: `[root, row, field]`. `progress`
/// is called once per child written.
pub async fn enrol(
    state: &AppState,
    roster: &ClassRoster,
    root: &str,
    entries: Vec<Enrolment>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<(Child, Pin)>, AppError> {
    if entries.is_empty() || entries.len() > MAX_AT_ONCE {
        return Err(AppError::validation(
            &[root],
            FieldCode::Count,
            "一次可以登记 1 到 100 个孩子。",
        ));
    }
    let class = roster.class().id;
    let today = crate::clock::local_date(state.clock.now());
    let existing = store::children::pins_and_names(&state.db, class).await?;
    let mut names: HashSet<String> = existing
        .iter()
        .map(|(_, name)| name.to_lowercase())
        .collect();
    let mut digests: HashSet<String> = existing.into_iter().map(|(digest, _)| digest).collect();
    let mut problems = Vec::new();
    let mut valid = Vec::new();
    for entry in &entries {
        let pseudonym = Pseudonym::parse(&entry.pseudonym, &[root, &entry.row, "pseudonym"]);
        let birth = BirthMonth::parse(
            entry.birth_year,
            entry.birth_month,
            today,
            &[root, &entry.row, "birthMonth"],
        );
        match (pseudonym, birth) {
            (Ok(pseudonym), Ok(_)) if !names.insert(pseudonym.as_str().to_lowercase()) => {
                problems.push(FieldError::new(
                    &[root, &entry.row, "pseudonym"],
                    FieldCode::Duplicate,
                    "班里已经有同样的昵称了。",
                ));
            }
            (Ok(pseudonym), Ok(birth)) => valid.push((pseudonym, birth)),
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
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let mut enrolled = Vec::with_capacity(valid.len());
    for (pseudonym, birth) in valid {
        let (pin, pin_digest) = fresh_pin(state, class, &mut digests);
        let id = ChildId::new();
        store::children::insert(
            &transaction,
            NewChild {
                id,
                class_id: class,
                pseudonym: &pseudonym,
                birth,
                pin_digest,
            },
            now,
        )
        .await?;
        enrolled.push((
            Child {
                id,
                class_id: class,
                pseudonym,
                birth,
                consent: None,
            },
            pin,
        ));
        progress();
    }
    transaction.commit().await?;
    Ok(enrolled)
}

/// Enrols the children listed in a roster file (CSV or XLSX), all or none. Errors name the
/// spreadsheet's own row numbers: `["rows", "3", "pseudonym"]`.
pub async fn import_roster(
    state: &AppState,
    roster: &ClassRoster,
    format: RosterFormat,
    bytes: &[u8],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<(Child, Pin)>, AppError> {
    let rows = roster::parse(&read_table(format, bytes)?)?;
    let entries = rows
        .into_iter()
        .map(|row| Enrolment {
            row: row.row.to_string(),
            pseudonym: row.pseudonym,
            birth_year: row.birth_year,
            birth_month: row.birth_month,
        })
        .collect();
    enrol(state, roster, "rows", entries, progress).await
}

/// A PIN no other child of the class has, and its digest.
pub(crate) fn fresh_pin(
    state: &AppState,
    class: ClassId,
    taken: &mut HashSet<String>,
) -> (Pin, String) {
    loop {
        let pin = Pin::random(&mut rand::rng());
        let digest = state.secrets.pin_digest(class, &pin);
        if taken.insert(digest.clone()) {
            return (pin, digest);
        }
    }
}
