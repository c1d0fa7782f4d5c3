use sea_orm::entity::prelude::*;

/// A session, keyed by the SHA-256 of its id (see `session_store`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessioni")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub utente_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub expiry: DateTimeUtc,
    /// Null only for rows written before these columns existed (there are none: m0008).
    pub creata: Option<DateTimeUtc>,
    pub vista: Option<DateTimeUtc>,
    pub agente: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
