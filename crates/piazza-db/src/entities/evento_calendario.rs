use sea_orm::entity::prelude::*;

/// A dated institutional event of the political calendar; `tipo` is `elezioni`,
/// `fine_legislatura`, `scadenza` or `altro`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "eventi_calendario")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub data: Date,
    pub tipo: String,
    pub titolo: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub descrizione: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
