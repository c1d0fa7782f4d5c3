use sea_orm::entity::prelude::*;

/// A geocode of another system (`value_name`, `valore`: MeteoAlarm's `EMMA_ID` `IT009`) and what
/// it covers here: `regione`, `zona:<code>` or `comune:<ISTAT code>`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "geocodici_allerta")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub value_name: String,
    pub valore: String,
    pub destinazione: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
