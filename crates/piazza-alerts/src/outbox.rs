//! The durable outbox (`invii`): one row per (notification, recipient, channel), unique, so
//! the fan-out can be re-run after a crash without sending anything twice.
//!
//! A row goes `in_coda` → `in_corso` (claimed by a worker) → `inviato` | `in_coda` again (a
//! retry, with `prossimo_at`) | `fallito` | `scaduto` (past the alert's expiry: dropped, never
//! sent late) | `annullato` (the recipient unsubscribed meanwhile). Rows still `in_corso` when
//! a node died are put back in the queue when it stops beating, or at once when a process of
//! its name starts again ([`riprendi`], `piazza_db::nodi`): at most those — the messages in
//! flight at the kill — can be sent twice. Nodes on one database share the queue: a claim
//! skips rows another node holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
//! writer) and marks the rows with the claiming node.

use chrono::{DateTime, Utc};
use piazza_db::entities::{invio, iscrizione, notifica, notifica_voce};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, QueryFilter, QuerySelect, sea_query::Expr,
};

use crate::canale;

pub mod stato {
    pub const IN_CODA: &str = "in_coda";
    pub const IN_CORSO: &str = "in_corso";
    pub const INVIATO: &str = "inviato";
    pub const FALLITO: &str = "fallito";
    pub const SCADUTO: &str = "scaduto";
    pub const ANNULLATO: &str = "annullato";
    pub const TUTTI: [&str; 6] = [IN_CODA, IN_CORSO, INVIATO, FALLITO, SCADUTO, ANNULLATO];
}

/// What a subscription is (`iscrizioni.stato`).
pub mod iscrizione_stato {
    /// Waiting for the double opt-in (e-mail, SMS).
    pub const DA_CONFERMARE: &str = "da_confermare";
    pub const ATTIVA: &str = "attiva";
}

pub use piazza_db::{al_ms, stmt};

/// Whether a change concerns a subscriber: their risk, and either the level reached their
/// threshold and changed (a rise, or a lowering that is still at or above it), or — if they
/// want all-clears — it fell below their threshold from at or above it. The fan-out applies
/// the same rule in SQL.
pub fn pertinente(v: &notifica_voce::Model, soglia: i32, rischi: i32, fine: bool) -> bool {
    (v.rischio_bit & rischi) != 0
        && ((v.dopo >= soglia && v.dopo != v.prima)
            || (fine && v.prima >= soglia && v.dopo < soglia))
}

const CONDIZIONE: &str = "((v.dopo >= i.soglia AND v.dopo <> v.prima) \
     OR (i.fine_allerta = $6 AND v.prima >= i.soglia AND v.dopo < i.soglia))";

