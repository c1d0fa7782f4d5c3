//! A `tower-sessions` store over SeaORM (the published stores lag SeaORM 2's sqlx).
//!
//! A row is keyed by the SHA-256 of the session id ([`impronta`]), so the table holds nothing
//! that opens a session; the record's data is stored as JSON without the id. The user
//! ([`CHIAVE_UTENTE`]) and the browser ([`CHIAVE_AGENTE`]) of the session are copied into
//! columns, for "your sessions" and for ending a user's sessions when the password changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use sha2::{Digest, Sha256};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use crate::entities::sessione;

/// The session key holding the signed-in user's id.
pub const CHIAVE_UTENTE: &str = "uid";
/// The session key holding a short description of the browser, set at sign-in.
pub const CHIAVE_AGENTE: &str = "agente";

#[derive(Clone, Debug)]
pub struct SeaOrmStore {
    db: DatabaseConnection,
}

impl SeaOrmStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// The stored key of a session: the hex SHA-256 of its id.
pub fn impronta(id: &Id) -> String {
    let d = Sha256::digest(id.to_string().as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn to_time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

/// The row of `record` (its `creata` is now: [`SessionStore::save`] never updates it).
fn riga(record: &Record) -> Result<sessione::ActiveModel> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let utente = record
        .data
        .get(CHIAVE_UTENTE)
        .and_then(serde_json::Value::as_i64);
    let agente = record
        .data
        .get(CHIAVE_AGENTE)
        .and_then(serde_json::Value::as_str)
        .map(|a| a.chars().take(200).collect::<String>());
    let ora = Utc::now();
    Ok(sessione::ActiveModel {
        id: Set(impronta(&record.id)),
        utente_id: Set(utente),
        data: Set(data),
        expiry: Set(to_chrono(record.expiry_date)),
        creata: Set(Some(ora)),
        vista: Set(Some(ora)),
        agente: Set(agente),
    })
}

#[async_trait]
impl SessionStore for SeaOrmStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Ids are 128 random bits: a collision is not expected, but never overwrite one.
        while sessione::Entity::find_by_id(impronta(&record.id))
            .one(&self.db)
            .await
            .map_err(backend)?
            .is_some()
        {
            record.id = Id::default();
        }
        sessione::Entity::insert(riga(record)?)
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        sessione::Entity::insert(riga(record)?)
            .on_conflict(
                OnConflict::column(sessione::Column::Id)
                    .update_columns([
                        sessione::Column::UtenteId,
                        sessione::Column::Data,
                        sessione::Column::Expiry,
                        sessione::Column::Vista,
                        sessione::Column::Agente,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row = sessione::Entity::find_by_id(impronta(id))
            .filter(sessione::Column::Expiry.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(r) = row else { return Ok(None) };
        let data = serde_json::from_str(&r.data).map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_time(r.expiry),
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessione::Entity::delete_by_id(impronta(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl SeaOrmStore {
    /// Removes expired sessions; `serve` calls it periodically.
    pub async fn delete_expired(&self) -> Result<()> {
        sessione::Entity::delete_many()
            .filter(sessione::Column::Expiry.lte(Utc::now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// The open sessions of a user, the most recently used first.
pub async fn di_utente<C: ConnectionTrait>(
    conn: &C,
    utente: i64,
) -> std::result::Result<Vec<sessione::Model>, DbErr> {
    sessione::Entity::find()
        .filter(sessione::Column::UtenteId.eq(utente))
        .filter(sessione::Column::Expiry.gt(Utc::now()))
        .order_by_desc(sessione::Column::Vista)
        .all(conn)
        .await
}

/// Ends the sessions of `utente`, except the one whose [`impronta`] is `tranne`; returns how
/// many were ended.
pub async fn termina_di_utente<C: ConnectionTrait>(
    conn: &C,
    utente: i64,
    tranne: Option<&str>,
) -> std::result::Result<u64, DbErr> {
    let mut q = sessione::Entity::delete_many().filter(sessione::Column::UtenteId.eq(utente));
    if let Some(t) = tranne {
        q = q.filter(sessione::Column::Id.ne(t));
    }
    Ok(q.exec(conn).await?.rows_affected)
}

/// Ends one session of `utente` by its [`impronta`]; false if it is not one of theirs.
pub async fn termina<C: ConnectionTrait>(
    conn: &C,
    utente: i64,
    impronta: &str,
) -> std::result::Result<bool, DbErr> {
    let r = sessione::Entity::delete_many()
        .filter(sessione::Column::UtenteId.eq(utente))
        .filter(sessione::Column::Id.eq(impronta))
        .exec(conn)
        .await?;
    Ok(r.rows_affected > 0)
}
