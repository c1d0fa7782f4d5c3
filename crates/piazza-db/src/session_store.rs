//! A `tower-sessions` store over SeaORM (the published stores lag SeaORM 2's sqlx).
//! Records are stored as JSON text with their expiry in UTC.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

use crate::entities::sessione;

#[derive(Clone, Debug)]
pub struct SeaOrmStore {
    db: DatabaseConnection,
}

impl SeaOrmStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for SeaOrmStore {
    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
        let row = sessione::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expiry: Set(to_chrono(record.expiry_date)),
        };
        sessione::Entity::insert(row)
            .on_conflict(
                OnConflict::column(sessione::Column::Id)
                    .update_columns([sessione::Column::Data, sessione::Column::Expiry])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row = sessione::Entity::find_by_id(id.to_string())
            .filter(sessione::Column::Expiry.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        row.map(|r| serde_json::from_str(&r.data).map_err(|e| Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessione::Entity::delete_by_id(id.to_string())
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
