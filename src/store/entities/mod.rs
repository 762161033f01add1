//! sea-orm entities: the tables as the app sees them. Never exposed past `store/`.

pub mod access_log;
pub mod allow_list_suggestions;
pub mod areas;
pub mod badges;
pub mod campaigns;
pub mod children;
pub mod class_teachers;
pub mod classes;
pub mod departments;
pub mod districts;
pub mod extension_requests;
pub mod guardian_consents;
pub mod media;
pub mod moderation_log;
pub mod outbox;
pub mod proposal_events;
pub mod proposals;
pub mod routing_rule_changes;
pub mod routing_rules;
pub mod safeguarding_actions;
pub mod safeguarding_cases;
pub mod schools;
pub mod sessions;
pub mod staff;
pub mod task_events;
pub mod tasks;
