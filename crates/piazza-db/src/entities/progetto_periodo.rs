use sea_orm::entity::prelude::*;

/// A reporting period: the months it covers, the deadline of its report and the amounts claimed
/// and received (cents).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetto_periodi")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub progetto_id: i64,
    pub numero: i32,
    pub dal: Date,
    pub al: Date,
    pub scadenza: Date,
    pub richiesto: Option<i64>,
    pub ricevuto: Option<i64>,
    pub stato: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
