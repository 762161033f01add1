//! The use cases. Each public function says who may call it and what it changes; it checks
//! permission, changes state in one transaction (state, event, outbox) and returns domain values.

pub mod access;
pub mod answers;
pub mod areas;
pub mod assisted;
pub mod backing;
pub mod campaigns;
pub mod cards;
pub mod children;
pub mod classes;
pub mod cleanup;
pub mod compliance;
pub mod departments;
pub mod enrolment;
pub mod evaluation;
pub mod handling;
pub mod integrations;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod people;
pub mod privacy;
pub mod proposals;
pub mod publicity;
pub mod references;
pub mod report;
pub mod routing;
pub mod safeguarding;
pub mod sessions;
pub mod standing;
pub mod submission;
pub mod tasks;
pub mod tracking;
pub mod transitions;
