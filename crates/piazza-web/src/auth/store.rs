use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{comune, utente, utente_ruolo};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;

use super::model::{Grant, Principal};
use crate::kit::error::{AppError, AppResult};

// The password rule is validation (in `model`); the CLI reaches it here.
pub use super::model::{MIN_PASSWORD_LEN, validate_new_password};

/// Loads an active user and their grants; grants that no longer validate are ignored.
pub async fn load_principal(db: &DatabaseConnection, id: i64) -> AppResult<Option<Principal>> {
    let Some(u) = utente::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if !u.attivo {
        return Ok(None);
    }
    let grants = utente_ruolo::Entity::find()
        .filter(utente_ruolo::Column::UtenteId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| Grant::from_parts(&g.ruolo, g.modulo.as_deref(), g.comune_id))
        .collect();
    Ok(Some(Principal {
        id: u.id,
        email: u.email,
        nome: u.nome,
        grants,
    }))
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> AppResult<Option<utente::Model>> {
    Ok(utente::Entity::find()
        .filter(utente::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// Hashes with Argon2 off the async runtime (it takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::causa("calcolo della password interrotto", e))
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .unwrap_or(false)
}

/// A grant as given on the command line: `--role editor --modulo anagrafica`, `--role referente
/// --comune 048017`. Comuni are ISTAT codes here and resolved to ids.
pub struct NewGrant {
    pub ruolo: String,
    pub modulo: Option<String>,
    pub comune_istat: Option<String>,
}

/// Creates a user (or replaces the password and grants of an existing one) in one transaction.
pub async fn upsert_user(
    db: &DatabaseConnection,
    actor: &Actor,
    email: &str,
    nome: &str,
    password_hash: String,
    grants: &[NewGrant],
) -> AppResult<i64> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(AppError::BadRequest(format!(
            "Indirizzo e-mail non valido: «{email}»."
        )));
    }
    let mut rows = Vec::new();
    for g in grants {
        let comune_id = match &g.comune_istat {
            Some(code) => Some(
                comune::Entity::find()
                    .filter(comune::Column::CodiceIstat.eq(code.as_str()))
                    .one(db)
                    .await?
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "Comune con codice ISTAT «{code}» non trovato."
                        ))
                    })?
                    .id,
            ),
            None => None,
        };
        if Grant::from_parts(&g.ruolo, g.modulo.as_deref(), comune_id).is_none() {
            return Err(AppError::BadRequest(format!(
                "Ruolo non valido: «{}»{}{}. Ruoli: admin; editor o viewer con un modulo ({}); referente con un comune.",
                g.ruolo,
                g.modulo
                    .as_deref()
                    .map(|m| format!(" modulo «{m}»"))
                    .unwrap_or_default(),
                g.comune_istat
                    .as_deref()
                    .map(|c| format!(" comune «{c}»"))
                    .unwrap_or_default(),
                crate::kit::moduli::MODULI
                    .iter()
                    .filter(|m| !m.solo_admin)
                    .map(|m| m.chiave)
                    .collect::<Vec<_>>()
                    .join(", "),
            )));
        }
        rows.push((g.ruolo.clone(), g.modulo.clone(), comune_id));
    }
    let uow = Lavoro::apri(db, actor).await?;
    let existing = utente::Entity::find()
        .filter(utente::Column::Email.eq(email.as_str()))
        .one(&uow)
        .await?;
    let id = match existing {
        Some(u) => {
            let mut am: utente::ActiveModel = u.into();
            am.password_hash = Set(password_hash);
            am.nome = Set(nome.to_owned());
            am.attivo = Set(true);
            let id = am.update(&uow).await?.id;
            // A reset password or new grants: the sessions opened before end.
            piazza_db::session_store::termina_di_utente(&uow, id, None).await?;
            id
        }
        None => {
            utente::ActiveModel {
                email: Set(email.clone()),
                nome: Set(nome.to_owned()),
                password_hash: Set(password_hash),
                attivo: Set(true),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&uow)
            .await?
            .id
        }
    };
    utente_ruolo::Entity::delete_many()
        .filter(utente_ruolo::Column::UtenteId.eq(id))
        .exec(&uow)
        .await?;
    for (ruolo, modulo, comune_id) in &rows {
        utente_ruolo::ActiveModel {
            utente_id: Set(id),
            ruolo: Set(ruolo.clone()),
            modulo: Set(modulo.clone()),
            comune_id: Set(*comune_id),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
    }
    let grants_json: Vec<_> = rows
        .iter()
        .map(|(r, m, c)| json!({"ruolo": r, "modulo": m, "comune_id": c}))
        .collect();
    uow.registra(
        "salva",
        "utente",
        &id.to_string(),
        None,
        Some(json!({"email": email, "nome": nome, "ruoli": grants_json})),
    )
    .await?;
    uow.conferma().await?;
    Ok(id)
}

/// Sets a user's password and ends their other sessions (all of them but `sessione_attuale`,
/// the [`piazza_db::session_store::impronta`] of the session that made the change); returns
/// how many were ended.
pub async fn set_password<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    hash: String,
    sessione_attuale: Option<&str>,
) -> AppResult<u64> {
    utente::ActiveModel {
        id: Set(id),
        password_hash: Set(hash),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(piazza_db::session_store::termina_di_utente(conn, id, sessione_attuale).await?)
}

pub async fn touch_login(db: &DatabaseConnection, id: i64) -> AppResult<()> {
    utente::ActiveModel {
        id: Set(id),
        last_login_at: Set(Some(Utc::now())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
