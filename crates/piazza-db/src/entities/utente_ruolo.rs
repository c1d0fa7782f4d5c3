use sea_orm::entity::prelude::*;

/// A grant: `ruolo` is admin, editor, viewer or referente; `modulo` scopes editor/viewer,
/// `comune_id` scopes referente.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "utenti_ruoli")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub utente_id: i64,
    pub ruolo: String,
    pub modulo: Option<String>,
    pub comune_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
