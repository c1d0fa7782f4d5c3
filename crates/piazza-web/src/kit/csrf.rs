//! CSRF protection for every state-changing request: the browser must say the request comes
//! from our own origin (`Sec-Fetch-Site: same-origin`, or an `Origin` whose host is ours).
//! Cookies are also `SameSite=Lax`.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The decision, separated for tests.
pub fn allowed(
    method: &Method,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
) -> bool {
    if is_safe(method) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        return site == "same-origin" || site == "none";
    }
    match (origin, host) {
        (Some(o), Some(h)) => {
            let o_host = o
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(o)
                .trim_end_matches('/');
            o_host.eq_ignore_ascii_case(h)
        }
        _ => false,
    }
}

pub async fn check(req: Request, next: Next) -> Response {
    let h = req.headers();
    // The API authenticates each request by its bearer token, never by the session cookie
    // (its handlers do not read the session): a cross-site form cannot forge a token, so the
    // origin check does not apply there.
    // The one-click unsubscribe of RFC 8058 is a POST from a mail client (no cookie, no
    // origin): it is authorised by the signed token in its URL and reads no session.
    if req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/allerte/disiscrivi/")
    {
        return next.run(req).await;
    }
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok());
    if allowed(
        req.method(),
        get("sec-fetch-site"),
        get(header::ORIGIN.as_str()),
        get(header::HOST.as_str()),
    ) {
        next.run(req).await
    } else {
        crate::kit::error::pagina(
            StatusCode::FORBIDDEN,
            "Richiesta rifiutata",
            "La richiesta proviene da un'altra origine o non dichiara la propria origine (protezione CSRF). Ricarica la pagina e riprova.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_only() {
        assert!(allowed(&Method::GET, Some("cross-site"), None, None));
        assert!(allowed(&Method::POST, Some("same-origin"), None, None));
        assert!(!allowed(
            &Method::POST,
            Some("cross-site"),
            Some("http://localhost:8080"),
            Some("localhost:8080")
        ));
        assert!(allowed(
            &Method::POST,
            None,
            Some("http://localhost:8080"),
            Some("localhost:8080")
        ));
        assert!(!allowed(
            &Method::POST,
            None,
            Some("http://evil.example"),
            Some("localhost:8080")
        ));
        assert!(!allowed(&Method::POST, None, None, Some("localhost:8080")));
    }
}
