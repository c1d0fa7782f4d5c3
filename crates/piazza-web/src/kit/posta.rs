//! Transactional e-mail (a registration's confirmation and ticket, a seat offered, a
//! convocation): a message is a row of `posta` written in the same unit of work as the change it
//! tells about — so a rolled-back change sends nothing, and a committed one is sent even if the
//! process stops right after — and a worker delivers the due rows through the SMTP client of
//! `piazza_alerts::email`.
//!
//! Rows are claimed one by one with a conditional `UPDATE` on their `prossimo_at`, so several
//! nodes on one database never send a row twice; a claim that a dead process left becomes due
//! again after [`TEMPO_CLAIM`]. A temporary refusal (4xx, a connection lost) is retried with a
//! growing wait, at most [`TENTATIVI`] times; a permanent one (5xx, a bad address) fails the row
//! with the server's reason, kept for the desk.
//!
//! Alerts to citizens do not go through here: they have their own outbox and engine
//! (`piazza_alerts::outbox`, `motore`), built for a million recipients.

use std::time::Duration;

use chrono::{DateTime, Utc};
use piazza_alerts::Esito;
use piazza_alerts::email::{Allegato, Email, Posta};
use piazza_db::entities::posta;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::AppConfig;

pub mod stato {
    pub const IN_CODA: &str = "in_coda";
    pub const IN_CORSO: &str = "in_corso";
    pub const INVIATO: &str = "inviato";
    pub const FALLITO: &str = "fallito";
}

/// A claimed row not finished within this time is due again (its sender died).
pub const TEMPO_CLAIM: Duration = Duration::from_secs(600);
/// Temporary failures tried at most this many times.
pub const TENTATIVI: i32 = 8;
/// Rows sent per pass.
const BLOCCO: u64 = 100;

/// A message to queue.
#[derive(Debug, Clone, Default)]
pub struct Messaggio {
    pub a: String,
    pub oggetto: String,
    pub testo: String,
    /// A text file sent with it: name, MIME type, content (an iCalendar entry).
    pub allegato: Option<(String, String, String)>,
}

/// Queues `m` in the caller's transaction (pass the unit of work).
pub async fn accoda(
    db: &impl ConnectionTrait,
    m: Messaggio,
    ora: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (nome, tipo, dati) = match m.allegato {
        Some((n, t, d)) => (Some(n), Some(t), Some(d)),
        None => (None, None, None),
    };
    posta::ActiveModel {
        a: Set(m.a),
        oggetto: Set(m.oggetto),
        testo: Set(m.testo),
        allegato_nome: Set(nome),
        allegato_tipo: Set(tipo),
        allegato: Set(dati),
        stato: Set(stato::IN_CODA.into()),
        tentativi: Set(0),
        prossimo_at: Set(ora),
        creata_at: Set(ora),
        inviata_at: Set(None),
        errore: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Passata {
    pub inviati: u32,
    pub rimandati: u32,
    pub falliti: u32,
}

/// Sends the rows due at `ora` (at most one block); call it again while it sends something.
pub async fn consegna(
    db: &DatabaseConnection,
    posta: &Posta,
    ora: DateTime<Utc>,
) -> Result<Passata, DbErr> {
    let dovuti = posta::Entity::find()
        .filter(posta::Column::Stato.is_in([stato::IN_CODA, stato::IN_CORSO]))
        .filter(posta::Column::ProssimoAt.lte(ora))
        .order_by_asc(posta::Column::ProssimoAt)
        .order_by_asc(posta::Column::Id)
        .limit(BLOCCO)
        .all(db)
        .await?;
    let mut p = Passata::default();
    for r in dovuti {
        // The claim: only one node moves `prossimo_at` from the value it read.
        let preso = posta::Entity::update_many()
            .col_expr(posta::Column::Stato, stato::IN_CORSO.into())
            .col_expr(posta::Column::ProssimoAt, (ora + TEMPO_CLAIM).into())
            .filter(posta::Column::Id.eq(r.id))
            .filter(posta::Column::ProssimoAt.eq(r.prossimo_at))
            .filter(posta::Column::Stato.eq(r.stato.clone()))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !preso {
            continue;
        }
        let allegato = match (&r.allegato_nome, &r.allegato_tipo, &r.allegato) {
            (Some(nome), Some(tipo), Some(dati)) => Some(Allegato {
                nome,
                tipo,
                dati: dati.as_bytes(),
            }),
            _ => None,
        };
        let esito = posta
            .invia(&Email {
                a: &r.a,
                oggetto: &r.oggetto,
                testo: &r.testo,
                disiscrivi: None,
                allegato,
            })
            .await;
        let tentativi = r.tentativi + 1;
        let mut am: posta::ActiveModel = r.into();
        am.tentativi = Set(tentativi);
        match esito {
            Esito::Consegnato => {
                p.inviati += 1;
                am.stato = Set(stato::INVIATO.into());
                am.inviata_at = Set(Some(Utc::now()));
                am.errore = Set(None);
            }
            Esito::Riprova { dopo, motivo } if tentativi < TENTATIVI => {
                p.rimandati += 1;
                let attesa = dopo.unwrap_or(Duration::from_secs(30 << tentativi.min(7)));
                am.stato = Set(stato::IN_CODA.into());
                am.prossimo_at = Set(Utc::now() + attesa);
                am.errore = Set(Some(motivo));
            }
            Esito::Riprova { motivo: m, .. } | Esito::Rifiutato(m) | Esito::Vietato(m) => {
                p.falliti += 1;
                am.stato = Set(stato::FALLITO.into());
                am.errore = Set(Some(m));
            }
            Esito::Scaduta => {
                p.falliti += 1;
                am.stato = Set(stato::FALLITO.into());
                am.errore = Set(Some("destinatario non più valido".into()));
            }
        }
        am.update(db).await?;
    }
    Ok(p)
}

/// The SMTP client of this deployment, when e-mail is configured.
pub fn client(config: &AppConfig) -> Option<Result<Posta, String>> {
    let url = config.smtp.url.as_ref()?;
    Some(Posta::new(
        url.esponi(),
        &config.smtp.mittente,
        config.smtp.connessioni.clamp(1, 4),
    ))
}

/// Starts the worker of `piazza serve`: a pass every two seconds (and at once after a pass
/// that sent a full block). Without an SMTP server the messages wait in the queue.
pub fn avvia(db: DatabaseConnection, config: &AppConfig) {
    let posta = match client(config) {
        None => {
            tracing::info!("no SMTP server: transactional e-mail stays queued");
            return;
        }
        Some(Err(e)) => {
            tracing::error!(error = %e, "transactional e-mail not started");
            return;
        }
        Some(Ok(p)) => p,
    };
    tokio::spawn(async move {
        loop {
            match consegna(&db, &posta, Utc::now()).await {
                Ok(p) if p.inviati + p.rimandati + p.falliti >= BLOCCO as u32 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "transactional e-mail pass failed"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}
