//! The demo district, loaded into a new embedded database so that a newcomer's first `cargo run`
//! has someone to sign in as: two schools, a class in each age band with ten children each,
//! their teachers, a safeguarding lead per school, two department clerks and two coordinators.
//!
//! Never loaded into PostgreSQL or in production. The sign-in details are printed once, when the
//! demo is loaded, and kept in `DATA_DIR/demo-sign-in.txt`. `life` then gives the district a
//! past: consent on file, a campaign open to every band, and a dozen ideas through the loop.

mod life;

use anyhow::Context as _;
use std::fmt::Write as _;

use crate::config::Config;
use crate::domain::ids::SessionId;
use crate::domain::people::{Actor, Role, StaffActor, StaffMember};
use crate::error::AppError;
use crate::services::access::{class_teacher, coordinator};
use crate::services::classes::NewClass;
use crate::services::enrolment::{ClassRoster, Enrolment};
use crate::services::people::NewStaff;
use crate::state::AppState;
use crate::{services, store};

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "tongsheng-demo";

/// Whether the demo belongs in this deployment: the embedded default, outside production.
pub fn wanted(config: &Config) -> bool {
    config.demo && config.database_url.is_none() && !config.is_production()
}

/// Loads the demo into an empty database and returns the sign-in sheet; on a database that
/// already has schools, returns the sheet kept from the first load (or nothing).
pub async fn load_if_new(state: &AppState) -> anyhow::Result<Option<String>> {
    let sheet_path = state.config.data_dir.join("demo-sign-in.txt");
    if store::people::any_school(&state.db).await? {
        return Ok(std::fs::read_to_string(&sheet_path).ok());
    }
    let sheet = load(state)
        .await
        .map_err(|error| anyhow::anyhow!("loading the demo: {}", describe(&error)))?;
    std::fs::write(&sheet_path, &sheet)
        .with_context(|| format!("writing {}", sheet_path.display()))?;
    Ok(Some(sheet))
}

fn describe(error: &AppError) -> String {
    match error {
        AppError::Internal(cause) => format!("{cause:#}"),
        other => format!("{:?}", other.code()),
    }
}

fn acting_as(member: StaffMember) -> Actor {
    Actor::Staff(StaffActor {
        member,
        session_id: SessionId::new(),
    })
}

/// A demo class: its grade, name, the children's birth year and its teacher's username.
struct DemoClass(i32, &'static str, i32, &'static str);

/// A demo school: code, name and two classes.
struct DemoSchool(&'static str, &'static str, [DemoClass; 2]);

const SCHOOLS: [DemoSchool; 2] = [
    DemoSchool(
        "demo_baiguan_primary",
        "百官小学（演示）",
        [
            DemoClass(2, "2班", 2018, "teacher.wang"),
            DemoClass(5, "1班", 2015, "teacher.li"),
        ],
    ),
    DemoSchool(
        "demo_caoe_secondary",
        "曹娥中学（演示）",
        [
            DemoClass(8, "3班", 2012, "teacher.zhang"),
            DemoClass(11, "2班", 2009, "teacher.chen"),
        ],
    ),
];

const PSEUDONYMS: [&str; 10] = [
    "小星星",
    "月亮",
    "小树",
    "Tiger",
    "豆豆",
    "乐乐",
    "小雨",
    "阿杰",
    "糖糖",
    "Leo",
];

