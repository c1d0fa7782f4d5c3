use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "persone")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    pub nome: String,
    pub cognome: String,
    /// "cognome nome", lower-case and accent-free, for search and sort.
    pub nome_norm: String,
    pub email: Option<String>,
    pub telefono: Option<String>,
    pub codice_fiscale: Option<String>,
    pub sesso: Option<String>,
    pub data_nascita: Option<Date>,
    pub luogo_nascita: Option<String>,
    /// Comma-separated category codes (amministratore, funzionario, staff, ...).
    pub categorie: String,
    pub organizzazione_id: Option<i64>,
    pub qualifica: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Identity key of a person imported from the DAIT register (name, birth date and place).
    #[sea_orm(unique)]
    pub dait_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
