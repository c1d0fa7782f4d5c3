//! Logins, sessions and permissions.
//!
//! - `model`: the roles and the `Principal` with its permission checks (the one place that decides).
//! - `store`: users and grants in the database, password hashing.
//! - `limite`: login attempts per account.
//! - `routes`: login, logout, password change, the user's sessions.

pub mod demo;
pub mod limite;
pub mod model;
pub mod routes;
pub mod store;

pub use model::{Grant, Principal, Ruolo};
