use sea_orm::entity::prelude::*;

/// One message in the outbox: (notification, recipient, channel) is unique.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "invii")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notifica_id: Option<i64>,
    pub canale: String,
    pub destinatario_id: i64,
    pub stato: String,
    pub tentativi: i32,
    pub prossimo_at: DateTimeUtc,
    pub scade_at: DateTimeUtc,
    pub inviato_at: Option<DateTimeUtc>,
    pub errore: Option<String>,
    pub created_at: DateTimeUtc,
    /// The node that claimed it (`nodi`), while `in_corso` and after.
    pub nodo_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
