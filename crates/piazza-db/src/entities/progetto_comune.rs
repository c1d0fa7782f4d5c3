use sea_orm::entity::prelude::*;

/// A comune that benefits from a project.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_comuni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    pub comune_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
