use sea_orm::entity::prelude::*;

/// An alert document as received or composed, with its raw text and what became of it
/// (`stato`); in the public state from `dal` until `terminata_at`, within `inizio`..`scadenza`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "allerte")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fonte_id: i64,
    pub mittente: String,
    pub identificativo: String,
    pub inviato: String,
    pub inviato_at: DateTimeUtc,
    pub msg_type: String,
    pub status: String,
    pub stato: String,
    pub esercitazione: bool,
    pub evento: String,
    pub titolo: String,
    pub descrizione: Option<String>,
    pub istruzioni: Option<String>,
    pub area: Option<String>,
    pub comune_id: Option<i64>,
    pub livello_max: i32,
    pub inizio: Option<DateTimeUtc>,
    pub scadenza: Option<DateTimeUtc>,
    pub dal: Option<DateTimeUtc>,
    pub terminata_at: Option<DateTimeUtc>,
    pub terminata_da_id: Option<i64>,
    pub documento: String,
    pub composta_da: Option<i64>,
    pub approvata_da: Option<i64>,
    pub approvata_at: Option<DateTimeUtc>,
    pub ricevuta_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
