use sea_orm::entity::prelude::*;

/// A session with its own capacity chosen by a registration, and whether the seat is held.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "registrazione_sessioni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub registrazione_id: i64,
    pub sessione_id: i64,
    pub posto: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
