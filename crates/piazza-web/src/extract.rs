//! The path and query extractors of every handler: axum's own, with rejections turned into the
//! Italian error pages of `AppError` (axum answers a malformed `/piano/abc` or `?al=` with a
//! plain English 400). A path that does not parse names no page: 404. A query that does not
//! parse is a bad request, said in Italian.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

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
        axum::body::Bytes::from_request(req, state)
            .await
            .map(Corpo)
            .map_err(|r| rifiuto_corpo(r.into_response().status()))
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
