use sea_orm::entity::prelude::*;

/// A yearly activity plan; `stato` is `bozza` or `approvato`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "piani")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub anno: i32,
    pub titolo: String,
    pub stato: String,
    pub data_approvazione: Option<Date>,
    pub organo_approvazione: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
