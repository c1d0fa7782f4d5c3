//! The parts of a project: added, removed and moved on (states and amounts), each audited as
//! a change of the project.

use chrono::NaiveDate;
use piazza_db::audit::Actor;
use piazza_db::entities::{
    progetto, progetto_comune, progetto_continuita, progetto_partner, progetto_periodo,
    progetto_scadenza, progetto_staff, progetto_wp,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;

use crate::kit::error::{AppError, AppResult};

/// A part of a project added from its page, validated.
#[derive(Debug, Clone)]
pub enum NuovaParte {
    Comune {
        comune_id: i64,
    },
    Staff {
        persona_id: i64,
        ruolo: Option<String>,
        mesi_persona: f64,
    },
    Partner {
        organizzazione_id: i64,
        paese: String,
        ruolo: String,
        quota: i64,
    },
    Wp {
        titolo: String,
        inizio: Option<NaiveDate>,
        fine: Option<NaiveDate>,
    },
    Scadenza {
        tipo: String,
        codice: String,
        titolo: String,
        scadenza: NaiveDate,
        wp_id: Option<i64>,
    },
    Periodo {
        dal: NaiveDate,
        al: NaiveDate,
        scadenza: NaiveDate,
        richiesto: Option<i64>,
    },
    Continuita {
        azione: String,
        responsabile_id: Option<i64>,
        data: NaiveDate,
    },
}

/// The kinds of part, as they appear in URLs (`/progetti/{id}/{parte}`).
pub const PARTI: &[&str] = &[
    "comuni",
    "staff",
    "partner",
    "wp",
    "scadenze",
    "periodi",
    "continuita",
];

/// The part `$id` of table `$ent` that belongs to project `$p` (404 otherwise).
macro_rules! parte_di {
    ($ent:ident, $id:expr, $p:expr, $conn:expr) => {
        $ent::Entity::find_by_id($id)
            .one($conn)
            .await?
            .filter(|m| m.progetto_id == $p.id)
            .ok_or(AppError::NotFound)?
    };
}

/// Adds a part to a project, with its audit row (as a change of the project).
pub async fn aggiungi_parte(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    parte: NuovaParte,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let conflitto = |m: &str| AppError::Conflict(m.to_owned());
    // The next number of a numbered part (work package, reporting period): after the highest,
    // so that a deleted one never makes two parts share a number.
    macro_rules! prossimo {
        ($ent:ident) => {
            $ent::Entity::find()
                .select_only()
                .column_as($ent::Column::Numero.max(), "n")
                .filter($ent::Column::ProgettoId.eq(p.id))
                .into_tuple::<Option<i32>>()
                .one(&uow)
                .await?
                .flatten()
                .unwrap_or(0)
                + 1
        };
    }
    // A comune, person or organisation appears once per project.
    macro_rules! una_volta {
        ($ent:ident, $col:ident, $val:expr, $msg:literal) => {
            if $ent::Entity::find()
                .filter($ent::Column::ProgettoId.eq(p.id))
                .filter($ent::Column::$col.eq($val))
                .count(&uow)
                .await?
                > 0
            {
                return Err(conflitto($msg));
            }
        };
    }
    let (azione, dopo) = match parte {
        NuovaParte::Comune { comune_id } => {
            una_volta!(
                progetto_comune,
                ComuneId,
                comune_id,
                "Il comune è già tra i beneficiari."
            );
            let m = progetto_comune::ActiveModel {
                progetto_id: Set(p.id),
                comune_id: Set(comune_id),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_comune", json!(m))
        }
        NuovaParte::Staff {
            persona_id,
            ruolo,
            mesi_persona,
        } => {
            una_volta!(
                progetto_staff,
                PersonaId,
                persona_id,
                "La persona è già nel gruppo di lavoro."
            );
            let m = progetto_staff::ActiveModel {
                progetto_id: Set(p.id),
                persona_id: Set(persona_id),
                ruolo: Set(ruolo),
                mesi_persona: Set(mesi_persona),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_staff", json!(m))
        }
        NuovaParte::Partner {
            organizzazione_id,
            paese,
            ruolo,
            quota,
        } => {
            una_volta!(
                progetto_partner,
                OrganizzazioneId,
                organizzazione_id,
                "L'organizzazione è già tra i partner."
            );
            let m = progetto_partner::ActiveModel {
                progetto_id: Set(p.id),
                organizzazione_id: Set(organizzazione_id),
                paese: Set(paese),
                ruolo: Set(ruolo),
                quota: Set(quota),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_partner", json!(m))
        }
        NuovaParte::Wp {
            titolo,
            inizio,
            fine,
        } => {
            let numero = prossimo!(progetto_wp);
            let m = progetto_wp::ActiveModel {
                progetto_id: Set(p.id),
                numero: Set(numero),
                titolo: Set(titolo),
                data_inizio: Set(inizio),
                data_fine: Set(fine),
                stato: Set("da_avviare".into()),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_wp", json!(m))
        }
        NuovaParte::Scadenza {
            tipo,
            codice,
            titolo,
            scadenza,
            wp_id,
        } => {
            if let Some(w) = wp_id {
                let ok = progetto_wp::Entity::find_by_id(w)
                    .one(&uow)
                    .await?
                    .is_some_and(|x| x.progetto_id == p.id);
                if !ok {
                    return Err(AppError::BadRequest("Work package non valido.".into()));
                }
            }
            let m = progetto_scadenza::ActiveModel {
                progetto_id: Set(p.id),
                wp_id: Set(wp_id),
                tipo: Set(tipo),
                codice: Set(codice),
                titolo: Set(titolo),
                scadenza: Set(scadenza),
                stato: Set("prevista".into()),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_scadenza", json!(m))
        }
        NuovaParte::Periodo {
            dal,
            al,
            scadenza,
            richiesto,
        } => {
            let numero = prossimo!(progetto_periodo);
            let m = progetto_periodo::ActiveModel {
                progetto_id: Set(p.id),
                numero: Set(numero),
                dal: Set(dal),
                al: Set(al),
                scadenza: Set(scadenza),
                richiesto: Set(richiesto),
                stato: Set("da_presentare".into()),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_periodo", json!(m))
        }
        NuovaParte::Continuita {
            azione,
            responsabile_id,
            data,
        } => {
            let m = progetto_continuita::ActiveModel {
                progetto_id: Set(p.id),
                azione: Set(azione),
                responsabile_id: Set(responsabile_id),
                data: Set(data),
                fatta: Set(false),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            ("aggiungi_continuita", json!(m))
        }
    };
    uow.registra(azione, "progetto", &p.public_id, None, Some(dopo))
        .await?;
    uow.conferma().await?;
    Ok(())
}

/// Removes a part of a project (it must belong to it).
pub async fn elimina_parte(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    parte: &str,
    id: i64,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    macro_rules! togli {
        ($ent:ident) => {{
            let m = parte_di!($ent, id, p, &uow);
            let prima = json!(m);
            m.delete(&uow).await?;
            prima
        }};
    }
    let prima = match parte {
        "comuni" => togli!(progetto_comune),
        "staff" => togli!(progetto_staff),
        "partner" => togli!(progetto_partner),
        "wp" => togli!(progetto_wp),
        "scadenze" => togli!(progetto_scadenza),
        "periodi" => togli!(progetto_periodo),
        "continuita" => togli!(progetto_continuita),
        _ => return Err(AppError::NotFound),
    };
    uow.registra(
        &format!("elimina_{parte}"),
        "progetto",
        &p.public_id,
        Some(prima),
        None,
    )
    .await?;
    uow.conferma().await?;
    Ok(())
}

/// A change of state of a milestone/deliverable, work package, reporting period (with amounts)
/// or continuity action.
#[derive(Debug, Clone)]
pub enum Avanzamento {
    Scadenza {
        stato: String,
        completata_il: Option<NaiveDate>,
    },
    Wp {
        stato: String,
    },
    Periodo {
        stato: String,
        richiesto: Option<i64>,
        ricevuto: Option<i64>,
    },
    Continuita {
        fatta: bool,
    },
}

pub async fn avanza(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    id: i64,
    a: Avanzamento,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let (prima, dopo) = match a {
        Avanzamento::Scadenza {
            stato,
            completata_il,
        } => {
            let m = parte_di!(progetto_scadenza, id, p, &uow);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            am.completata_il = Set(completata_il);
            (json!(m), json!(am.update(&uow).await?))
        }
        Avanzamento::Wp { stato } => {
            let m = parte_di!(progetto_wp, id, p, &uow);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            (json!(m), json!(am.update(&uow).await?))
        }
        Avanzamento::Periodo {
            stato,
            richiesto,
            ricevuto,
        } => {
            let m = parte_di!(progetto_periodo, id, p, &uow);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            am.richiesto = Set(richiesto);
            am.ricevuto = Set(ricevuto);
            (json!(m), json!(am.update(&uow).await?))
        }
        Avanzamento::Continuita { fatta } => {
            let m = parte_di!(progetto_continuita, id, p, &uow);
            let mut am = m.clone().into_active_model();
            am.fatta = Set(fatta);
            (json!(m), json!(am.update(&uow).await?))
        }
    };
    uow.registra(
        "avanzamento",
        "progetto",
        &p.public_id,
        Some(prima),
        Some(dopo),
    )
    .await?;
    uow.conferma().await?;
    Ok(())
}
