use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub utente_id: Option<i64>,
    pub attore: String,
    pub azione: String,
    pub entita: String,
    pub entita_id: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub prima: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub dopo: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
