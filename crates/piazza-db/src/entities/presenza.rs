use sea_orm::entity::prelude::*;

/// An entry or exit scan of a registration, with the scanning device's nonce.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "presenze")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub registrazione_id: i64,
    pub sessione_id: Option<i64>,
    pub verso: String,
    pub at: DateTimeUtc,
    pub nonce: String,
    pub utente_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
