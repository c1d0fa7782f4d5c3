//! Logins, sessions and permissions.
//!
//! - `model`: the roles and the `Principal` with its permission checks (the one place that decides).
//! - `store`: users and grants in the database, password hashing.
//! - `routes`: login, logout, password change.

pub mod model;
pub mod routes;
pub mod store;

pub use model::{Grant, Principal, Ruolo};
