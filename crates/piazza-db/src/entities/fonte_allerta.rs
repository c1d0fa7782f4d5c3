use sea_orm::entity::prelude::*;

/// A source of alerts: the national bulletin, a CAP feed polled by URL, a CAP API client, or
/// the operators; with the state of its polling (conditional-request validators, health).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "fonti_allerta")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub codice: String,
    pub nome: String,
    pub tipo: String,
    pub url: Option<String>,
    pub intervallo_secondi: i32,
    pub attiva: bool,
    #[serde(skip)]
    pub token_hash: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub ultimo_successo: Option<DateTimeUtc>,
    pub ultimo_errore_at: Option<DateTimeUtc>,
    pub ultimo_errore: Option<String>,
    pub errori_consecutivi: i32,
    pub prossimo_tentativo: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
