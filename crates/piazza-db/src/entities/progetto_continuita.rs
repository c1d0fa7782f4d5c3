use sea_orm::entity::prelude::*;

/// An action of a project's continuity plan across the change of legislature.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_continuita")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    #[sea_orm(column_type = "Text")]
    pub azione: String,
    pub responsabile_id: Option<i64>,
    pub data: Date,
    pub fatta: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
