use sea_orm::entity::prelude::*;

/// The secret of a user's calendar feed URL (calendar applications cannot log in).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "token_calendario")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub utente_id: i64,
    pub token: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
