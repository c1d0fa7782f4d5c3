use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organizzazioni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    pub nome: String,
    pub nome_norm: String,
    pub tipo: String,
    pub codice_fiscale: Option<String>,
    pub partita_iva: Option<String>,
    /// The comune this organisation is (tipo = comune) or is based in.
    pub comune_id: Option<i64>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub telefono: Option<String>,
    pub sito_web: Option<String>,
    pub indirizzo: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
