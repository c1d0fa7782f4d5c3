//! The import of a projects list: every row in one transaction.

use piazza_db::audit::Actor;
use piazza_db::entities::{progetto, progetto_comune};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::scheda::{aggiorna_in, crea_in};
use crate::kit::error::{AppError, AppResult};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EsitoImport {
    pub creati: usize,
    pub modificati: usize,
    pub invariati: usize,
}

/// Applies validated rows in one transaction: a row whose code exists changes that project
/// (audited only when something changed), any other row creates one. The comuni of a project
/// become those of its row.
pub async fn importa(
    db: &DatabaseConnection,
    actor: &Actor,
    righe: &[crate::progetti::import::RigaValida],
) -> AppResult<EsitoImport> {
    let uow = Lavoro::apri(db, actor).await?;
    let mut esito = EsitoImport::default();
    for r in righe {
        let esistente = progetto::Entity::find()
            .filter(progetto::Column::Codice.eq(r.dati.codice.as_str()))
            .one(&uow)
            .await?;
        let nuovo = esistente.is_none();
        let (p, mut cambiato) = match esistente {
            Some(prima) => {
                let prima_ts = prima.updated_at;
                let p = aggiorna_in(&uow, prima, &r.dati)
                    .await
                    .map_err(|e| riga_errore(r.numero, e))?;
                let cambiato = p.updated_at != prima_ts;
                (p, cambiato)
            }
            None => {
                let p = crea_in(&uow, &r.dati)
                    .await
                    .map_err(|e| riga_errore(r.numero, e))?;
                esito.creati += 1;
                (p, false)
            }
        };
        let attuali: Vec<i64> = progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.eq(p.id))
            .all(&uow)
            .await?
            .into_iter()
            .map(|c| c.comune_id)
            .collect();
        let mut a = attuali.clone();
        let mut b = r.comuni.clone();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            progetto_comune::Entity::delete_many()
                .filter(progetto_comune::Column::ProgettoId.eq(p.id))
                .exec(&uow)
                .await?;
            if !b.is_empty() {
                progetto_comune::Entity::insert_many(b.iter().map(|c| {
                    progetto_comune::ActiveModel {
                        progetto_id: Set(p.id),
                        comune_id: Set(*c),
                        ..Default::default()
                    }
                }))
                .exec_without_returning(&uow)
                .await?;
            }
            uow.registra(
                "comuni",
                "progetto",
                &p.public_id,
                Some(json!(a)),
                Some(json!(b)),
            )
            .await?;
            cambiato = true;
        }
        if nuovo {
            // counted as created above
        } else if cambiato {
            esito.modificati += 1;
        } else {
            esito.invariati += 1;
        }
    }
    uow.conferma().await?;
    Ok(esito)
}

fn riga_errore(numero: usize, e: AppError) -> AppError {
    match e {
        AppError::Conflict(m) | AppError::BadRequest(m) => AppError::BadRequest(format!(
            "Riga {numero}: {m} Nessuna modifica è stata salvata."
        )),
        e => e,
    }
}
