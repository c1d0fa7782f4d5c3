use sea_orm::entity::prelude::*;

/// A certificate of attendance as issued: what it says, kept for the public verification page.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "attestati")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub codice: String,
    pub registrazione_id: i64,
    pub nome: String,
    pub titolo: String,
    pub date: String,
    pub minuti: i32,
    pub emesso_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
