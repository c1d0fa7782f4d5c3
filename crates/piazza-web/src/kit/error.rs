//! One error type for the web layer, mapped once to a response. Messages to users are Italian;
//! for htmx requests the error is returned as a fragment that the page shows in place.

use std::collections::BTreeMap;
use std::fmt;

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
    /// A fault of ours: logged with its chain of causes, shown as a generic message.
    #[error(transparent)]
    Internal(#[from] Interno),
    /// A token or credential of the JSON API is missing or wrong (401).
    #[error("{0}")]
    NonAutorizzato(String),
    /// Data that does not pass validation (422): a summary and the message of each field.
    #[error("{messaggio}")]
    Invalido {
        messaggio: String,
        campi: BTreeMap<String, String>,
    },
    /// The request body is over the route's limit (`limite` in bytes, when known).
    #[error("richiesta troppo grande")]
    TroppoGrande { limite: Option<usize> },
    /// Work cancelled by its user ([`crate::kit::elaborazioni`]): nothing was saved.
    #[error("operazione annullata")]
    Annullata,
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

/// An internal error: what we were doing (`contesto`, English or Italian, for the log) and the
/// error that stopped it, kept as the [`std::error::Error::source`] of the chain.
pub struct Interno {
    contesto: String,
    fonte: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for Interno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.contesto)
    }
}

impl fmt::Debug for Interno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", catena(self))
    }
}

impl std::error::Error for Interno {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.fonte.as_deref().map(|e| e as _)
    }
}

/// An error and its causes on one line: `a: b: c`.
pub fn catena(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut fonte = e.source();
    while let Some(f) = fonte {
        out.push_str(": ");
        out.push_str(&f.to_string());
        fonte = f.source();
    }
    out
}

impl AppError {
    /// An internal error with no cause to keep (an invariant that did not hold).
    pub fn interno(contesto: impl Into<String>) -> Self {
        AppError::Internal(Interno {
            contesto: contesto.into(),
            fonte: None,
        })
    }

    /// An internal error caused by `fonte`, kept as its source.
    pub fn causa(
        contesto: impl Into<String>,
        fonte: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AppError::Internal(Interno {
            contesto: contesto.into(),
            fonte: Some(fonte.into()),
        })
    }

    /// The errors of a form or JSON body as a 422.
    pub fn invalido(errori: crate::kit::view::FormErrors) -> Self {
        let campi: BTreeMap<String, String> = errori
            .0
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let messaggio = campi.values().cloned().collect::<Vec<_>>().join(" ");
        AppError::Invalido { messaggio, campi }
    }

    /// Status, title and Italian message of the response, the same for pages and the JSON API.
    /// Faults of ours are logged here, with their causes, and never shown.
    fn parti(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::Unauthenticated { .. } => (StatusCode::UNAUTHORIZED, "Accesso richiesto", "Per continuare serve l'accesso.".into()),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Pagina non trovata", "La pagina richiesta non esiste.".into()),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Accesso negato",
                "Non hai i permessi per questa operazione. Se pensi di averne bisogno, chiedi a un amministratore.".into(),
            ),
            AppError::NonAutorizzato(m) => (StatusCode::UNAUTHORIZED, "Accesso richiesto", m.clone()),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Richiesta non valida", m.clone()),
            AppError::Invalido { messaggio, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "Dati non validi", messaggio.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "Operazione non possibile", m.clone()),
            AppError::Annullata => (StatusCode::CONFLICT, "Operazione annullata", "L'operazione è stata annullata: non è stato salvato nulla.".into()),
            AppError::Db(e) => {
                tracing::error!(error = %catena(e), "database error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Errore interno", "Si è verificato un errore del database. Riprova più tardi.".into())
            }
            AppError::Internal(e) => {
                tracing::error!(error = %catena(e), "internal error");
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
            AppError::TroppeRichieste { messaggio, .. } => (StatusCode::TOO_MANY_REQUESTS, "Troppe richieste", messaggio.clone()),
        }
    }

    fn attesa(&self) -> Option<u64> {
        match self {
            AppError::TroppeRichieste { attesa_secondi, .. } => Some((*attesa_secondi).max(1)),
            _ => None,
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::causa("template", e)
    }
}

/// An error of the JSON API: the same [`AppError`], answered as
/// `{"errore": "…", "campi": {"campo": "…"}}` (`campi` only for a 422). Handlers of JSON routes
/// return `Result<_, ApiErrore>` and use `?` on anything that converts into an [`AppError`].
#[derive(Debug)]
pub struct ApiErrore(pub AppError);

impl<E: Into<AppError>> From<E> for ApiErrore {
    fn from(e: E) -> Self {
        ApiErrore(e.into())
    }
}

impl IntoResponse for ApiErrore {
    fn into_response(self) -> Response {
        let (status, _, messaggio) = self.0.parti();
        let campi = match &self.0 {
            AppError::Invalido { campi, .. } => Some(campi),
            _ => None,
        };
        let mut r = json_errore(status, &messaggio, campi);
        if let Some(s) = self.0.attesa() {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
    }
}

/// The one JSON shape of an error (also used for the framework's own errors under `/api/`).
pub fn json_errore(
    status: StatusCode,
    messaggio: &str,
    campi: Option<&BTreeMap<String, String>>,
) -> Response {
    let corpo = match campi {
        Some(c) if !c.is_empty() => serde_json::json!({ "errore": messaggio, "campi": c }),
        _ => serde_json::json!({ "errore": messaggio }),
    };
    let mut r = (status, axum::Json(corpo)).into_response();
    r.extensions_mut()
        .insert(MessaggioErrore(messaggio.to_owned()));
    r
}

/// The Italian message of an error response, kept in the response's extensions so that the
/// last layer ([`crate::kit::protezioni`]) can give it to the JSON API in its own shape.
#[derive(Clone, Debug)]
pub struct MessaggioErrore(pub String);

/// Megabytes as users read them (`10 MB`).
pub fn megabyte(byte: usize) -> String {
    let mb = byte as f64 / (1024.0 * 1024.0);
    if mb >= 10.0 {
        // A limit with room for a form's other fields (20 MB and a few KB) reads as 20 MB.
        format!("{} MB", crate::kit::fmt::int(mb.floor() as i64))
    } else if mb >= 1.0 {
        format!("{} MB", crate::kit::fmt::numero((mb * 10.0).round() / 10.0))
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
        if let AppError::Unauthenticated { next } = &self {
            let target = format!("/login?next={}", urlencode(next));
            let mut resp = Redirect::to(&target).into_response();
            // htmx follows redirects inside the fragment; tell it to navigate instead.
            if let Ok(v) = HeaderValue::from_str(&target) {
                resp.headers_mut().insert("HX-Redirect", v);
            }
            return resp;
        }
        let (status, titolo, messaggio) = self.parti();
        let mut r = pagina(status, titolo, &messaggio);
        if let Some(s) = self.attesa() {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        r
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
