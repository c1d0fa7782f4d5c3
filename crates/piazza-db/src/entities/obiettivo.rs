use sea_orm::entity::prelude::*;

/// An objective of a plan area. `fonte_progresso` says where its progress comes from:
/// `stato` (the state's default), `indicatori` or `manuale` (`progresso_manuale`, 0–100).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "obiettivi")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    pub area_id: i64,
    pub ordine: i32,
    #[sea_orm(column_type = "Text")]
    pub titolo: String,
    #[sea_orm(column_type = "Text")]
    pub titolo_norm: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub descrizione: Option<String>,
    pub responsabile_id: Option<i64>,
    pub settore: Option<String>,
    pub scadenza: Option<Date>,
    pub priorita: String,
    pub peso: i32,
    pub pubblico: bool,
    pub stato: String,
    pub fonte_progresso: String,
    pub progresso_manuale: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
