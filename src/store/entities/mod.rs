//! sea-orm entities: the tables as the app sees them. Never exposed past `store/`.

pub mod departments;
pub mod districts;
