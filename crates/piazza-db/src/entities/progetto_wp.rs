use sea_orm::entity::prelude::*;

/// A work package of a project.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_wp")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    pub numero: i32,
    pub titolo: String,
    pub data_inizio: Option<Date>,
    pub data_fine: Option<Date>,
    pub stato: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
