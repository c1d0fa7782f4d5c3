use sea_orm::entity::prelude::*;

/// A comune's notice that is not an alert (road closed, water outage, waiting areas).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "avvisi_comunali")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comune_id: i64,
    pub tipo: String,
    pub titolo: String,
    pub testo: Option<String>,
    pub dal: DateTimeUtc,
    pub al: Option<DateTimeUtc>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub autore_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub ritirato_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
