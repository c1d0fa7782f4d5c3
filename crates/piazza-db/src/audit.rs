//! The audit log: every change is recorded with who, when, what and the before/after state,
//! written in the same transaction as the change itself.

use chrono::Utc;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, IntoActiveModel, ModelTrait, Set,
};
use serde_json::Value;

use crate::entities::audit_log;

/// Who made a change: a logged-in user or the command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub utente_id: Option<i64>,
    pub descrizione: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self {
            utente_id: None,
            descrizione: what.to_owned(),
        }
    }
}

/// Appends one entry to the audit log on `conn` (pass the transaction of the change).
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    azione: &str,
    entita: &str,
    entita_id: &str,
    prima: Option<Value>,
    dopo: Option<Value>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        utente_id: Set(actor.utente_id),
        attore: Set(actor.descrizione.clone()),
        azione: Set(azione.to_owned()),
        entita: Set(entita.to_owned()),
        entita_id: Set(entita_id.to_owned()),
        prima: Set(prima.map(|v| v.to_string())),
        dopo: Set(dopo.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records a change whose states are serialisable records (`None` for "did not exist").
pub async fn record_change<C: ConnectionTrait, T: serde::Serialize>(
    conn: &C,
    actor: &Actor,
    azione: &str,
    entita: &str,
    entita_id: &str,
    prima: Option<&T>,
    dopo: Option<&T>,
) -> Result<(), DbErr> {
    let json = |m: &T| serde_json::to_value(m).unwrap_or_default();
    record(
        conn,
        actor,
        azione,
        entita,
        entita_id,
        prima.map(json),
        dopo.map(json),
    )
    .await
}

/// Deletes `model` and records it in the audit log, on `conn` (pass the transaction).
pub async fn delete<C, M, A>(
    conn: &C,
    actor: &Actor,
    entita: &str,
    entita_id: &str,
    model: M,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    M: ModelTrait + serde::Serialize + IntoActiveModel<A> + Send,
    A: ActiveModelTrait<Entity = M::Entity> + ActiveModelBehavior + Send,
{
    record_change(
        conn,
        actor,
        "elimina",
        entita,
        entita_id,
        Some(&model),
        None,
    )
    .await?;
    model.delete(conn).await?;
    Ok(())
}
