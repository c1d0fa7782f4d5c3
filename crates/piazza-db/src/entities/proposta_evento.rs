use sea_orm::entity::prelude::*;

/// An event a comune proposes, asking for support or patronage, and the office's evaluation.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "proposte_evento")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comune_id: i64,
    pub utente_id: Option<i64>,
    pub titolo: String,
    pub descrizione: String,
    pub data_prevista: Date,
    pub luogo: Option<String>,
    pub supporto: String,
    pub stato: String,
    pub valutazione: String,
    pub motivazione: Option<String>,
    pub supporto_dato: Option<String>,
    pub evento_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub decisa_at: Option<DateTimeUtc>,
    pub decisa_da: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
