//! `POST /api/allerte/cap`: CAP documents from the sources that hold an API token.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::allerte::fonti;
use crate::error::AppError;

fn api_risposta(status: StatusCode, v: serde_json::Value) -> Response {
    (status, axum::Json(v)).into_response()
}

/// `POST /api/allerte/cap`: a CAP 1.2 document from a source that holds an API token
/// (`Authorization: Bearer …`). The token names the source: documents are recorded as its.
pub async fn api_cap(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: HeaderMap,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let fonte = match token {
        Some(t) => fonti::per_token(&state.db, t).await,
        None => Ok(None),
    };
    let fonte = match fonte {
        Ok(Some(f)) if f.attiva => f,
        Ok(_) => {
            return api_risposta(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"errore": "Token mancante, sconosciuto o di una fonte disattivata."}),
            );
        }
        Err(e) => {
            return api_risposta(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({"errore": e.to_string()}),
            );
        }
    };
    let Ok(xml) = std::str::from_utf8(&body) else {
        return api_risposta(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"errore": "Il documento deve essere in UTF-8."}),
        );
    };
    let actor = piazza_db::audit::Actor::system(&format!("fonte {}", fonte.codice));
    let t = state.territorio.get();
    match fonti::ricevi_cap(&state.db, &t, &fonte, &actor, xml).await {
        Ok((esito, id)) => {
            state.generazione.bump();
            let nuovo = id.is_some();
            api_risposta(
                if nuovo {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                serde_json::json!({
                    "esito": crate::allerte::registro::descrivi(&esito),
                    "id": id,
                }),
            )
        }
        Err(AppError::BadRequest(m)) => {
            api_risposta(StatusCode::BAD_REQUEST, serde_json::json!({"errore": m}))
        }
        Err(e) => api_risposta(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({"errore": e.to_string()}),
        ),
    }
}
