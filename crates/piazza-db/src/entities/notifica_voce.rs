use sea_orm::entity::prelude::*;

/// One comune and risk of a notification: the level before and after.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "notifiche_voci")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notifica_id: i64,
    pub comune_id: i64,
    pub comune_codice: String,
    pub comune_nome: String,
    pub rischio: String,
    pub rischio_nome: String,
    pub rischio_bit: i32,
    pub prima: i32,
    pub dopo: i32,
    pub fino_a: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
