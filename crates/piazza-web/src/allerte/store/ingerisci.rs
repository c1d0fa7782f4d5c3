//! Documents in: every document, from any source, through [`ingerisci`] in one transaction
//! with its audit row; the sources by code.

use chrono::{DateTime, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{allerta, allerta_superata, fonte_allerta};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};

use super::{Documento, al_secondo, modello, scrivi_voci, sha256, stato};
use crate::allerte::registro::{Chiave, Esito, Tipo};
use crate::kit::error::AppResult;
use crate::territorio::Territorio;

/// Finds an alert by its key.
async fn per_chiave(
    c: &impl ConnectionTrait,
    k: &Chiave,
) -> Result<Option<allerta::Model>, sea_orm::DbErr> {
    allerta::Entity::find()
        .filter(allerta::Column::Mittente.eq(&k.0))
        .filter(allerta::Column::Identificativo.eq(&k.1))
        .filter(allerta::Column::Inviato.eq(&k.2))
        .one(c)
        .await
}

fn chiave_testo(k: &Chiave) -> String {
    format!("{},{},{}", k.0, k.1, k.2)
}

/// Ends an alert (`come`: sostituita/annullata) from `at`, or remembers the key if it has not
/// arrived yet.
async fn termina(
    uow: &Lavoro,
    k: &Chiave,
    come: &str,
    da: &allerta::Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    match per_chiave(uow, k).await? {
        Some(a) if a.stato == stato::IN_VIGORE || a.stato == stato::IN_ATTESA => {
            let mut am = a.clone().into_active_model();
            am.stato = Set(come.to_owned());
            am.terminata_at = Set(Some(at));
            am.terminata_da_id = Set(Some(da.id));
            uow.aggiorna_come(come, &a, am).await?;
        }
        Some(_) => {}
        None => {
            let gia = allerta_superata::Entity::find()
                .filter(allerta_superata::Column::Mittente.eq(&k.0))
                .filter(allerta_superata::Column::Identificativo.eq(&k.1))
                .filter(allerta_superata::Column::Inviato.eq(&k.2))
                .one(uow)
                .await?;
            if gia.is_none() {
                allerta_superata::ActiveModel {
                    mittente: Set(k.0.clone()),
                    identificativo: Set(k.1.clone()),
                    inviato: Set(k.2.clone()),
                    come: Set(come.to_owned()),
                    da_allerta_id: Set(da.id),
                    at: Set(at),
                    ..Default::default()
                }
                .insert(uow)
                .await?;
            }
        }
    }
    Ok(())
}

/// Applies a document from `fonte` to the state, in one transaction with its audit rows (the
/// raw document kept). A public document enters the state at its sent time. Returns what
/// happened and the alert's id (none for a duplicate).
pub async fn ingerisci(
    db: &DatabaseConnection,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    doc: &Documento,
) -> AppResult<(Esito, Option<i64>)> {
    let uow = Lavoro::apri(db, actor).await?;
    let out = ingerisci_in(&uow, t, fonte, doc).await?;
    uow.conferma().await?;
    Ok(out)
}

