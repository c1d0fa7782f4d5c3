use sea_orm::entity::prelude::*;

/// Something people register for (an event, a course edition): capacity, seats held, the arrival counter, the rules of registration.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "offerte")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tipo: String,
    pub titolo: String,
    pub url: String,
    pub capienza: i32,
    pub occupati: i32,
    pub sequenza: i64,
    pub apre_at: Option<DateTimeUtc>,
    pub chiude_at: Option<DateTimeUtc>,
    pub approvazione: bool,
    pub idoneita: String,
    pub quota_comune: Option<i32>,
    /// The most seats per type of organisation, a JSON object (`{"impresa": 20}`).
    pub quote_tipo: String,
    pub ore_offerta: i32,
    pub domande: String,
    /// When the satisfaction survey was sent to the attendees.
    pub questionario_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
