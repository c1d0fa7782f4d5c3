//! Anagrafica: people, organisations and the administrators of the comuni, with the import of
//! the Ministry of the Interior's register (DAIT).

pub mod dait;
pub mod demo;
pub mod model;
pub mod pannelli;
pub mod routes;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::AppState;
use crate::kit::cache;

/// Anagrafica's read caches (in [`AppState::anagrafica`]): dropped after any write of this
/// process, and after 5 s at most (writes of the CLI or of another node).
pub struct Cache {
    /// The administrators of each comune, for the (public) comune page.
    pub(crate) amministratori: cache::Cache<i64, Vec<model::AmministratoreView>>,
    /// The staff (people of categoria `staff`), for the choosers of owners and teams.
    personale: cache::Cache<(), Vec<store::Personale>>,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            amministratori: cache::Cache::new(Duration::from_secs(5)),
            personale: cache::Cache::new(Duration::from_secs(5)),
        }
    }
}

/// The association's staff, cached (the list is scanned from the people table, which can be
/// large): the owners and teams of other modules choose from it.
pub async fn personale(
    state: &AppState,
) -> crate::kit::error::AppResult<Arc<Vec<store::Personale>>> {
    state
        .anagrafica
        .personale
        .get_or_load((), &state.generazione, || store::personale(&state.db))
        .await
}

/// The routes of Anagrafica: people, organisations and administrators.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/persone", routes::persone)
        .get("/persone/export.csv", routes::persone_csv)
        .get("/persone/export.xlsx", routes::persone_xlsx)
        .get("/persone/nuova", routes::persona_nuova_form)
        .post("/persone/nuova", routes::persona_crea)
        .get("/persone/{id}", routes::persona)
        .get("/persone/{id}/modifica", routes::persona_modifica_form)
        .post("/persone/{id}/modifica", routes::persona_aggiorna)
        .post("/persone/{id}/elimina", routes::persona_elimina)
        .get("/organizzazioni", routes::organizzazioni)
        .get("/organizzazioni/export.csv", routes::organizzazioni_csv)
        .get("/organizzazioni/export.xlsx", routes::organizzazioni_xlsx)
        .get("/organizzazioni/nuova", routes::organizzazione_nuova_form)
        .post("/organizzazioni/nuova", routes::organizzazione_crea)
        .get("/organizzazioni/{id}", routes::organizzazione)
        .get(
            "/organizzazioni/{id}/modifica",
            routes::organizzazione_modifica_form,
        )
        .post(
            "/organizzazioni/{id}/modifica",
            routes::organizzazione_aggiorna,
        )
        .post(
            "/organizzazioni/{id}/elimina",
            routes::organizzazione_elimina,
        )
        .get("/amministratori", routes::amministratori)
        .get("/amministratori/export.csv", routes::amministratori_csv)
        .get("/amministratori/export.xlsx", routes::amministratori_xlsx)
        .get("/amministratori/importa", routes::importa_form)
        .post("/amministratori/importa", routes::importa)
        .strato(axum::extract::DefaultBodyLimit::max(routes::MAX_UPLOAD))
        .get(
            "/amministratori/{id}/modifica",
            routes::amministratore_modifica_form,
        )
        .post(
            "/amministratori/{id}/modifica",
            routes::amministratore_aggiorna,
        )
}
