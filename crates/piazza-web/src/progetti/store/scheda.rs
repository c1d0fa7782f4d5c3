//! A project's record (`scheda`): what its page shows, its creation (also from an approved
//! proposal), its changes and its deletion.

use std::collections::HashMap;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{
    bando, organizzazione, persona, progetto, progetto_comune, progetto_continuita,
    progetto_partner, progetto_periodo, progetto_scadenza, progetto_staff, progetto_wp, proposta,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::nomi_persone;
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;
use crate::progetti::model::DatiProgetto;

/// Everything the project page shows.
pub struct Scheda {
    pub responsabile: Option<persona::Model>,
    pub staff: Vec<(progetto_staff::Model, persona::Model)>,
    pub partner: Vec<(progetto_partner::Model, organizzazione::Model)>,
    pub comuni: Vec<progetto_comune::Model>,
    pub wp: Vec<progetto_wp::Model>,
    pub scadenze: Vec<progetto_scadenza::Model>,
    pub periodi: Vec<progetto_periodo::Model>,
    pub continuita: Vec<(progetto_continuita::Model, Option<String>)>,
    pub proposte: Vec<(proposta::Model, bando::Model)>,
}

pub async fn scheda(db: &DatabaseConnection, p: &progetto::Model) -> AppResult<Scheda> {
    let responsabile = match p.responsabile_id {
        Some(id) => persona::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let staff_rows = progetto_staff::Entity::find()
        .filter(progetto_staff::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_staff::Column::Id)
        .all(db)
        .await?;
    let persone: HashMap<i64, persona::Model> = persona::Entity::find()
        .filter(
            persona::Column::Id.is_in(staff_rows.iter().map(|s| s.persona_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let staff = staff_rows
        .into_iter()
        .filter_map(|s| persone.get(&s.persona_id).cloned().map(|x| (s, x)))
        .collect();
    let partner_rows = progetto_partner::Entity::find()
        .filter(progetto_partner::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_partner::Column::Id)
        .all(db)
        .await?;
    let org: HashMap<i64, organizzazione::Model> = organizzazione::Entity::find()
        .filter(
            organizzazione::Column::Id.is_in(
                partner_rows
                    .iter()
                    .map(|s| s.organizzazione_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let partner = partner_rows
        .into_iter()
        .filter_map(|s| org.get(&s.organizzazione_id).cloned().map(|o| (s, o)))
        .collect();
    let comuni = progetto_comune::Entity::find()
        .filter(progetto_comune::Column::ProgettoId.eq(p.id))
        .all(db)
        .await?;
    let wp = progetto_wp::Entity::find()
        .filter(progetto_wp::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_wp::Column::Numero)
        .all(db)
        .await?;
    let scadenze = progetto_scadenza::Entity::find()
        .filter(progetto_scadenza::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_scadenza::Column::Scadenza)
        .order_by_asc(progetto_scadenza::Column::Codice)
        .all(db)
        .await?;
    let periodi = progetto_periodo::Entity::find()
        .filter(progetto_periodo::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_periodo::Column::Numero)
        .all(db)
        .await?;
    let cont_rows = progetto_continuita::Entity::find()
        .filter(progetto_continuita::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_continuita::Column::Data)
        .all(db)
        .await?;
    let nomi = nomi_persone(
        db,
        cont_rows.iter().filter_map(|c| c.responsabile_id).collect(),
    )
    .await?;
    let continuita = cont_rows
        .into_iter()
        .map(|c| {
            let n = c.responsabile_id.and_then(|id| nomi.get(&id).cloned());
            (c, n)
        })
        .collect();
    let proposte_rows = proposta::Entity::find()
        .filter(proposta::Column::ProgettoId.eq(p.id))
        .all(db)
        .await?;
    let bandi: HashMap<i64, bando::Model> = bando::Entity::find()
        .filter(
            bando::Column::Id.is_in(proposte_rows.iter().map(|x| x.bando_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let proposte = proposte_rows
        .into_iter()
        .filter_map(|x| bandi.get(&x.bando_id).cloned().map(|b| (x, b)))
        .collect();
    Ok(Scheda {
        responsabile,
        staff,
        partner,
        comuni,
        wp,
        scadenze,
        periodi,
        continuita,
        proposte,
    })
}

async fn codice_libero(
    conn: &impl ConnectionTrait,
    codice: &str,
    tranne: Option<i64>,
) -> AppResult<()> {
    let mut s = progetto::Entity::find().filter(progetto::Column::Codice.eq(codice));
    if let Some(id) = tranne {
        s = s.filter(progetto::Column::Id.ne(id));
    }
    if s.count(conn).await? > 0 {
        return Err(AppError::Conflict(format!(
            "Esiste già un progetto con il codice «{codice}»."
        )));
    }
    Ok(())
}

fn applica(am: &mut progetto::ActiveModel, d: &DatiProgetto) {
    am.codice = Set(d.codice.clone());
    am.acronimo = Set(d.acronimo.clone());
    am.titolo_norm = Set(normalize(&d.titolo));
    am.titolo = Set(d.titolo.clone());
    am.descrizione = Set(d.descrizione.clone());
    am.tipo = Set(d.tipo.clone());
    am.programma_id = Set(d.programma_id);
    am.bando_rif = Set(d.bando_rif.clone());
    am.ruolo = Set(d.ruolo.clone());
    am.data_inizio = Set(d.data_inizio);
    am.data_fine = Set(d.data_fine);
    am.stato = Set(d.stato.clone());
    am.budget_totale = Set(d.budget_totale);
    am.quota_associazione = Set(d.quota_associazione);
    am.cofinanziamento_bp = Set(d.cofinanziamento_bp);
    am.dipende_regione = Set(d.dipende_regione);
    am.responsabile_id = Set(d.responsabile_id);
    am.updated_at = Set(Utc::now());
}

/// Creates a project inside `uow` (the caller confirms), with its audit row.
pub async fn crea_in(uow: &Lavoro, d: &DatiProgetto) -> AppResult<progetto::Model> {
    codice_libero(uow, &d.codice, None).await?;
    let mut am = progetto::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    applica(&mut am, d);
    Ok(uow.inserisci(am).await?)
}

/// Changes a project inside `uow`; nothing is written (nor audited) when nothing changed.
pub async fn aggiorna_in(
    uow: &Lavoro,
    prima: progetto::Model,
    d: &DatiProgetto,
) -> AppResult<progetto::Model> {
    codice_libero(uow, &d.codice, Some(prima.id)).await?;
    let mut am = prima.clone().into_active_model();
    applica(&mut am, d);
    Ok(uow.aggiorna(&prima, am).await?)
}

/// Creates a project; made from an approved proposal, the proposal points to it (same
/// transaction).
pub async fn crea(
    db: &DatabaseConnection,
    actor: &Actor,
    d: &DatiProgetto,
    da_proposta: Option<i64>,
) -> AppResult<progetto::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let p = crea_in(&uow, d).await?;
    if let Some(id) = da_proposta {
        let prima = proposta::Entity::find_by_id(id)
            .one(&uow)
            .await?
            .ok_or_else(|| AppError::BadRequest("Proposta non trovata.".into()))?;
        if prima.progetto_id.is_some() {
            return Err(AppError::Conflict(
                "Da questa proposta è già stato creato un progetto.".into(),
            ));
        }
        let mut am = prima.clone().into_active_model();
        am.progetto_id = Set(Some(p.id));
        uow.aggiorna_come("progetto", &prima, am).await?;
    }
    uow.conferma().await?;
    Ok(p)
}

pub async fn aggiorna(
    db: &DatabaseConnection,
    actor: &Actor,
    prima: progetto::Model,
    d: &DatiProgetto,
) -> AppResult<progetto::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let p = aggiorna_in(&uow, prima, d).await?;
    uow.conferma().await?;
    Ok(p)
}

pub async fn elimina(db: &DatabaseConnection, actor: &Actor, p: progetto::Model) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    crate::piano::store::scollega_tutto(&uow, "progetto", &p.public_id).await?;
    uow.elimina(p).await?;
    uow.conferma().await?;
    Ok(())
}
