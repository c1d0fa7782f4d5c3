use sea_orm::entity::prelude::*;

/// A milestone or a deliverable (`tipo`) of a project, optionally in a work package.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_scadenze")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    pub wp_id: Option<i64>,
    pub tipo: String,
    pub codice: String,
    pub titolo: String,
    pub scadenza: Date,
    pub stato: String,
    pub completata_il: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