async fn load(state: &AppState) -> Result<String, AppError> {
    let mut sheet =
        String::from("童声 demo district: sign-in details (demo data, not real children)\n\n");
    let _ = writeln!(sheet, "Staff (password for every account: {DEMO_PASSWORD})");
    let first =
        services::people::bootstrap_coordinator(state, "coordinator.fulian", DEMO_PASSWORD).await?;
    let _ = writeln!(sheet, "  coordinator        coordinator.fulian");
    let admin = acting_as(first);
    let coordinator = coordinator(&admin)?;
    let staff = |username: &str, role, school_id, department_id| NewStaff {
        username: username.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        display_name: username.to_owned(),
        role,
        school_id,
        department_id,
    };
    services::people::create_staff(
        state,
        &coordinator,
        staff("coordinator.tuanwei", Role::Coordinator, None, None),
    )
    .await?;
    let _ = writeln!(sheet, "  coordinator        coordinator.tuanwei");
    let mut clerks = Vec::new();
    for (code, username) in [
        ("construction", "clerk.jianshe"),
        ("education_sports", "clerk.jiaoti"),
    ] {
        let department = services::departments::get(&state.db, code).await?;
        let clerk = services::people::create_staff(
            state,
            &coordinator,
            staff(username, Role::DepartmentStaff, None, Some(department.id)),
        )
        .await?;
        clerks.push(acting_as(clerk));
        let _ = writeln!(
            sheet,
            "  department staff   {username} ({})",
            department.name_zh
        );
    }
    services::people::create_staff(
        state,
        &coordinator,
        staff("lead.district", Role::DistrictSafeguardingLead, None, None),
    )
    .await?;
    let _ = writeln!(
        sheet,
        "  district safeguarding lead  lead.district (cases no school lead acknowledged in time)"
    );
    let mut classes = String::new();
    let mut people = life::People {
        coordinator: admin.clone(),
        clerks,
        teachers: Vec::new(),
    };
    for DemoSchool(code, name, school_classes) in SCHOOLS {
        let school = services::people::create_school(state, &coordinator, code, name).await?;
        let lead = format!(
            "lead.{}",
            code.trim_start_matches("demo_")
                .split('_')
                .next()
                .unwrap_or("school")
        );
        services::people::create_staff(
            state,
            &coordinator,
            staff(&lead, Role::SafeguardingLead, Some(school.id), None),
        )
        .await?;
        let _ = writeln!(sheet, "  safeguarding lead  {lead} ({name})");
        for DemoClass(grade, class_name, born, teacher_name) in school_classes {
            let teacher = services::people::create_staff(
                state,
                &coordinator,
                staff(teacher_name, Role::Teacher, Some(school.id), None),
            )
            .await?;
            let _ = writeln!(sheet, "  teacher            {teacher_name} ({name})");
            let teacher = acting_as(teacher);
            let class = services::classes::create_class(
                state,
                &teacher,
                NewClass {
                    grade,
                    name: class_name.to_owned(),
                    school_year: 2026,
                },
            )
            .await?;
            let capability = class_teacher(&state.db, &teacher, class.id).await?;
            let entries = PSEUDONYMS
                .iter()
                .enumerate()
                .map(|(n, pseudonym)| Enrolment {
                    row: n.to_string(),
                    pseudonym: (*pseudonym).to_owned(),
                    birth_year: born,
                    birth_month: 1 + (n as i32 % 12),
                })
                .collect();
            let enrolled = services::enrolment::enrol(
                state,
                &ClassRoster::of_teacher(&capability),
                "children",
                entries,
                &|| (),
            )
            .await?;
            let mut pupils = Vec::new();
            for (child, pin) in enrolled {
                pupils.push(life::Pupil {
                    actor: Actor::Child(crate::domain::people::ChildActor {
                        id: child.id,
                        class_id: class.id,
                        school_id: school.id,
                        session_id: SessionId::new(),
                    }),
                    id: child.id.to_string(),
                    pseudonym: child.pseudonym.as_str().to_owned(),
                    pin: pin.reveal().to_owned(),
                });
            }
            people.teachers.push(life::Teacher {
                actor: teacher.clone(),
                class: format!(
                    "{name} {}{} (class code {})",
                    class.grade.label_zh(),
                    class.name,
                    class.code.as_str()
                ),
                pupils,
            });
        }
    }
    let can_submit = life::live(state, &people).await?;
    for teacher in &people.teachers {
        let _ = writeln!(classes, "  {}:", teacher.class);
        for pupil in &teacher.pupils {
            let note = if can_submit.contains(&pupil.id) {
                "can submit"
            } else {
                "cannot submit yet: no guardian consent on file (under 14)"
            };
            let _ = writeln!(
                classes,
                "    {:<8} PIN {}  {note}",
                pupil.pseudonym, pupil.pin
            );
        }
    }
    let _ = writeln!(
        sheet,
        "\nChildren (sign in with the class code and a PIN at /app; under-14s need a guardian's\n\
         consent on file, recorded by their teacher in the console)\n{classes}"
    );
    let _ = writeln!(
        sheet,
        "Pages: the wall /, the staff console /console, the children's app /app"
    );
    let _ = writeln!(
        sheet,
        "In GraphiQL: mutation {{ signInStaff(username: \"teacher.wang\", password: \"{DEMO_PASSWORD}\") {{ token }} }}\n\
         then send the token as the header Authorization: Bearer <token>."
    );
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        Config::from_lookup(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap()
    }

    #[test]
    fn the_demo_is_for_the_embedded_default_only() {
        assert!(wanted(&config(&[])));
        assert!(!wanted(&config(&[(
            "DATABASE_URL",
            "postgres://127.0.0.1/test"
        )])));
        assert!(!wanted(&config(&[("APP_ENV", "production")])));
        assert!(!wanted(&config(&[("DEMO", "false")])));
    }
}
