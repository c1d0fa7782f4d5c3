use sea_orm::entity::prelude::*;

/// The level last notified for a comune and risk.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "stato_notificato")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comune_id: i64,
    pub rischio: String,
    pub livello: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
