use sea_orm::entity::prelude::*;

/// A project of the portfolio. Money is in integer cents; `cofinanziamento_bp` is the co-financing
/// rate in hundredths of a percent (8.500 = 85%). `dipende_regione`: the project needs regional
/// funding that the next legislature has to renew.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "progetti")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    #[sea_orm(unique)]
    pub codice: String,
    pub acronimo: String,
    #[sea_orm(column_type = "Text")]
    pub titolo: String,
    #[sea_orm(column_type = "Text")]
    pub titolo_norm: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub descrizione: Option<String>,
    pub tipo: String,
    pub programma_id: i64,
    pub bando_rif: Option<String>,
    pub ruolo: String,
    pub data_inizio: Option<Date>,
    pub data_fine: Option<Date>,
    pub stato: String,
    pub budget_totale: i64,
    pub quota_associazione: i64,
    pub cofinanziamento_bp: Option<i32>,
    pub dipende_regione: bool,
    pub responsabile_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
