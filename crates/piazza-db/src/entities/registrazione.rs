use sea_orm::entity::prelude::*;

/// A person's registration to an offer, with its state and its place on the waitlist.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "registrazioni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offerta_id: i64,
    pub codice: String,
    pub email: String,
    pub email_norm: String,
    pub nome: String,
    pub cognome: String,
    pub organizzazione: Option<String>,
    pub tipo_organizzazione: String,
    pub comune_id: Option<i64>,
    pub ruolo: Option<String>,
    pub risposte: String,
    pub stato: String,
    pub posizione: Option<i64>,
    pub creata_at: DateTimeUtc,
    pub confermata_at: Option<DateTimeUtc>,
    pub offerta_scade_at: Option<DateTimeUtc>,
    pub annullata_at: Option<DateTimeUtc>,
    pub iscritta_da: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
