//! One error type for the web layer, mapped once to a response. Messages to users are Italian;
//! for htmx requests the error is returned as a fragment that the page shows in place.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("pagina non trovata")]
    NotFound,
    /// Not logged in: redirect to the login page and come back to `next`.
    #[error("accesso richiesto")]
    Unauthenticated { next: String },
    #[error("permesso negato")]
    Forbidden,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Template)]
#[template(path = "errore.html")]
struct ErrorPage<'a> {
    status: u16,
    titolo: &'a str,
    messaggio: &'a str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, titolo, messaggio): (StatusCode, &str, String) = match &self {
            AppError::Unauthenticated { next } => {
                let target = format!("/login?next={}", urlencode(next));
                let mut resp = Redirect::to(&target).into_response();
                // htmx follows redirects inside the fragment; tell it to navigate instead.
                if let Ok(v) = HeaderValue::from_str(&target) {
                    resp.headers_mut().insert("HX-Redirect", v);
                }
                return resp;
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, "Pagina non trovata", "La pagina richiesta non esiste.".into()),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Accesso negato",
                "Non hai i permessi per questa operazione. Se pensi di averne bisogno, chiedi a un amministratore.".into(),
            ),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Richiesta non valida", m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "Operazione non possibile", m.clone()),
            AppError::Db(e) => {
                tracing::error!(error = %e, "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Errore interno", "Si è verificato un errore del database. Riprova più tardi.".into())
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Errore interno", "Si è verificato un errore inatteso. Riprova più tardi.".into())
            }
        };
        let page = ErrorPage {
            status: status.as_u16(),
            titolo,
            messaggio: &messaggio,
        };
        match page.render() {
            Ok(html) => (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response(),
            Err(_) => (status, messaggio).into_response(),
        }
    }
}

/// Percent-encodes a string for a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
