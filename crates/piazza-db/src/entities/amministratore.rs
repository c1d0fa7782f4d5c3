use sea_orm::entity::prelude::*;

/// An office held by a person in a comune (sindaco, assessore, ...).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "amministratori")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub persona_id: i64,
    pub comune_id: i64,
    pub carica: String,
    pub descrizione_carica: String,
    pub data_elezione: Option<Date>,
    pub data_inizio: Option<Date>,
    /// Computed in Rust: election date + the configured term (5 years by default).
    pub fine_mandato: Option<Date>,
    pub lista: Option<String>,
    pub fonte: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
