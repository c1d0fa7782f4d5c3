use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::lavoro::Lavoro;
use serde::Deserialize;

use super::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Query;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, SESSION_USER_KEY, render, render_invalid, see_other,
};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    errore: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are accepted as a target after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    render(&LoginPage {
        chrome: ctx.chrome("Accedi", &[("Accedi", "/login")]),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        errore: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    cliente: Option<axum::Extension<crate::kit::cliente::IndirizzoCliente>>,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    if let Err(attesa_secondi) = ctx
        .state
        .tentativi_accesso
        .prova(&f.email, std::time::Instant::now())
    {
        tracing::warn!(email = %f.email, "login attempts per account exceeded");
        return Err(AppError::TroppeRichieste {
            attesa_secondi,
            messaggio: format!(
                "Troppi tentativi di accesso per questo account. Attendi {} e riprova.",
                crate::kit::fmt::attesa(attesa_secondi)
            ),
        });
    }
    let user = store::find_by_email(&ctx.state.db, &f.email).await?;
    // Verify against a real hash even for unknown users, so that timing does not reveal them.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let ok = store::verify_password(f.password.clone(), hash).await;
    match user {
        Some(u) if ok && u.attivo => {
            ctx.session
                .cycle_id()
                .await
                .map_err(|e| AppError::causa("sessione", e))?;
            ctx.session
                .insert(SESSION_USER_KEY, u.id)
                .await
                .map_err(|e| AppError::causa("sessione", e))?;
            let agente = headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let indirizzo = cliente.map(|c| c.0.0.to_string()).unwrap_or_default();
            ctx.session
                .insert(
                    piazza_db::session_store::CHIAVE_AGENTE,
                    super::model::descrivi_agente(agente, &indirizzo),
                )
                .await
                .map_err(|e| AppError::causa("sessione", e))?;
            store::touch_login(&ctx.state.db, u.id).await?;
            ctx.state.tentativi_accesso.riuscito(&f.email);
            Ok(see_other(&next))
        }
        _ => {
            tracing::info!(email = %f.email, "failed login");
            render_invalid(&LoginPage {
                chrome: ctx.chrome("Accedi", &[("Accedi", "/login")]),
                email: f.email,
                next,
                errore: Some("E-mail o password non corretti.".into()),
            })
        }
    }
}

/// Argon2 hash of a random string, used to spend the same time on unknown e-mails.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$3Pj1yrDqz0GsmW3Jg5hW1A$QmS3eFBSWnb0UmyUuWr1vdTiDtW3jnhjoHf5gAoQMdM";

pub async fn logout(ctx: Ctx) -> AppResult<Response> {
    ctx.session
        .flush()
        .await
        .map_err(|e| AppError::causa("sessione", e))?;
    Ok(see_other("/"))
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FormErrors,
    fatto: bool,
    /// The other sessions the change ended.
    chiuse: u64,
}

pub async fn password_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_login()?;
    render(&PasswordPage {
        chrome: ctx.chrome(
            "Cambia password",
            &[("Cambia password", "/account/password")],
        ),
        errors: FormErrors::default(),
        fatto: false,
        chiuse: 0,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    attuale: String,
    nuova: String,
    conferma: String,
}

pub async fn password_change(ctx: Ctx, Form(f): Form<PasswordForm>) -> AppResult<Response> {
    let user = ctx.require_login()?.clone();
    let mut errors = FormErrors::default();
    let current = store::find_by_email(&ctx.state.db, &user.email)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !store::verify_password(f.attuale, current.password_hash).await {
        errors.add("attuale", "La password attuale non è corretta.");
    }
    if let Err(m) = store::validate_new_password(&f.nuova) {
        errors.add("nuova", m);
    }
    if f.nuova != f.conferma {
        errors.add("conferma", "Le due password non coincidono.");
    }
    let chrome = ctx.chrome(
        "Cambia password",
        &[("Cambia password", "/account/password")],
    );
    if !errors.is_empty() {
        return render_invalid(&PasswordPage {
            chrome,
            errors,
            fatto: false,
            chiuse: 0,
        });
    }
    let hash = store::hash_password(f.nuova).await?;
    let attuale = ctx
        .session
        .id()
        .map(|id| piazza_db::session_store::impronta(&id));
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    let chiuse = store::set_password(&uow, user.id, hash, attuale.as_deref()).await?;
    conferma(uow, "cambia_password", user.id).await?;
    render(&PasswordPage {
        chrome,
        errors,
        fatto: true,
        chiuse,
    })
}

/// One open session of the user, as the sessions page shows it.
pub struct SessioneRiga {
    pub impronta: String,
    pub agente: String,
    pub creata: String,
    pub vista: String,
    pub questa: bool,
}

#[derive(Template)]
#[template(path = "auth/sessioni.html")]
struct SessioniPage {
    chrome: Chrome,
    sessioni: Vec<SessioneRiga>,
    chiuse: Option<u64>,
}

#[derive(Deserialize)]
pub struct SessioniQuery {
    chiuse: Option<u64>,
}

/// The user's open sessions, to see where they are signed in and end the others.
pub async fn sessioni(ctx: Ctx, Query(q): Query<SessioniQuery>) -> AppResult<Response> {
    let user = ctx.require_login()?;
    let attuale = ctx
        .session
        .id()
        .map(|id| piazza_db::session_store::impronta(&id));
    let sessioni = piazza_db::session_store::di_utente(&ctx.state.db, user.id)
        .await?
        .into_iter()
        .map(|s| SessioneRiga {
            questa: attuale.as_deref() == Some(s.id.as_str()),
            impronta: s.id,
            agente: s.agente.unwrap_or_else(|| "Browser sconosciuto".into()),
            creata: s
                .creata
                .map(crate::kit::fmt::ora_italiana)
                .unwrap_or_default(),
            vista: s
                .vista
                .map(crate::kit::fmt::ora_italiana)
                .unwrap_or_default(),
        })
        .collect();
    render(&SessioniPage {
        chrome: ctx.chrome(
            "Le mie sessioni",
            &[("Le mie sessioni", "/account/sessioni")],
        ),
        sessioni,
        chiuse: q.chiuse,
    })
}

/// Ends one of the user's sessions (another user's session is not found: 404).
pub async fn sessione_termina(
    ctx: Ctx,
    axum::extract::Path(impronta): axum::extract::Path<String>,
) -> AppResult<Response> {
    let user = ctx.require_login()?;
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    if !piazza_db::session_store::termina(&uow, user.id, &impronta).await? {
        return Err(AppError::NotFound);
    }
    conferma(uow, "termina_sessione", user.id).await?;
    Ok(see_other("/account/sessioni?chiuse=1"))
}

/// Ends all the user's sessions but this one.
pub async fn sessioni_termina_altre(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.require_login()?;
    let attuale = ctx
        .session
        .id()
        .map(|id| piazza_db::session_store::impronta(&id));
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    let n = piazza_db::session_store::termina_di_utente(&uow, user.id, attuale.as_deref()).await?;
    conferma(uow, "termina_altre_sessioni", user.id).await?;
    Ok(see_other(&format!("/account/sessioni?chiuse={n}")))
}

/// Records `azione` on the user's account in the audit log and commits the unit of work.
async fn conferma(uow: Lavoro, azione: &str, utente: i64) -> AppResult<()> {
    uow.registra(azione, "utente", &utente.to_string(), None, None)
        .await?;
    uow.conferma().await?;
    Ok(())
}
