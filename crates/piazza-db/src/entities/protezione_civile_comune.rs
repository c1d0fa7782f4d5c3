use sea_orm::entity::prelude::*;

/// A comune's adoption of the alert service and its civil-protection plan.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "protezione_civile_comuni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comune_id: i64,
    pub adesione: Option<Date>,
    pub piano_approvato: Option<Date>,
    pub piano_aggiornato: Option<Date>,
    pub piano_url: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
