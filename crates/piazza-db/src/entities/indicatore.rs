use sea_orm::entity::prelude::*;

/// A measurable indicator of an objective: from `valore_base` towards `valore_obiettivo`;
/// `direzione` is `crescente` (more is better) or `decrescente`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicatori")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    pub obiettivo_id: i64,
    pub ordine: i32,
    pub nome: String,
    pub unita: String,
    pub direzione: String,
    pub valore_base: f64,
    pub valore_obiettivo: f64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
