use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "comuni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub codice_istat: String,
    pub nome: String,
    /// Lower-case, accent-free name for search and sort (computed in Rust).
    pub nome_norm: String,
    pub codice_regione: String,
    pub codice_provincia: String,
    pub codice_uts: Option<String>,
    pub sigla_provincia: String,
    pub provincia: String,
    pub tipo_ente_sovracomunale: Option<String>,
    pub capoluogo: bool,
    pub codice_catastale: Option<String>,
    pub nuts3: Option<String>,
    pub popolazione: Option<i64>,
    pub popolazione_2019: Option<i64>,
    pub popolazione_2011: Option<i64>,
    pub superficie_kmq: Option<f64>,
    pub altitudine_m: Option<i32>,
    pub zona_altimetrica: Option<i32>,
    pub litoraneo: bool,
    pub isolano: bool,
    pub degurba: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
