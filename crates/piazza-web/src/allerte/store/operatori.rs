//! Alerts composed by an operator: waiting, the second person's approval or rejection,
//! cancelling one in force.

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{allerta, allerta_voce, fonte_allerta};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, Set};

use super::{Documento, al_secondo, modello, per_id, scrivi_voci, stato, voci};
use crate::kit::error::{AppError, AppResult};
use crate::territorio::Territorio;

/// An alert composed by an operator: kept waiting (`in_attesa`, not public) until a second
/// authorised person approves it. Its levels are written now, so the approver sees the comuni.
pub async fn componi(
    db: &DatabaseConnection,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    doc: &Documento,
    scrivi: impl FnOnce(&allerta::Model, &[allerta_voce::Model]) -> String,
) -> AppResult<allerta::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let a = &doc.avviso;
    let mut am = modello(fonte, doc, stato::IN_ATTESA, None);
    am.composta_da = Set(actor.utente_id);
    let nuova = am.insert(&uow).await?;
    scrivi_voci(&uow, t, nuova.id, a).await?;
    let testo = scrivi(&nuova, &voci(&uow, nuova.id).await?);
    let mut am = nuova.into_active_model();
    am.documento = Set(testo);
    // One row for the whole composition (inserted, then its CAP text written).
    let nuova = am.update(&uow).await?;
    uow.registra_modifica(
        "componi",
        "allerta",
        &nuova.id.to_string(),
        None,
        Some(&nuova),
    )
    .await?;
    uow.conferma().await?;
    Ok(nuova)
}

/// The decision of the second person on an alert waiting for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decisione {
    Approva,
    Respingi,
}

/// Approves (it goes public now; an exercise is recorded, never public) or rejects an alert
/// waiting for approval. The person who composed it cannot decide on it.
pub async fn decidi(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    decisione: Decisione,
) -> AppResult<allerta::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let a = per_id(&uow, id).await?;
    if a.stato != stato::IN_ATTESA {
        return Err(AppError::Conflict(format!(
            "L'allerta non è in attesa di approvazione (è {}).",
            stato::nome(&a.stato)
        )));
    }
    if actor.utente_id.is_none() || a.composta_da == actor.utente_id {
        return Err(AppError::Conflict(
            "Un'allerta deve essere approvata da una persona diversa da chi l'ha composta.".into(),
        ));
    }
    let ora = al_secondo(Utc::now());
    let mut am = a.clone().into_active_model();
    let azione = match decisione {
        Decisione::Approva => {
            am.approvata_da = Set(actor.utente_id);
            am.approvata_at = Set(Some(ora));
            if a.esercitazione {
                am.stato = Set(stato::NON_PUBBLICA.into());
            } else {
                am.stato = Set(stato::IN_VIGORE.into());
                am.dal = Set(Some(ora));
            }
            "approva"
        }
        Decisione::Respingi => {
            am.stato = Set(stato::RESPINTA.into());
            "respingi"
        }
    };
    let dopo = uow.aggiorna_come(azione, &a, am).await?;
    uow.conferma().await?;
    Ok(dopo)
}

/// An operator ends an alert in force now (from any source: a wrong or overtaken alert).
pub async fn termina_ora(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> AppResult<allerta::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let a = per_id(&uow, id).await?;
    if a.stato != stato::IN_VIGORE {
        return Err(AppError::Conflict(format!(
            "Si può annullare solo un'allerta in vigore (questa è {}).",
            stato::nome(&a.stato)
        )));
    }
    let mut am = a.clone().into_active_model();
    am.stato = Set(stato::ANNULLATA.into());
    am.terminata_at = Set(Some(al_secondo(Utc::now())));
    let dopo = uow.aggiorna_come("annulla", &a, am).await?;
    uow.conferma().await?;
    Ok(dopo)
}