/// Fans one block of subscriptions (ids in `(distribuita_fino, distribuita_fino + blocco]`)
/// out into the outbox (per subscriber: its comuni, each probed against the notification's
/// changes by index — the cost follows the subscribers, not the size of the alert), in one transaction with the progress mark; the Telegram channels go
/// with the first block. Returns the rows queued, or `None` when the notification is fully
/// distributed (which this call then records).
pub async fn distribuisci_blocco(
    db: &DatabaseConnection,
    notifica_id: i64,
    blocco: i64,
    ora: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let ora = al_ms(ora);
    let txn = piazza_db::scrittura(db).await?;
    // Locked: the notifiers of other nodes fanning the same notification out wait, then read
    // the progress this block made (SQLite has one writer anyway).
    let Some(n) = notifica::Entity::find_by_id(notifica_id)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    if n.distribuita_at.is_some() {
        return Ok(None);
    }
    let massimo: Option<Option<i64>> = iscrizione::Entity::find()
        .select_only()
        .column_as(iscrizione::Column::Id.max(), "m")
        .into_tuple()
        .one(&txn)
        .await?;
    let massimo = massimo.flatten().unwrap_or(0);
    let mut accodati = 0;
    if n.distribuita_fino == 0 && !n.esercitazione {
        accodati += txn
            .execute_raw(stmt(
                &txn,
                "INSERT INTO invii (notifica_id, canale, destinatario_id, stato, tentativi, \
                 prossimo_at, scade_at, created_at) \
                 SELECT $1, $2, t.id, $3, 0, $4, $5, $4 FROM canali_telegram t \
                 WHERE EXISTS (SELECT 1 FROM notifiche_voci v WHERE v.notifica_id = $1 \
                 AND v.comune_id = t.comune_id AND v.dopo <> v.prima) \
                 ON CONFLICT DO NOTHING",
                vec![
                    n.id.into(),
                    canale::TELEGRAM.into(),
                    stato::IN_CODA.into(),
                    ora.into(),
                    n.scade_at.into(),
                ],
            ))
            .await?
            .rows_affected();
    }
    if n.distribuita_fino >= massimo {
        let mut a: notifica::ActiveModel = n.into();
        a.distribuita_at = sea_orm::Set(Some(ora));
        sea_orm::ActiveModelTrait::update(a, &txn).await?;
        txn.commit().await?;
        return Ok(None);
    }
    let fino = n.distribuita_fino + blocco;
    let tester = if n.esercitazione {
        " AND i.tester = $6"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO invii (notifica_id, canale, destinatario_id, stato, tentativi, \
         prossimo_at, scade_at, created_at) \
         SELECT $1, i.canale, i.id, $2, 0, $3, $4, $3 FROM iscrizioni i \
         WHERE i.id > $7 AND i.id <= $8 AND i.stato = $5{tester} \
         AND EXISTS (SELECT 1 FROM iscrizioni_comuni ic WHERE ic.iscrizione_id = i.id \
         AND EXISTS (SELECT 1 FROM notifiche_voci v WHERE v.notifica_id = $1 \
         AND v.comune_id = ic.comune_id AND (i.rischi & v.rischio_bit) <> 0 AND {CONDIZIONE})) \
         ON CONFLICT DO NOTHING"
    );
    accodati += txn
        .execute_raw(stmt(
            &txn,
            &sql,
            vec![
                n.id.into(),
                stato::IN_CODA.into(),
                ora.into(),
                n.scade_at.into(),
                iscrizione_stato::ATTIVA.into(),
                true.into(),
                n.distribuita_fino.into(),
                fino.into(),
            ],
        ))
        .await?
        .rows_affected();
    notifica::Entity::update_many()
        .col_expr(notifica::Column::DistribuitaFino, Expr::value(fino))
        .filter(notifica::Column::Id.eq(n.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(accodati))
}

/// Queues a confirmation message (double opt-in) for a subscription, in the caller's
/// transaction; valid for `validita`.
pub async fn accoda_conferma(
    c: &impl ConnectionTrait,
    iscrizione: &iscrizione::Model,
    ora: DateTime<Utc>,
    scade: DateTime<Utc>,
) -> Result<(), DbErr> {
    let ora = al_ms(ora);
    invio::Entity::insert(invio::ActiveModel {
        notifica_id: sea_orm::Set(None),
        canale: sea_orm::Set(iscrizione.canale.clone()),
        destinatario_id: sea_orm::Set(iscrizione.id),
        stato: sea_orm::Set(stato::IN_CODA.into()),
        tentativi: sea_orm::Set(0),
        prossimo_at: sea_orm::Set(ora),
        scade_at: sea_orm::Set(al_ms(scade)),
        inviato_at: sea_orm::Set(None),
        errore: sea_orm::Set(None),
        created_at: sea_orm::Set(ora),
        ..Default::default()
    })
    .exec(c)
    .await?;
    Ok(())
}

/// Who a message goes to. For Telegram, `indirizzo` is the chat and `comuni` its comune.
#[derive(Debug, Clone)]
pub struct Destinatario {
    pub id: i64,
    pub canale: String,
    pub indirizzo: String,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
    pub soglia: i32,
    pub rischi: i32,
    pub fine_allerta: bool,
    pub comuni: Vec<i64>,
}

/// A claimed row, with its recipient (`None` if they are gone meanwhile).
#[derive(Debug, Clone)]
pub struct Prenotato {
    pub id: i64,
    pub notifica_id: Option<i64>,
    pub destinatario_id: i64,
    pub tentativi: i32,
    pub scade_at: DateTime<Utc>,
    pub destinatario: Option<std::sync::Arc<Destinatario>>,
}

/// Claims up to `limite` due rows of a channel (oldest first), marking them `in_corso`, and
/// reads their recipients in the same statement (one pass over the rows: a claim is thousands
/// of them).
pub async fn prenota(
    db: &DatabaseConnection,
    canale: &str,
    limite: usize,
    ora: DateTime<Utc>,
    nodo: i64,
) -> Result<Vec<Prenotato>, DbErr> {
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    let blocca = if pg { " FOR UPDATE SKIP LOCKED" } else { "" };
    let destinatario = if canale == canale::TELEGRAM {
        "(SELECT t.chat_id FROM canali_telegram t WHERE t.id = invii.destinatario_id) AS d_indirizzo, \
         (SELECT t.comune_id FROM canali_telegram t WHERE t.id = invii.destinatario_id) AS d_comune"
            .to_owned()
    } else {
        let comuni = if pg {
            "string_agg(CAST(c.comune_id AS TEXT), ',')"
        } else {
            "group_concat(c.comune_id)"
        };
        // The subscription's fields in one lookup (see [`Iscritto::leggi`]), not one
        // subquery each: a claim reads thousands.
        format!(
            "(SELECT CAST(s.soglia AS TEXT) || ',' || CAST(s.rischi AS TEXT) || ',' || \
             CAST(s.fine_allerta AS TEXT) || ',' || COALESCE(s.p256dh, '') || ',' || \
             COALESCE(s.auth, '') || ',' || s.indirizzo \
             FROM iscrizioni s WHERE s.id = invii.destinatario_id) AS d_iscrizione, \
             (SELECT {comuni} FROM iscrizioni_comuni c \
             WHERE c.iscrizione_id = invii.destinatario_id) AS d_comuni"
        )
    };
    // The states are written in the statement, not bound: see [`in_coda`]. So is the limit:
    // SQLite compiles a bound `LIMIT` anew at every execution (a bound value could change the
    // plan), and a claim with its subqueries is not cheap to compile.
    let sql = format!(
        "UPDATE invii SET stato = '{}', nodo_id = {nodo} WHERE id IN (SELECT id FROM invii WHERE stato = '{}' \
         AND canale = $1 AND prossimo_at <= $2 ORDER BY prossimo_at, id LIMIT {limite}{blocca}) \
         RETURNING id, notifica_id, destinatario_id, tentativi, scade_at, {destinatario}",
        stato::IN_CORSO,
        stato::IN_CODA
    );
    let righe = db
        .query_all_raw(stmt(db, &sql, vec![canale.into(), al_ms(ora).into()]))
        .await?;
    let mut out = righe
        .iter()
        .map(|r| {
            let destinatario_id: i64 = r.try_get("", "destinatario_id")?;
            let destinatario = if canale == canale::TELEGRAM {
                match r.try_get::<Option<String>>("", "d_indirizzo")? {
                    None => None,
                    Some(indirizzo) => Some(Destinatario {
                        id: destinatario_id,
                        canale: canale.to_owned(),
                        indirizzo,
                        p256dh: None,
                        auth: None,
                        soglia: 1,
                        rischi: i32::MAX,
                        fine_allerta: true,
                        comuni: vec![r.try_get("", "d_comune")?],
                    }),
                }
            } else {
                match r.try_get::<Option<String>>("", "d_iscrizione")? {
                    None => None,
                    Some(campi) => {
                        let i = Iscritto::leggi(&campi).ok_or_else(|| {
                            DbErr::Custom(format!("iscrizione {destinatario_id} illeggibile"))
                        })?;
                        Some(Destinatario {
                            id: destinatario_id,
                            canale: canale.to_owned(),
                            indirizzo: i.indirizzo.to_owned(),
                            p256dh: i.p256dh.map(str::to_owned),
                            auth: i.auth.map(str::to_owned),
                            soglia: i.soglia,
                            rischi: i.rischi,
                            fine_allerta: i.fine_allerta,
                            comuni: r
                                .try_get::<Option<String>>("", "d_comuni")?
                                .unwrap_or_default()
                                .split(',')
                                .filter_map(|c| c.parse().ok())
                                .collect(),
                        })
                    }
                }
            };
            Ok(Prenotato {
                id: r.try_get("", "id")?,
                notifica_id: r.try_get("", "notifica_id")?,
                destinatario_id,
                tentativi: r.try_get("", "tentativi")?,
                scade_at: r.try_get("", "scade_at")?,
                destinatario: destinatario.map(std::sync::Arc::new),
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    out.sort_by_key(|p| p.id);
    Ok(out)
}

/// A subscription's fields as the claim reads them: `soglia,rischi,fine_allerta,p256dh,auth,
/// indirizzo` (keys in base64url, empty when absent; the address last, as it may hold commas;
/// `fine_allerta` is `1`/`0` in SQLite, `true`/`false` in PostgreSQL).
struct Iscritto<'a> {
    soglia: i32,
    rischi: i32,
    fine_allerta: bool,
    p256dh: Option<&'a str>,
    auth: Option<&'a str>,
    indirizzo: &'a str,
}

impl<'a> Iscritto<'a> {
    fn leggi(campi: &'a str) -> Option<Self> {
        let mut c = campi.splitn(6, ',');
        let mut campo = || c.next();
        let facoltativo = |v: &'a str| (!v.is_empty()).then_some(v);
        Some(Self {
            soglia: campo()?.parse().ok()?,
            rischi: campo()?.parse().ok()?,
            fine_allerta: match campo()? {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => return None,
            },
            p256dh: facoltativo(campo()?),
            auth: facoltativo(campo()?),
            indirizzo: campo()?,
        })
    }
}

/// What became of a claimed row.
#[derive(Debug, Clone, PartialEq)]
pub enum Registrazione {
    Inviato,
    Riprova {
        quando: DateTime<Utc>,
        errore: String,
    },
    Fallito(String),
    Scaduto,
    Annullato(String),
}

/// Records the outcome of claimed rows, in one transaction: the delivered ones in a few
/// statements (hundreds of ids each), the others one by one (they are few).
pub async fn registra(
    db: &DatabaseConnection,
    esiti: &[(i64, Registrazione)],
    ora: DateTime<Utc>,
) -> Result<(), DbErr> {
    let ora = al_ms(ora);
    let txn = piazza_db::scrittura(db).await?;
    let inviati: Vec<i64> = esiti
        .iter()
        .filter(|(_, r)| *r == Registrazione::Inviato)
        .map(|(id, _)| *id)
        .collect();
    for parte in inviati.chunks(500) {
        invio::Entity::update_many()
            .col_expr(invio::Column::Stato, Expr::value(stato::INVIATO))
            .col_expr(invio::Column::InviatoAt, Expr::value(ora))
            .col_expr(
                invio::Column::Tentativi,
                Expr::col(invio::Column::Tentativi).add(1),
            )
            .col_expr(invio::Column::Errore, Expr::value(Option::<String>::None))
            .filter(invio::Column::Id.is_in(parte.iter().copied()))
            .exec(&txn)
            .await?;
    }
    for (id, r) in esiti {
        let (s, errore, quando, tentativo) = match r {
            Registrazione::Inviato => continue,
            Registrazione::Riprova { quando, errore } => {
                (stato::IN_CODA, Some(errore.clone()), Some(*quando), true)
            }
            Registrazione::Fallito(e) => (stato::FALLITO, Some(e.clone()), None, true),
            Registrazione::Scaduto => (stato::SCADUTO, None, None, false),
            Registrazione::Annullato(e) => (stato::ANNULLATO, Some(e.clone()), None, false),
        };
        let mut u = invio::Entity::update_many()
            .col_expr(invio::Column::Stato, Expr::value(s))
            .col_expr(invio::Column::Errore, Expr::value(errore));
        if let Some(q) = quando {
            u = u.col_expr(invio::Column::ProssimoAt, Expr::value(al_ms(q)));
        }
        if tentativo {
            u = u.col_expr(
                invio::Column::Tentativi,
                Expr::col(invio::Column::Tentativi).add(1),
            );
        }
        u.filter(invio::Column::Id.eq(*id)).exec(&txn).await?;
    }
    txn.commit().await
}

/// What was claimed by nodes that are gone goes back in the queue: nodes in `precedenti`
/// (earlier processes of this node's name), nodes whose last beat is older than `limite`
/// (apart from `io`), and claims of no node or of a node no longer registered. Returns how
/// many rows.
pub async fn riprendi(
    db: &impl ConnectionTrait,
    io: i64,
    limite: DateTime<Utc>,
    precedenti: &[i64],
) -> Result<u64, DbErr> {
    let precedenti = if precedenti.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = precedenti.iter().map(i64::to_string).collect();
        format!(" OR nodo_id IN ({})", ids.join(","))
    };
    let sql = format!(
        "UPDATE invii SET stato = '{}' WHERE stato = '{}' AND (nodo_id IS NULL{precedenti} \
         OR nodo_id NOT IN (SELECT id FROM nodi WHERE vivo_at >= $1 OR id = $2))",
        stato::IN_CODA,
        stato::IN_CORSO
    );
    Ok(db
        .execute_raw(stmt(db, &sql, vec![al_ms(limite).into(), io.into()]))
        .await?
        .rows_affected())
}

/// `stato = 'in_coda'` written as a literal: the queue's partial index is then usable (a bound
/// parameter would hide that from the planner).
fn in_coda() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(format!("stato = '{}'", stato::IN_CODA))
}

/// When the next queued row of a channel is due.
pub async fn prossimo(
    db: &DatabaseConnection,
    canale: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let t: Option<Option<DateTime<Utc>>> = invio::Entity::find()
        .select_only()
        .column_as(invio::Column::ProssimoAt.min(), "t")
        .filter(in_coda())
        .filter(invio::Column::Canale.eq(canale))
        .into_tuple()
        .one(db)
        .await?;
    Ok(t.flatten())
}

/// Drops what is past its expiry while still queued (also on channels not configured, whose
/// rows no worker claims). Returns how many.
pub async fn scadi(db: &DatabaseConnection, ora: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(invio::Entity::update_many()
        .col_expr(invio::Column::Stato, Expr::value(stato::SCADUTO))
        .filter(in_coda())
        .filter(invio::Column::ScadeAt.lte(al_ms(ora)))
        .exec(db)
        .await?
        .rows_affected)
}

/// The retention policy: finished outbox rows older than `invii_prima_di` are deleted (they
/// name a subscriber), so are subscriptions never confirmed created before
/// `non_confermate_prima_di`. Returns (rows, subscriptions) deleted.
pub async fn pulisci(
    db: &DatabaseConnection,
    invii_prima_di: DateTime<Utc>,
    non_confermate_prima_di: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let invii = invio::Entity::delete_many()
        .filter(invio::Column::Stato.is_in([
            stato::INVIATO,
            stato::FALLITO,
            stato::SCADUTO,
            stato::ANNULLATO,
        ]))
        .filter(invio::Column::CreatedAt.lt(al_ms(invii_prima_di)))
        .exec(db)
        .await?
        .rows_affected;
    let iscrizioni = iscrizione::Entity::delete_many()
        .filter(iscrizione::Column::Stato.eq(iscrizione_stato::DA_CONFERMARE))
        .filter(iscrizione::Column::CreatedAt.lt(al_ms(non_confermate_prima_di)))
        .exec(db)
        .await?
        .rows_affected;
    Ok((invii, iscrizioni))
}

/// Rows by (notification, channel, state), for the staff page and `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conteggio {
    pub notifica_id: Option<i64>,
    pub canale: String,
    pub stato: String,
    pub n: i64,
}

pub async fn conteggi(
    db: &impl ConnectionTrait,
    notifiche: Option<&[i64]>,
) -> Result<Vec<Conteggio>, DbErr> {
    let mut q = invio::Entity::find()
        .select_only()
        .column(invio::Column::NotificaId)
        .column(invio::Column::Canale)
        .column(invio::Column::Stato)
        .column_as(invio::Column::Id.count(), "n")
        .group_by(invio::Column::NotificaId)
        .group_by(invio::Column::Canale)
        .group_by(invio::Column::Stato);
    if let Some(ids) = notifiche {
        q = q.filter(invio::Column::NotificaId.is_in(ids.iter().copied()));
    }
    let righe: Vec<(Option<i64>, String, String, i64)> = q.into_tuple().all(db).await?;
    Ok(righe
        .into_iter()
        .map(|(notifica_id, canale, stato, n)| Conteggio {
            notifica_id,
            canale,
            stato,
            n,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claimed_subscription_is_read_back_from_its_fields() {
        let i = Iscritto::leggi("2,10,1,BKey,aut,https://push.example/a,b?c=1").unwrap();
        assert_eq!((i.soglia, i.rischi, i.fine_allerta), (2, 10, true));
        assert_eq!((i.p256dh, i.auth), (Some("BKey"), Some("aut")));
        assert_eq!(i.indirizzo, "https://push.example/a,b?c=1");
        // E-mail on PostgreSQL: no keys, booleans spelled out.
        let i = Iscritto::leggi("1,255,false,,,nome@example.org").unwrap();
        assert_eq!((i.fine_allerta, i.p256dh, i.auth), (false, None, None));
        assert_eq!(i.indirizzo, "nome@example.org");
        for rotta in ["", "1,2", "x,2,1,,,a", "1,2,forse,,,a"] {
            assert!(Iscritto::leggi(rotta).is_none(), "{rotta}");
        }
    }
}
