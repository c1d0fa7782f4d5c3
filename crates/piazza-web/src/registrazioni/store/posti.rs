//! Seats and the waitlist. The database keeps the count: a seat is taken by
//! `UPDATE offerte SET occupati = occupati + 1 WHERE id = $1 AND occupati < capienza` (and the
//! table's `CHECK` refuses any overbooking), and every step that decides between a seat and
//! the waitlist first takes the offer's arrival number with an `UPDATE … RETURNING` of its row:
//! on PostgreSQL that locks the row until the commit, on SQLite the unit of work already holds
//! the write lock (`BEGIN IMMEDIATE`). So concurrent confirmations are decided one at a time,
//! in the order they reached the row, and the waitlist's `posizione` is that order.

use chrono::{DateTime, Duration, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{offerta, registrazione, registrazione_sessione};
use piazza_db::lavoro::Lavoro;
use piazza_db::stmt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::super::messaggi::{Avvisi, Avviso};
use super::super::model::{NuovaRegistrazione, codice, stato};
use super::{aperta, sessioni_di};
use crate::kit::error::{AppError, AppResult};
use crate::kit::posta;
use crate::kit::view::FormErrors;

/// What a confirmation (of the e-mail, or by the staff) gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EsitoConferma {
    Confermata,
    ListaAttesa,
    InApprovazione,
    /// Nothing to do: the registration was already past that step (its state).
    Gia(String),
}

/// The message already used for a second registration of one address.
const GIA_REGISTRATO: &str = "Questo indirizzo è già registrato a questo evento: cerca nella \
posta (anche nello spam) il messaggio con il collegamento del biglietto.";

