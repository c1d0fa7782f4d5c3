//! Amministrazione: the audit log and the users, for administrators only.

pub mod routes;
