use sea_orm::entity::prelude::*;

/// A programme or fund of the catalogue. `rinnovo_regionale`: regional money that the next
/// legislature has to renew (projects funded by it are at risk when the legislature ends).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "programmi")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub codice: String,
    pub nome: String,
    pub tipo: String,
    pub fondo: Option<String>,
    pub rinnovo_regionale: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