/// Registers `n` to `o`. Public registrations wait for the e-mail confirmation; `diretta`
/// (staff, a comune's referente registering its people) confirms at once.
pub async fn registra(
    uow: &Lavoro,
    o: &offerta::Model,
    n: NuovaRegistrazione,
    diretta: bool,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<(registrazione::Model, Option<EsitoConferma>)> {
    // A registration that takes seats at once, or chooses sessions, locks the offer first
    // (like every change of seats): its checks then read fresh counts, and on PostgreSQL no
    // lock on a session row is taken before the offer's (an edit of the sessions holds the
    // offer's lock and deletes session rows).
    let bloccata = if diretta || !n.sessioni.is_empty() {
        Some(arrivo(uow, o.id).await?)
    } else {
        None
    };
    let sessioni = sessioni_di(uow, o.id).await?;
    if let Err(m) = aperta(o, &sessioni, ora) {
        return Err(AppError::Conflict(m));
    }
    if super::quote_tipo(o).get(&n.tipo_organizzazione) == Some(&0) {
        let mut e = FormErrors::default();
        e.add(
            "tipo_organizzazione",
            format!(
                "Questo evento non è aperto a: {}.",
                super::super::model::nome_tipo(&n.tipo_organizzazione)
            ),
        );
        return Err(AppError::invalido(e));
    }
    let email_norm = n.email.to_lowercase();
    let gia = registrazione::Entity::find()
        .filter(registrazione::Column::OffertaId.eq(o.id))
        .filter(registrazione::Column::EmailNorm.eq(email_norm.clone()))
        .filter(registrazione::Column::Stato.is_not_in(stato::CHIUSI))
        .count(uow)
        .await?;
    if gia > 0 {
        let mut e = FormErrors::default();
        e.add("email", GIA_REGISTRATO);
        return Err(AppError::invalido(e));
    }
    for id in &n.sessioni {
        let Some(s) = sessioni
            .iter()
            .find(|s| s.id == *id && s.capienza.is_some())
        else {
            return Err(AppError::BadRequest(
                "La sessione scelta non è di questo evento.".into(),
            ));
        };
        if s.capienza.is_some_and(|c| s.occupati >= c) {
            let mut e = FormErrors::default();
            e.add(
                "sessioni",
                format!(
                    "«{}» è al completo: togli la scelta o scegline un'altra.",
                    s.titolo
                ),
            );
            return Err(AppError::invalido(e));
        }
    }
    let scelte = n.sessioni.clone();
    let risposte = serde_json::to_string(&n.risposte).unwrap_or_else(|_| "[]".into());
    let r = uow
        .inserisci(registrazione::ActiveModel {
            offerta_id: Set(o.id),
            codice: Set(codice(8)),
            email: Set(n.email),
            email_norm: Set(email_norm),
            nome: Set(n.nome),
            cognome: Set(n.cognome),
            organizzazione: Set(n.organizzazione),
            tipo_organizzazione: Set(n.tipo_organizzazione),
            comune_id: Set(n.comune_id),
            ruolo: Set(n.ruolo),
            risposte: Set(risposte),
            stato: Set(stato::DA_CONFERMARE.into()),
            posizione: Set(None),
            creata_at: Set(ora),
            iscritta_da: Set(uow.actor().utente_id),
            ..Default::default()
        })
        .await
        .map_err(|e| {
            // Two requests with one address at once: the partial unique index decides.
            let s = e.to_string();
            if s.contains("ix_registrazioni_email_viva") || s.contains("UNIQUE") {
                let mut fe = FormErrors::default();
                fe.add("email", GIA_REGISTRATO);
                AppError::invalido(fe)
            } else {
                e.into()
            }
        })?;
    for sessione_id in scelte {
        uow.inserisci(registrazione_sessione::ActiveModel {
            registrazione_id: Set(r.id),
            sessione_id: Set(sessione_id),
            posto: Set(false),
            ..Default::default()
        })
        .await?;
    }
    if diretta && let Some((seq, o)) = bloccata {
        return assegna(uow, r, seq, o, avvisi, ora).await;
    }
    posta::accoda(
        uow,
        avvisi.messaggio(Avviso::ConfermaEmail, &r, o, &sessioni),
        ora,
    )
    .await?;
    Ok((r, None))
}

/// The person followed the link of the confirmation e-mail: a seat, the waitlist, or the
/// organisers' approval.
pub async fn conferma_email(
    uow: &Lavoro,
    id: i64,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<(registrazione::Model, EsitoConferma)> {
    let (r, o, seq) = carica_bloccata(uow, id).await?;
    if r.stato != stato::DA_CONFERMARE {
        let s = r.stato.clone();
        return Ok((r, EsitoConferma::Gia(s)));
    }
    let (r, e) = assegna(uow, r, seq, o, avvisi, ora).await?;
    Ok((r, e.unwrap_or(EsitoConferma::Gia(String::new()))))
}

async fn carica(db: &impl ConnectionTrait, id: i64) -> AppResult<registrazione::Model> {
    registrazione::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A registration read under its offer's row lock (taken first, as every change of a
/// registration does): on PostgreSQL two changes of one offer's registrations (a confirmation
/// clicked twice, a cancellation and a rejection at once) are then decided one after the other
/// on fresh state, never on a row read before the other committed. With the offer, the arrival
/// number the lock took.
async fn carica_bloccata(
    uow: &Lavoro,
    id: i64,
) -> AppResult<(registrazione::Model, offerta::Model, i64)> {
    let offerta_id = carica(uow, id).await?.offerta_id;
    let (seq, o) = arrivo(uow, offerta_id).await?;
    Ok((carica(uow, id).await?, o, seq))
}

/// Takes the offer's next arrival number, locking its row for the rest of the transaction.
pub(super) async fn arrivo(uow: &Lavoro, offerta_id: i64) -> Result<(i64, offerta::Model), DbErr> {
    let riga = uow
        .query_one_raw(stmt(
            uow,
            "UPDATE offerte SET sequenza = sequenza + 1 WHERE id = $1 RETURNING sequenza",
            vec![offerta_id.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("offerta {offerta_id}")))?;
    let seq: i64 = riga.try_get("", "sequenza")?;
    let o = offerta::Entity::find_by_id(offerta_id)
        .one(uow)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("offerta {offerta_id}")))?;
    Ok((seq, o))
}

/// Takes a seat for `r` if one is free and the quotas of its comune and of its type of
/// organisation allow.
async fn prendi_posto(
    uow: &Lavoro,
    o: &offerta::Model,
    r: &registrazione::Model,
) -> Result<Posto, DbErr> {
    let con_posto = || {
        registrazione::Entity::find()
            .filter(registrazione::Column::OffertaId.eq(o.id))
            .filter(registrazione::Column::Stato.is_in(stato::CON_POSTO))
    };
    if let (Some(q), Some(c)) = (o.quota_comune, r.comune_id) {
        let del_comune = con_posto()
            .filter(registrazione::Column::ComuneId.eq(c))
            .count(uow)
            .await?;
        if del_comune >= q.max(0) as u64 {
            return Ok(Posto::QuotaPiena);
        }
    }
    if let Some(q) = super::quote_tipo(o).get(&r.tipo_organizzazione) {
        let del_tipo = con_posto()
            .filter(registrazione::Column::TipoOrganizzazione.eq(r.tipo_organizzazione.clone()))
            .count(uow)
            .await?;
        if del_tipo >= (*q).max(0) as u64 {
            return Ok(Posto::QuotaPiena);
        }
    }
    let preso = uow
        .execute_raw(stmt(
            uow,
            "UPDATE offerte SET occupati = occupati + 1 WHERE id = $1 AND occupati < capienza",
            vec![o.id.into()],
        ))
        .await?
        .rows_affected()
        == 1;
    Ok(if preso { Posto::Preso } else { Posto::Esauriti })
}

#[derive(Debug, PartialEq, Eq)]
enum Posto {
    Preso,
    Esauriti,
    QuotaPiena,
}

async fn lascia_posto(uow: &Lavoro, offerta_id: i64) -> Result<(), DbErr> {
    uow.execute_raw(stmt(
        uow,
        "UPDATE offerte SET occupati = occupati - 1 WHERE id = $1 AND occupati > 0",
        vec![offerta_id.into()],
    ))
    .await?;
    Ok(())
}

async fn passa(
    uow: &Lavoro,
    r: &registrazione::Model,
    azione: &str,
    f: impl FnOnce(&mut registrazione::ActiveModel),
) -> Result<registrazione::Model, DbErr> {
    let mut am: registrazione::ActiveModel = r.clone().into();
    f(&mut am);
    let dopo = uow.aggiorna_come(azione, r, am).await?;
    let (prima_posto, dopo_posto) = (
        stato::CON_POSTO.contains(&r.stato.as_str()),
        stato::CON_POSTO.contains(&dopo.stato.as_str()),
    );
    if prima_posto != dopo_posto {
        posti_sessioni(uow, r.id, dopo_posto).await?;
    }
    Ok(dopo)
}

/// The seats of the chosen sessions follow the offer's: taken (where free) when the
/// registration gets its seat, given back when it loses it. Each is the same conditional
/// `UPDATE` as the offer's seat, so a session is never overbooked either.
async fn posti_sessioni(uow: &Lavoro, registrazione_id: i64, prendi: bool) -> Result<(), DbErr> {
    let scelte = registrazione_sessione::Entity::find()
        .filter(registrazione_sessione::Column::RegistrazioneId.eq(registrazione_id))
        .filter(registrazione_sessione::Column::Posto.eq(!prendi))
        .all(uow)
        .await?;
    for s in scelte {
        let sql = if prendi {
            "UPDATE offerta_sessioni SET occupati = occupati + 1 \
             WHERE id = $1 AND capienza IS NOT NULL AND occupati < capienza"
        } else {
            "UPDATE offerta_sessioni SET occupati = occupati - 1 WHERE id = $1 AND occupati > 0"
        };
        let fatto = uow
            .execute_raw(stmt(uow, sql, vec![s.sessione_id.into()]))
            .await?
            .rows_affected()
            == 1;
        if fatto || !prendi {
            let mut am: registrazione_sessione::ActiveModel = s.clone().into();
            am.posto = Set(prendi);
            uow.aggiorna(&s, am).await?;
        }
        if fatto && !prendi {
            assegna_posto_sessione(uow, s.sessione_id).await?;
        }
    }
    Ok(())
}

/// A free session seat (given back, or added with the session's capacity) goes to the first
/// (in arrival order) who holds an event seat and chose that session when it was full; true
/// when one was given.
pub(super) async fn assegna_posto_sessione(uow: &Lavoro, sessione_id: i64) -> Result<bool, DbErr> {
    let in_attesa = registrazione_sessione::Entity::find()
        .filter(registrazione_sessione::Column::SessioneId.eq(sessione_id))
        .filter(registrazione_sessione::Column::Posto.eq(false))
        .all(uow)
        .await?;
    if in_attesa.is_empty() {
        return Ok(false);
    }
    let Some(primo) = registrazione::Entity::find()
        .filter(registrazione::Column::Id.is_in(in_attesa.iter().map(|x| x.registrazione_id)))
        .filter(registrazione::Column::Stato.is_in(stato::CON_POSTO))
        .order_by_asc(registrazione::Column::Posizione)
        .order_by_asc(registrazione::Column::Id)
        .one(uow)
        .await?
    else {
        return Ok(false);
    };
    let preso = uow
        .execute_raw(stmt(
            uow,
            "UPDATE offerta_sessioni SET occupati = occupati + 1 \
             WHERE id = $1 AND capienza IS NOT NULL AND occupati < capienza",
            vec![sessione_id.into()],
        ))
        .await?
        .rows_affected()
        == 1;
    if let Some(x) = in_attesa
        .into_iter()
        .find(|x| x.registrazione_id == primo.id)
        && preso
    {
        let mut am: registrazione_sessione::ActiveModel = x.clone().into();
        am.posto = Set(true);
        uow.aggiorna(&x, am).await?;
        return Ok(true);
    }
    Ok(false)
}

async fn avvisa(
    uow: &Lavoro,
    avvisi: &Avvisi,
    a: Avviso,
    r: &registrazione::Model,
    o: &offerta::Model,
    ora: DateTime<Utc>,
) -> Result<(), DbErr> {
    let sessioni = sessioni_di(uow, o.id).await?;
    posta::accoda(uow, avvisi.messaggio(a, r, o, &sessioni), ora).await
}

/// Decides between a seat and the waitlist (or the approval) for a registration that has just
/// been confirmed by its person or by the staff; the caller holds the offer's lock (`o` as read
/// under it, `seq` the arrival number it took).
async fn assegna(
    uow: &Lavoro,
    r: registrazione::Model,
    seq: i64,
    o: offerta::Model,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<(registrazione::Model, Option<EsitoConferma>)> {
    let (nuovo, avviso, esito) = if o.approvazione {
        (
            stato::IN_APPROVAZIONE,
            Avviso::InApprovazione,
            EsitoConferma::InApprovazione,
        )
    } else if prendi_posto(uow, &o, &r).await? == Posto::Preso {
        (
            stato::CONFERMATA,
            Avviso::Confermata,
            EsitoConferma::Confermata,
        )
    } else {
        (
            stato::LISTA_ATTESA,
            Avviso::ListaAttesa,
            EsitoConferma::ListaAttesa,
        )
    };
    let r = passa(uow, &r, "conferma", |am| {
        am.stato = Set(nuovo.into());
        am.posizione = Set(Some(seq));
        am.confermata_at = Set(Some(ora));
    })
    .await?;
    avvisa(uow, avvisi, avviso, &r, &o, ora).await?;
    Ok((r, Some(esito)))
}

/// The organisers approve a registration: a seat, or the waitlist in its arrival order.
pub async fn approva(
    uow: &Lavoro,
    id: i64,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<EsitoConferma> {
    let (r, o, _) = carica_bloccata(uow, id).await?;
    if r.stato != stato::IN_APPROVAZIONE {
        return Ok(EsitoConferma::Gia(r.stato));
    }
    let (nuovo, avviso, esito) = if prendi_posto(uow, &o, &r).await? == Posto::Preso {
        (
            stato::CONFERMATA,
            Avviso::Confermata,
            EsitoConferma::Confermata,
        )
    } else {
        (
            stato::LISTA_ATTESA,
            Avviso::ListaAttesa,
            EsitoConferma::ListaAttesa,
        )
    };
    let r = passa(uow, &r, "approva", |am| am.stato = Set(nuovo.into())).await?;
    avvisa(uow, avvisi, avviso, &r, &o, ora).await?;
    Ok(esito)
}

/// The organisers decline a registration waiting for approval (or on the waitlist).
pub async fn respingi(uow: &Lavoro, id: i64, avvisi: &Avvisi, ora: DateTime<Utc>) -> AppResult<()> {
    let (r, o, _) = carica_bloccata(uow, id).await?;
    if !matches!(
        r.stato.as_str(),
        stato::IN_APPROVAZIONE | stato::LISTA_ATTESA
    ) {
        return Err(AppError::Conflict(
            "Si può respingere solo una registrazione in attesa di approvazione o in lista d'attesa."
                .into(),
        ));
    }
    let r = passa(uow, &r, "respingi", |am| {
        am.stato = Set(stato::RESPINTA.into());
        am.annullata_at = Set(Some(ora));
    })
    .await?;
    avvisa(uow, avvisi, Avviso::Respinta, &r, &o, ora).await?;
    Ok(())
}

/// The person (from the ticket) or the staff cancel a registration; a seat it held goes to the
/// waitlist. Returns false when it was already over.
pub async fn annulla(
    uow: &Lavoro,
    id: i64,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<bool> {
    let (r, o, _) = carica_bloccata(uow, id).await?;
    if stato::CHIUSI.contains(&r.stato.as_str()) {
        return Ok(false);
    }
    let aveva_posto = stato::CON_POSTO.contains(&r.stato.as_str());
    let r = passa(uow, &r, "annulla", |am| {
        am.stato = Set(stato::ANNULLATA.into());
        am.annullata_at = Set(Some(ora));
        am.offerta_scade_at = Set(None);
    })
    .await?;
    avvisa(uow, avvisi, Avviso::Annullata, &r, &o, ora).await?;
    if aveva_posto {
        lascia_posto(uow, o.id).await?;
        promuovi(uow, &o, avvisi, ora).await?;
    }
    Ok(true)
}

/// Gives the free seats to the waitlist in order: each person gets an offer that holds the
/// seat for the offer's `ore_offerta` hours (none: confirmed at once). A person whose comune's
/// or type's quota is full keeps their place and the next one is tried. The caller has locked the
/// offer's row in this unit of work (`arrivo`, or its own update of the offer).
pub(super) async fn promuovi(
    uow: &Lavoro,
    o: &offerta::Model,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<u32> {
    let offerta_id = o.id;
    let mut promossi = 0;
    let mut dopo = i64::MIN;
    loop {
        let attesa = registrazione::Entity::find()
            .filter(registrazione::Column::OffertaId.eq(offerta_id))
            .filter(registrazione::Column::Stato.eq(stato::LISTA_ATTESA))
            .filter(registrazione::Column::Posizione.gt(dopo))
            .order_by_asc(registrazione::Column::Posizione)
            .limit(50)
            .all(uow)
            .await?;
        if attesa.is_empty() {
            return Ok(promossi);
        }
        for r in attesa {
            dopo = r.posizione.unwrap_or(dopo);
            match prendi_posto(uow, o, &r).await? {
                Posto::Esauriti => return Ok(promossi),
                Posto::QuotaPiena => continue,
                Posto::Preso => {}
            }
            promossi += 1;
            let (nuovo, avviso, scade) = if o.ore_offerta > 0 {
                (
                    stato::POSTO_OFFERTO,
                    Avviso::PostoOfferto,
                    Some(ora + Duration::hours(o.ore_offerta.into())),
                )
            } else {
                (stato::CONFERMATA, Avviso::Confermata, None)
            };
            let r = passa(uow, &r, "promuovi", |am| {
                am.stato = Set(nuovo.into());
                am.offerta_scade_at = Set(scade);
            })
            .await?;
            avvisa(uow, avvisi, avviso, &r, o, ora).await?;
        }
    }
}

/// The person accepts the seat offered to them, before it expires.
pub async fn accetta(uow: &Lavoro, id: i64, avvisi: &Avvisi, ora: DateTime<Utc>) -> AppResult<()> {
    let (r, o, _) = carica_bloccata(uow, id).await?;
    if r.stato == stato::CONFERMATA {
        return Ok(());
    }
    if r.stato != stato::POSTO_OFFERTO {
        return Err(AppError::Conflict(
            "Non c'è un posto offerto da accettare.".into(),
        ));
    }
    if r.offerta_scade_at.is_some_and(|s| ora >= s) {
        return Err(AppError::Conflict(
            "L'offerta del posto è scaduta: il posto è passato alla persona successiva.".into(),
        ));
    }
    let r = passa(uow, &r, "accetta", |am| {
        am.stato = Set(stato::CONFERMATA.into());
        am.offerta_scade_at = Set(None);
    })
    .await?;
    avvisa(uow, avvisi, Avviso::Confermata, &r, &o, ora).await?;
    Ok(())
}

/// Offers not accepted by `ora` expire: the seat goes to the next person. One unit of work per
/// expired offer. Returns how many expired.
pub async fn scadi_offerte(
    db: &DatabaseConnection,
    actor: &Actor,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<u32> {
    let scadute: Vec<i64> = registrazione::Entity::find()
        .select_only()
        .column(registrazione::Column::Id)
        .filter(registrazione::Column::Stato.eq(stato::POSTO_OFFERTO))
        .filter(registrazione::Column::OffertaScadeAt.lte(ora))
        .into_tuple()
        .all(db)
        .await?;
    let mut n = 0;
    for id in scadute {
        let uow = Lavoro::apri(db, actor).await?;
        let (r, o, _) = carica_bloccata(&uow, id).await?;
        // Accepted or cancelled since the list was read.
        if r.stato != stato::POSTO_OFFERTO || r.offerta_scade_at.is_none_or(|s| s > ora) {
            continue;
        }
        let r = passa(&uow, &r, "scadenza", |am| {
            am.stato = Set(stato::SCADUTA.into());
            am.annullata_at = Set(Some(ora));
        })
        .await?;
        avvisa(&uow, avvisi, Avviso::Scaduta, &r, &o, ora).await?;
        lascia_posto(&uow, o.id).await?;
        promuovi(&uow, &o, avvisi, ora).await?;
        uow.conferma().await?;
        n += 1;
    }
    Ok(n)
}
