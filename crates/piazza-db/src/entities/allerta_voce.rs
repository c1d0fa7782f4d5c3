use sea_orm::entity::prelude::*;

/// The level (0 green .. 3 red) an alert gives a comune for a risk.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "allerta_voci")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub allerta_id: i64,
    pub rischio: String,
    pub livello: i32,
    pub comune_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
