//! Moderation, the step between a child sending an idea and anyone else reading it: the screen
//! (`screening`, run by the background job on every new or revised proposal), the teacher's
//! review (`review`: the queue and one decision per proposal, every decision logged) and the
//! allow-list suggestions that teachers' false-alarm marks become (`allow_list`).

pub mod allow_list;
mod review;
mod screening;

pub use review::{Moderation, UnderReview, log, moderate, queue, return_for_changes};
pub use screening::screen_claimed;
