use sea_orm::entity::prelude::*;

/// An organisation of Anagrafica on an event: partner, patronage, organiser.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "eventi_partner")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub evento_id: i64,
    pub organizzazione_id: i64,
    pub ruolo: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
