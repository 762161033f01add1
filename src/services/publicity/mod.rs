//! Publicity, the loop's last step: what goes public (a coordinator publishes an answered
//! proposal, or the campaign does on answering, with the consents it needs) and what anyone then
//! reads (the published proposals and the departments' figures). The wall and the feeds in
//! `wall/` render these reads; `store::publications` keeps what was published.

mod publication;
mod reads;

pub use publication::{publish, publish_after_answer};
pub use reads::{
    Counted, DepartmentHandling, Handling, PublicItem, PublicStats, SMALLEST_SHOWN, all, changed,
    forget_stats, one, published, shown, stats,
};
