use sea_orm::entity::prelude::*;

/// One session of an offer (a day of a conference, a lesson).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "offerta_sessioni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub offerta_id: i64,
    pub ordine: i32,
    pub titolo: String,
    pub inizio: DateTimeUtc,
    pub fine: DateTimeUtc,
    pub luogo: Option<String>,
    /// Seats of this session (a workshop's room) within the offer's; none: every seat of the offer.
    pub capienza: Option<i32>,
    pub occupati: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
