//! Hostile input: what an attacker tries against a running Piazza, and what must hold after.
//!
//! - `rete`: push endpoints and feed URLs that point inside the network, push takeover;
//! - `risposte`: lengths, paths, the protections of error answers;
//! - `server`: stalled clients and the shutdown;
//! - `fogli`: hostile spreadsheets, then the alert service still delivers.

mod fogli;
mod rete;
mod risposte;
mod server;

use axum::body::Body;
use axum::http::{Request, header};

pub(super) fn json_post(uri: &str, corpo: &serde_json::Value) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(corpo.to_string()))
        .unwrap()
}

pub(super) fn iscrizione(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    comune: &str,
) -> serde_json::Value {
    serde_json::json!({
        "endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth},
        "comuni": [comune], "rischi": ["idraulico"], "soglia": "giallo", "consenso": true
    })
}
