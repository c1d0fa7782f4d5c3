//! Several processes on one database: who is alive, and the counters they share.
//!
//! A process that claims work in the database (the delivery engine's workers) registers as a
//! node and beats: `vivo_at` is renewed every couple of seconds. What a node claimed and did
//! not finish goes back to the others when it stops beating ([`persi`]), or at once when a
//! new process takes its name (the same host and listening address: the old one is gone,
//! since the address is taken).
//!
//! The counters (`contatori`) are how nodes learn of each other's writes: a node bumps one
//! after a write, the others read it every second or so.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::{al_ms, stmt};

/// This machine's name (Linux), or `piazza`: with the listening address, a node's name.
pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "piazza".into())
}

/// Registers a node named `nome`; returns its id and the ids of earlier nodes of the same
/// name (to be taken over at once: see the module).
pub async fn registra(
    db: &impl ConnectionTrait,
    nome: &str,
    ora: DateTime<Utc>,
) -> Result<(i64, Vec<i64>), DbErr> {
    let ora = al_ms(ora);
    let precedenti: Vec<i64> = db
        .query_all_raw(stmt(
            db,
            "SELECT id FROM nodi WHERE nome = $1",
            vec![nome.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let r = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO nodi (nome, avviato_at, vivo_at) VALUES ($1, $2, $2) RETURNING id",
            vec![nome.into(), ora.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("nodo non registrato".into()))?;
    Ok((r.try_get("", "id")?, precedenti))
}

/// Renews a node's heartbeat; `false` if its row is gone (the others took it for dead).
pub async fn batti(db: &impl ConnectionTrait, id: i64, ora: DateTime<Utc>) -> Result<bool, DbErr> {
    Ok(db
        .execute_raw(stmt(
            db,
            "UPDATE nodi SET vivo_at = $1 WHERE id = $2",
            vec![al_ms(ora).into(), id.into()],
        ))
        .await?
        .rows_affected()
        == 1)
}

/// The nodes whose last beat is older than `limite` (dead, or cut off), apart from `io`.
pub async fn persi(
    db: &impl ConnectionTrait,
    io: i64,
    limite: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT id FROM nodi WHERE vivo_at < $1 AND id <> $2",
        vec![al_ms(limite).into(), io.into()],
    ))
    .await?
    .iter()
    .map(|r| r.try_get::<i64>("", "id"))
    .collect()
}

/// Forgets nodes (once what they held was taken over).
pub async fn dimentica(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    for id in ids {
        db.execute_raw(stmt(
            db,
            "DELETE FROM nodi WHERE id = $1",
            vec![(*id).into()],
        ))
        .await?;
    }
    Ok(())
}

/// A node as the operators' page shows it.
pub struct Nodo {
    pub id: i64,
    pub nome: String,
    pub avviato_at: DateTime<Utc>,
    pub vivo_at: DateTime<Utc>,
}

/// The nodes alive at `limite` or later, oldest first (the operators' page, `/metrics`).
pub async fn vivi(db: &impl ConnectionTrait, limite: DateTime<Utc>) -> Result<Vec<Nodo>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT id, nome, avviato_at, vivo_at FROM nodi WHERE vivo_at >= $1 ORDER BY id",
        vec![al_ms(limite).into()],
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(Nodo {
            id: r.try_get("", "id")?,
            nome: r.try_get("", "nome")?,
            avviato_at: r.try_get("", "avviato_at")?,
            vivo_at: r.try_get("", "vivo_at")?,
        })
    })
    .collect()
}

/// Adds one to a shared counter.
pub async fn incrementa(db: &impl ConnectionTrait, nome: &str) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "INSERT INTO contatori (nome, valore) VALUES ($1, 1) \
         ON CONFLICT (nome) DO UPDATE SET valore = contatori.valore + 1",
        vec![nome.into()],
    ))
    .await?;
    Ok(())
}

/// A shared counter (0 until first incremented).
pub async fn contatore(db: &impl ConnectionTrait, nome: &str) -> Result<i64, DbErr> {
    Ok(db
        .query_one_raw(stmt(
            db,
            "SELECT valore FROM contatori WHERE nome = $1",
            vec![nome.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "valore"))
        .transpose()?
        .unwrap_or(0))
}
