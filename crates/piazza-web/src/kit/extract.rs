//! The path and query extractors of every handler: axum's own, with rejections turned into the
//! Italian error pages of `AppError` (axum answers a malformed `/piano/abc` or `?al=` with a
//! plain English 400). A path that does not parse names no page: 404. A query that does not
//! parse is a bad request, said in Italian.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::kit::error::AppError;

/// `axum::extract::Path`, rejecting with [`AppError::NotFound`].
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| AppError::NotFound)
    }
}

/// `axum::extract::Query`, rejecting with an Italian [`AppError::BadRequest`].
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        verifica_query(parts.uri.query().unwrap_or(""))?;
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|_| {
                AppError::BadRequest(
                    "I parametri dell'indirizzo non sono validi: controlla il collegamento o torna alla pagina precedente."
                        .into(),
                )
            })
    }
}

/// The longest query string read (a filter form's fields fit many times over).
pub const MAX_QUERY: usize = 4096;
/// The longest search text (`q`): longer patterns cost the database more than they find.
pub const MAX_RICERCA: usize = 200;
/// The longest value of one form field: a long description fits, a 1 MB "name" does not.
/// Forms check their short fields (names, titles) more tightly, next to the field.
pub const MAX_CAMPO: usize = 20_000;

/// Refuses a query string over [`MAX_QUERY`] or a search text over [`MAX_RICERCA`].
fn verifica_query(q: &str) -> Result<(), AppError> {
    if q.len() > MAX_QUERY {
        return Err(AppError::BadRequest(
            "L'indirizzo è troppo lungo: accorcia i filtri e riprova.".into(),
        ));
    }
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        if k == "q" && v.chars().count() > MAX_RICERCA {
            return Err(AppError::BadRequest(format!(
                "Il testo da cercare è troppo lungo: al massimo {MAX_RICERCA} caratteri."
            )));
        }
    }
    Ok(())
}

/// Refuses a URL-encoded form with a field over [`MAX_CAMPO`] characters, naming it.
pub fn verifica_campi(corpo: &[u8]) -> Result<(), AppError> {
    for (k, v) in form_urlencoded::parse(corpo) {
        if v.chars().count() > MAX_CAMPO {
            return Err(AppError::BadRequest(format!(
                "Il campo «{}» è troppo lungo: al massimo {} caratteri.",
                k.chars().take(40).collect::<String>(),
                crate::kit::fmt::int(MAX_CAMPO as i64)
            )));
        }
    }
    Ok(())
}

fn e_modulo(h: &axum::http::HeaderMap) -> bool {
    h.get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The Italian error for a rejection of axum's body extractors, by its status: a body over the
/// route's limit (413), a content type the route does not read (415), a body that does not
/// parse or lacks a field (400, 422). The framework's English text never reaches the user.
fn rifiuto_corpo(status: axum::http::StatusCode) -> AppError {
    use axum::http::StatusCode;
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TroppoGrande { limite: None },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::TipoNonSupportato,
        _ => AppError::BadRequest(
            "I dati inviati sono incompleti o non validi: ricarica la pagina del modulo e riprova."
                .into(),
        ),
    }
}

/// `axum::Form`, rejecting in Italian (see [`rifiuto_corpo`]).
pub struct Form<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let req = if req.method() == axum::http::Method::GET {
            req
        } else {
            let (parts, body) = req.into_parts();
            let Corpo(b) = Corpo::from_request(
                axum::extract::Request::from_parts(parts.clone(), body),
                state,
            )
            .await?;
            if e_modulo(&parts.headers) {
                verifica_campi(&b)?;
            }
            axum::extract::Request::from_parts(parts, axum::body::Body::from(b))
        };
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Form(v))
            .map_err(|r| rifiuto_corpo(r.into_response().status()))
    }
}

/// `axum::Json`, rejecting in Italian (see [`rifiuto_corpo`]).
pub struct Json<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| Json(v))
            .map_err(|r| rifiuto_corpo(r.into_response().status()))
    }
}

/// The raw body (`axum::body::Bytes`), rejecting in Italian: over the limit is a 413.
pub struct Corpo(pub axum::body::Bytes);

impl<S> axum::extract::FromRequest<S> for Corpo
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let modulo = e_modulo(req.headers());
        let b = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| rifiuto_corpo(r.into_response().status()))?;
        if modulo {
            verifica_campi(&b)?;
        }
        Ok(Corpo(b))
    }
}

/// `axum::extract::Multipart`, rejecting in Italian (a request that is not
/// `multipart/form-data` or has no valid boundary).
pub struct Multipart(pub axum::extract::Multipart);

impl<S> axum::extract::FromRequest<S> for Multipart
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Multipart)
            .map_err(|_| {
                AppError::BadRequest(
                    "Il caricamento non è leggibile: invia il file con il modulo della pagina."
                        .into(),
                )
            })
    }
}
