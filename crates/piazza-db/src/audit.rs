//! The audit log: every change is recorded with who, when, what and the before/after state,
//! written in the same transaction as the change itself.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
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
