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
    /// The request body is over the route's limit (`limite` in bytes, when known).
    #[error("richiesta troppo grande")]
    TroppoGrande { limite: Option<usize> },
    /// The body is not of a type the route reads.
    #[error("tipo di contenuto non supportato")]
    TipoNonSupportato,
    /// A rate limit: try again after `attesa_secondi`.
    #[error("{messaggio}")]
    TroppeRichieste {
        attesa_secondi: u64,
        messaggio: String,
    },
}

/// The Italian message of an error response, kept in the response's extensions so that the
/// last layer ([`crate::protezioni`]) can give it to the JSON API in its own shape.
#[derive(Clone, Debug)]
pub struct MessaggioErrore(pub String);

/// Megabytes as users read them (`10 MB`).
pub fn megabyte(byte: usize) -> String {
    let mb = byte as f64 / (1024.0 * 1024.0);
    if mb >= 1.0 {
        format!("{} MB", crate::fmt::numero((mb * 10.0).round() / 10.0))
    } else {
        format!("{} KB", byte.div_ceil(1024))
    }
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
            AppError::TroppoGrande { limite } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Richiesta troppo grande",
                match limite {
                    Some(n) => format!("Il file o i dati inviati sono troppo grandi: al massimo {}.", megabyte(*n)),
                    None => "Il file o i dati inviati sono troppo grandi.".into(),
                },
            ),
            AppError::TipoNonSupportato => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Formato non supportato",
                "I dati sono stati inviati in un formato che questa pagina non accetta. Usa il modulo della pagina e riprova.".into(),
            ),
            AppError::TroppeRichieste { attesa_secondi, messaggio } => {
                let mut r = pagina(StatusCode::TOO_MANY_REQUESTS, "Troppe richieste", messaggio);
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*attesa_secondi.max(&1)));
                return r;
            }
        };
        pagina(status, titolo, &messaggio)
    }
}

/// The Italian error page (or its text, if the template fails), with the message kept for
/// [`MessaggioErrore`].
pub fn pagina(status: StatusCode, titolo: &str, messaggio: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        titolo,
        messaggio,
    };
    let mut r = match page.render() {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(_) => (status, messaggio.to_owned()).into_response(),
    };
    r.extensions_mut()
        .insert(MessaggioErrore(messaggio.to_owned()));
    r
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
