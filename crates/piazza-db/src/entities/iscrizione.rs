use sea_orm::entity::prelude::*;

/// A citizen's subscription on one channel: the address (e-mail, phone number, push endpoint)
/// and what they want to receive; nothing else about them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "iscrizioni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub canale: String,
    pub indirizzo: String,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
    pub soglia: i32,
    pub rischi: i32,
    pub fine_allerta: bool,
    pub tester: bool,
    pub stato: String,
    pub consenso_id: i64,
    pub consenso_at: DateTimeUtc,
    pub confermata_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
