//! The demo logins (`data/demo/anagrafica-utenti.toml`): the `utenti` step of
//! [`crate::demo::STEPS`] and the list the CLI prints.

use std::sync::LazyLock;

use serde::Deserialize;

use super::store::{NewGrant, hash_password, upsert_user};
use crate::kit::demo::DemoCtx;
use crate::kit::error::AppResult;

/// The password of every demo login, printed by `piazza demo`.
pub const DEMO_PASSWORD: &str = "piazza-demo-2026";

/// A demo login.
#[derive(Debug, Deserialize)]
pub struct UtenteDemo {
    pub email: String,
    pub nome: String,
    /// What the login may do, as the CLI prints it.
    pub ruolo: String,
    pub permessi: Vec<PermessoDemo>,
}

/// A grant of a demo login, as on the command line (`piazza user add`).
#[derive(Debug, Deserialize)]
pub struct PermessoDemo {
    pub ruolo: String,
    pub modulo: Option<String>,
    /// ISTAT code, for a referente.
    pub comune: Option<String>,
}

#[derive(Deserialize)]
struct Dati {
    utenti: Vec<UtenteDemo>,
}

static DATI: LazyLock<Dati> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../../data/demo/anagrafica-utenti.toml"))
        .expect("data/demo/anagrafica-utenti.toml")
});

/// The demo logins, in the order the CLI prints them.
pub fn utenti() -> &'static [UtenteDemo] {
    &DATI.utenti
}

/// The `utenti` step: creates the demo logins with their grants.
pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    // One hash for all demo users: Argon2 is slow by design and they share the password.
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    for u in utenti() {
        let grants: Vec<NewGrant> = u
            .permessi
            .iter()
            .map(|p| NewGrant {
                ruolo: p.ruolo.clone(),
                modulo: p.modulo.clone(),
                comune_istat: p.comune.clone(),
            })
            .collect();
        upsert_user(c.db, &c.actor, &u.email, &u.nome, hash.clone(), &grants).await?;
    }
    Ok(format!("{} utenti dimostrativi", utenti().len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_logins_read() {
        let u = super::utenti();
        assert_eq!(u.len(), 5);
        assert_eq!(u[0].email, "admin@piazza.demo");
        assert_eq!(u[1].permessi.len(), 6, "the secretariat edits six modules");
        assert_eq!(u[4].permessi[0].comune.as_deref(), Some("048017"));
        assert_eq!(u[3].email, "lettore@piazza.demo");
    }
}
