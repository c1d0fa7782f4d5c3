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

/// The routes of the account: login, logout, the password and the sessions of the account.
pub fn router(cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/login", routes::login_form)
        .post("/login", routes::login)
        .strato(crate::kit::limiti::per_indirizzo(cfg))
        .post("/logout", routes::logout)
        .get("/account/password", routes::password_form)
        .post("/account/password", routes::password_change)
        .get("/account/sessioni", routes::sessioni)
        .post(
            "/account/sessioni/termina-altre",
            routes::sessioni_termina_altre,
        )
        .post(
            "/account/sessioni/{impronta}/termina",
            routes::sessione_termina,
        )
}
