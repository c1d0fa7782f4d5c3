use sea_orm::entity::prelude::*;

/// A key generated at install and kept in the database (VAPID, the secret of subscribers' links).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "chiavi_servizio")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub nome: String,
    pub valore: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
