//! Amministrazione: the audit log and the users, for administrators only.

pub mod routes;

/// The routes of Amministrazione: the audit log and the users.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/admin/audit", routes::audit)
        .get("/admin/utenti", routes::utenti)
}
