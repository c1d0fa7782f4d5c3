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
