use sea_orm::entity::prelude::*;

/// A proposal prepared for a call, with its outcome (`esito`) and, once approved, its project.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "proposte")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bando_id: i64,
    pub titolo: String,
    pub ruolo: String,
    pub budget: i64,
    pub esito: String,
    pub data_esito: Option<Date>,
    pub progetto_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
