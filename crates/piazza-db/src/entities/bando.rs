use sea_orm::entity::prelude::*;

/// A call for proposals of a programme.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "bandi")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programma_id: i64,
    pub titolo: String,
    pub riferimento: Option<String>,
    pub scadenza: Date,
    pub url: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
