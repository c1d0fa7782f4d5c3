use sea_orm::entity::prelude::*;

/// A change of the alert state worth telling subscribers about.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notifiche")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub allerta_id: Option<i64>,
    pub esercitazione: bool,
    pub titolo: String,
    pub creata_at: DateTimeUtc,
    pub scade_at: DateTimeUtc,
    pub distribuita_fino: i64,
    pub distribuita_at: Option<DateTimeUtc>,
    /// The n-th change of the alert state notified (unique); `None` for exercises.
    pub generazione: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
