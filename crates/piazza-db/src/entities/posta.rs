use sea_orm::entity::prelude::*;

/// A transactional e-mail waiting for the mail worker (`kit::posta`), with one optional attachment (text: an iCalendar file).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "posta")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub a: String,
    pub oggetto: String,
    pub testo: String,
    pub allegato_nome: Option<String>,
    pub allegato_tipo: Option<String>,
    pub allegato: Option<String>,
    pub stato: String,
    pub tentativi: i32,
    pub prossimo_at: DateTimeUtc,
    pub creata_at: DateTimeUtc,
    pub inviata_at: Option<DateTimeUtc>,
    pub errore: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
