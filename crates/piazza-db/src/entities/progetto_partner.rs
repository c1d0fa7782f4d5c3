use sea_orm::entity::prelude::*;

/// A partner of a project: an organisation with its country (ISO 3166 alpha-2), role and budget
/// share in cents.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_partner")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    pub organizzazione_id: i64,
    pub paese: String,
    pub ruolo: String,
    pub quota: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