/// [`ingerisci`] in a unit of work.
pub async fn ingerisci_in(
    uow: &Lavoro,
    t: &Territorio,
    fonte: &fonte_allerta::Model,
    doc: &Documento,
) -> AppResult<(Esito, Option<i64>)> {
    let a = &doc.avviso;
    if per_chiave(uow, &a.chiave).await?.is_some() {
        uow.registra(
            "duplicato",
            "allerta",
            &chiave_testo(&a.chiave),
            None,
            // The raw text is kept with the first copy; a copy leaves its hash (a source that
            // re-sends a whole feed every few minutes must not fill the log).
            Some(serde_json::json!({
                "fonte": fonte.codice,
                "sha256": sha256(&doc.testo),
                "byte": doc.testo.len(),
            })),
        )
        .await?;
        return Ok((Esito::Duplicato, None));
    }
    let pubblica = a.reale && matches!(a.tipo, Tipo::Alert | Tipo::Update);
    let dal = al_secondo(doc.inviato_at);
    // Ended before it arrived?
    let superata = if pubblica {
        allerta_superata::Entity::find()
            .filter(allerta_superata::Column::Mittente.eq(&a.chiave.0))
            .filter(allerta_superata::Column::Identificativo.eq(&a.chiave.1))
            .filter(allerta_superata::Column::Inviato.eq(&a.chiave.2))
            .one(uow)
            .await?
    } else {
        None
    };
    let stato_iniziale = match (&superata, a.tipo) {
        _ if !a.reale => stato::NON_PUBBLICA,
        (_, Tipo::Ack | Tipo::Error) => stato::NON_PUBBLICA,
        (_, Tipo::Cancel) => stato::ANNULLAMENTO,
        (Some(s), _) => {
            if s.come == stato::ANNULLATA {
                stato::ANNULLATA
            } else {
                stato::SOSTITUITA
            }
        }
        (None, _) => stato::IN_VIGORE,
    };
    let mut am = modello(
        fonte,
        doc,
        stato_iniziale,
        (stato_iniziale == stato::IN_VIGORE).then_some(dal),
    );
    am.terminata_da_id = Set(superata.as_ref().map(|s| s.da_allerta_id));
    let nuova = am.insert(uow).await?;
    let azione = match stato_iniziale {
        stato::IN_VIGORE if a.tipo == Tipo::Update => "aggiornamento",
        stato::IN_VIGORE => "pubblica",
        stato::ANNULLAMENTO => "annullamento",
        stato::NON_PUBBLICA => "ricevuta_non_pubblica",
        _ => "ricevuta_gia_superata",
    };
    uow.registra_modifica(azione, "allerta", &nuova.id.to_string(), None, Some(&nuova))
        .await?;
    if let Some(s) = superata {
        allerta_superata::Entity::delete_by_id(s.id)
            .exec(uow)
            .await?;
        return Ok((Esito::GiaSuperato, Some(nuova.id)));
    }
    // An exercise keeps its comuni and levels (never in the state: it has no `dal`), so that
    // the testers can be sent it (`allerte::notifiche`).
    if stato_iniziale == stato::NON_PUBBLICA
        && doc.esercitazione
        && matches!(a.tipo, Tipo::Alert | Tipo::Update)
    {
        scrivi_voci(uow, t, nuova.id, a).await?;
    }
    let esito = match stato_iniziale {
        stato::NON_PUBBLICA => Esito::Ignorato(if a.reale {
            "conferma o segnalazione di errore"
        } else {
            "documento di prova, esercitazione o bozza"
        }),
        stato::ANNULLAMENTO => {
            for r in &a.riferimenti {
                termina(uow, r, stato::ANNULLATA, &nuova, dal).await?;
            }
            Esito::Annulla(a.riferimenti.clone())
        }
        _ => {
            scrivi_voci(uow, t, nuova.id, a).await?;
            for r in &a.riferimenti {
                termina(uow, r, stato::SOSTITUITA, &nuova, dal).await?;
            }
            if a.tipo == Tipo::Update {
                Esito::Sostituisce(a.riferimenti.clone())
            } else {
                Esito::Nuovo
            }
        }
    };
    Ok((esito, Some(nuova.id)))
}

/// A source by code, created on first use with `nome` and `tipo`.
pub async fn fonte(
    db: &impl ConnectionTrait,
    codice: &str,
    nome: &str,
    tipo: &str,
) -> AppResult<fonte_allerta::Model> {
    if let Some(f) = fonte_allerta::Entity::find()
        .filter(fonte_allerta::Column::Codice.eq(codice))
        .one(db)
        .await?
    {
        return Ok(f);
    }
    Ok(fonte_allerta::ActiveModel {
        codice: Set(codice.to_owned()),
        nome: Set(nome.to_owned()),
        tipo: Set(tipo.to_owned()),
        intervallo_secondi: Set(300),
        attiva: Set(true),
        errori_consecutivi: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
