use sea_orm::entity::prelude::*;

/// The configurable catalogue of objective states, with the progress each implies by default
/// (`None`: progress from indicators or set by hand) and whether it leaves the roll-up (annullato).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "stati_obiettivo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub codice: String,
    pub nome: String,
    pub progresso_predefinito: Option<i32>,
    pub escluso_dal_calcolo: bool,
    pub ordine: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
