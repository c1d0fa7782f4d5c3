use sea_orm::entity::prelude::*;

/// An event of the association or with its patronage; its registrations are the offer's.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "eventi")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub public_id: String,
    pub titolo: String,
    pub tipo: String,
    pub descrizione: String,
    pub comune_id: Option<i64>,
    pub indirizzo: Option<String>,
    pub link_online: Option<String>,
    pub relatori: Option<String>,
    /// The project the event belongs to (its public id), linked through the registry of kinds.
    pub progetto: Option<String>,
    pub stato: String,
    pub patrocinio: bool,
    pub offerta_id: i64,
    pub proposta_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
