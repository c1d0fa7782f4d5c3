use sea_orm::entity::prelude::*;

/// A boundary: `livello` is `comune` or `provincia`, `codice` the ISTAT code,
/// `geometria` a GeoJSON geometry (WGS84) as text.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "confini")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub livello: String,
    pub codice: String,
    pub nome: String,
    #[sea_orm(column_type = "Text")]
    pub geometria: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
