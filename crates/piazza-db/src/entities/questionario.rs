use sea_orm::entity::prelude::*;

/// An attendee's answer to the satisfaction survey of an offer: three marks from 1 to 5 and a comment.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "questionari")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub registrazione_id: i64,
    pub offerta_id: i64,
    pub generale: i32,
    pub contenuti: i32,
    pub organizzazione: i32,
    pub commento: Option<String>,
    pub risposto_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
