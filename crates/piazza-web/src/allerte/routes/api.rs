//! `POST /api/allerte/cap`: CAP documents from the sources that hold an API token.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::allerte::fonti;
use crate::kit::error::{ApiErrore, AppError};

/// `POST /api/allerte/cap`: a CAP 1.2 document from a source that holds an API token
/// (`Authorization: Bearer …`). The token names the source: documents are recorded as its.
/// Errors in the API's one JSON shape ([`ApiErrore`]).
pub async fn api_cap(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: HeaderMap,
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
) -> Result<Response, ApiErrore> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let fonte = match token {
        Some(t) => fonti::per_token(&state.db, t).await?,
        None => None,
    };
    let Some(fonte) = fonte.filter(|f| f.attiva) else {
        return Err(AppError::NonAutorizzato(
            "Token mancante, sconosciuto o di una fonte disattivata.".into(),
        )
        .into());
    };
    let xml = std::str::from_utf8(&body)
        .map_err(|_| AppError::BadRequest("Il documento deve essere in UTF-8.".into()))?;
    let actor = piazza_db::audit::Actor::system(&format!("fonte {}", fonte.codice));
    let t = state.territorio.get();
    let (esito, id) = fonti::ricevi_cap(&state.db, &t, &fonte, &actor, xml).await?;
    state.generazione.bump();
    let status = if id.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(serde_json::json!({
            "esito": crate::allerte::registro::descrivi(&esito),
            "id": id,
        })),
    )
        .into_response())
}
