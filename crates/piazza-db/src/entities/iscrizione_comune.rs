use sea_orm::entity::prelude::*;

/// A comune followed by a subscription.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "iscrizioni_comuni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub iscrizione_id: i64,
    pub comune_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
