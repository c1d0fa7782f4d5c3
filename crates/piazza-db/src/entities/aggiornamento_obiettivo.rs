use sea_orm::entity::prelude::*;

/// A dated progress note on an objective, optionally with a link to an attachment and the new
/// state or progress it recorded.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "aggiornamenti_obiettivo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub obiettivo_id: i64,
    pub data: Date,
    #[sea_orm(column_type = "Text")]
    pub testo: String,
    pub autore_id: Option<i64>,
    pub autore_nome: String,
    pub allegato_url: Option<String>,
    pub nuovo_stato: Option<String>,
    pub nuovo_progresso: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
