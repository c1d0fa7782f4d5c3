use sea_orm::entity::prelude::*;

/// A dated measurement of an indicator (one per indicator and day).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "misure_indicatore")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub indicatore_id: i64,
    pub data: Date,
    pub valore: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub nota: Option<String>,
    pub autore: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
