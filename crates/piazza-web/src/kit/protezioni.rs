//! The last layer of every response, errors included: the browser's protections (a strict
//! Content-Security-Policy, HSTS when the deployment is on https, framing refused,
//! Permissions-Policy, no sniffing) and the Italian safety net for errors. Whatever a layer or
//! an extractor of the framework answers on its own (a 405, a 413 of a body limit, a path that
//! is not UTF-8, a timeout) leaves as the Italian error page, or as the API's JSON error under
//! `/api/`; `429` always carries `Retry-After`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::kit::error::{MessaggioErrore, json_errore, pagina};

/// The Content-Security-Policy of every page: scripts, styles, fonts and images from Piazza
/// only, no inline script, handler or style, no plugins, no framing, forms posted to Piazza only.
/// Two exceptions, both of the vendored Bootstrap Italia 2.18.3: the fonts its stylesheet embeds
/// as `data:` URLs, and the two `<style>` elements its bundle inserts (an empty one, then its
/// fixed rules), allowed by their SHA-256 and nothing else (the browser spec `e2e/tests/csp`
/// reports any other).
pub const CSP: &str = "default-src 'none'; script-src 'self'; \
style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' \
'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='; img-src 'self' data:; \
font-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; \
base-uri 'none'; frame-ancestors 'none'; object-src 'none'";

/// `Permissions-Policy`: no powerful feature is used by any page.
pub const PERMESSI: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), \
interest-cohort=(), browsing-topics=()";

/// The headers every response gets, computed once from the configuration.
#[derive(Clone)]
pub struct Protezioni {
    intestazioni: Vec<(HeaderName, HeaderValue)>,
}

impl Protezioni {
    /// `https` adds HSTS (a year, subdomains included) and `upgrade-insecure-requests`.
    pub fn new(https: bool) -> Self {
        let csp = if https {
            format!("{CSP}; upgrade-insecure-requests")
        } else {
            CSP.to_owned()
        };
        let mut intestazioni = vec![
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&csp).expect("CSP is ASCII"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static(PERMESSI),
            ),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ];
        if https {
            intestazioni.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            ));
        }
        Self { intestazioni }
    }
}

/// The middleware: see the module's documentation.
pub async fn applica(State(p): State<Protezioni>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut resp = next.run(req).await;
    let s = resp.status();
    if s.is_client_error() || s.is_server_error() {
        resp = in_italiano(resp, api);
    }
    let h = resp.headers_mut();
    for (k, v) in &p.intestazioni {
        if !h.contains_key(k) {
            h.insert(k.clone(), v.clone());
        }
    }
    if resp.status() == StatusCode::TOO_MANY_REQUESTS
        && !resp.headers().contains_key(header::RETRY_AFTER)
    {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    resp
}

/// An error response as users of Piazza get it: ours pass (with their message turned into the
/// API's JSON shape under `/api/`), the framework's own plain-text answers are replaced.
fn in_italiano(resp: Response, api: bool) -> Response {
    let tipo = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = resp.status();
    let nostro = resp.extensions().get::<MessaggioErrore>().cloned();
    // Already JSON; or a page of ours (an error page, a form shown again with its errors)
    // outside the API: as it is. Only the framework's plain-text answers are replaced.
    if tipo.starts_with("application/json")
        || (!api && (nostro.is_some() || !tipo.is_empty() && !tipo.starts_with("text/plain")))
    {
        return resp;
    }
    let conserva = conservate(resp.headers());
    let messaggio = match nostro {
        Some(MessaggioErrore(m)) => m,
        None => messaggio_per(status).1.to_owned(),
    };
    let mut nuova = if api {
        json_errore(status, &messaggio, None)
    } else {
        pagina(status, messaggio_per(status).0, &messaggio)
    };
    nuova.headers_mut().extend(conserva);
    nuova
}

/// The headers of a framework error that must survive its replacement.
fn conservate(h: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for k in [
        header::ALLOW,
        header::RETRY_AFTER,
        header::SET_COOKIE,
        header::WWW_AUTHENTICATE,
    ] {
        for v in h.get_all(&k) {
            out.append(k.clone(), v.clone());
        }
    }
    out
}

/// Title and message of an error the framework answered by itself.
pub fn messaggio_per(s: StatusCode) -> (&'static str, &'static str) {
    match s {
        StatusCode::BAD_REQUEST => (
            "Richiesta non valida",
            "La richiesta non è valida: controlla l'indirizzo o i dati inviati e riprova.",
        ),
        StatusCode::UNAUTHORIZED => (
            "Accesso richiesto",
            "Per questa operazione serve l'accesso.",
        ),
        StatusCode::FORBIDDEN => (
            "Accesso negato",
            "Non hai i permessi per questa operazione.",
        ),
        StatusCode::NOT_FOUND => ("Pagina non trovata", "La pagina richiesta non esiste."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Operazione non consentita",
            "Questo indirizzo non accetta questo tipo di richiesta.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "Tempo scaduto",
            "La richiesta non è arrivata per intero in tempo utile. Riprova.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Richiesta troppo grande",
            "Il file o i dati inviati sono troppo grandi per questa pagina.",
        ),
        StatusCode::URI_TOO_LONG => (
            "Indirizzo troppo lungo",
            "L'indirizzo della pagina è troppo lungo.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Formato non supportato",
            "I dati sono stati inviati in un formato che questa pagina non accetta. Usa il modulo della pagina e riprova.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "Dati non validi",
            "I dati inviati sono incompleti o non validi: ricarica la pagina del modulo e riprova.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Troppe richieste",
            "Troppe richieste in poco tempo. Attendi qualche secondo e riprova.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Servizio non disponibile",
            "Il servizio è momentaneamente non disponibile. Riprova tra poco.",
        ),
        s if s.is_server_error() => (
            "Errore interno",
            "Si è verificato un errore inatteso. Riprova più tardi.",
        ),
        _ => (
            "Richiesta non valida",
            "La richiesta non può essere soddisfatta.",
        ),
    }
}
