use sea_orm::entity::prelude::*;

/// An alert that an update or a cancel ended before it arrived (`come`: sostituita/annullata).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "allerte_superate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub mittente: String,
    pub identificativo: String,
    pub inviato: String,
    pub come: String,
    pub da_allerta_id: i64,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
