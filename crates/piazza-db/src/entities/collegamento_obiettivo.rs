use sea_orm::entity::prelude::*;

/// A typed link from an objective to a record of another module: `tipo` names the kind of record
/// (`comune`, `persona`, `organizzazione`, ...), `chiave` its stable key (ISTAT code, public id).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "collegamenti_obiettivo")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub obiettivo_id: i64,
    pub tipo: String,
    pub chiave: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
