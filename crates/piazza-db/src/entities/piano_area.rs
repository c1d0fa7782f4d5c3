use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "piano_aree")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub piano_id: i64,
    pub ordine: i32,
    pub titolo: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub descrizione: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
