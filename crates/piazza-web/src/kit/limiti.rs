//! Rate limits per client address (logins, public subscriptions): each route that wants one
//! takes its own [`per_indirizzo`] layer, so budgets are counted apart.

use std::net::IpAddr;

use axum::http::{Method, Request};
use axum::response::IntoResponse;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use crate::AppConfig;
use crate::kit::{cliente, error, fmt};

/// The client address for rate limiting: see [`cliente`].
#[derive(Clone)]
pub struct PeerIp;

impl KeyExtractor for PeerIp {
    type Key = IpAddr;
    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, tower_governor::GovernorError> {
        Ok(cliente::di(req))
    }
}

fn too_many(e: tower_governor::GovernorError) -> axum::http::Response<axum::body::Body> {
    let attesa_secondi = match e {
        tower_governor::GovernorError::TooManyRequests { wait_time, .. } => wait_time,
        _ => 1,
    };
    error::AppError::TroppeRichieste {
        attesa_secondi,
        messaggio: format!(
            "Troppi tentativi da questo indirizzo. Attendi {} e riprova.",
            fmt::attesa(attesa_secondi)
        ),
    }
    .into_response()
}

/// A rate limit per client address; its clones share one budget.
pub type Limite = GovernorLayer<PeerIp, governor::middleware::NoOpMiddleware, axum::body::Body>;

/// A budget of POST requests per client address (`login_burst` at once, then one every
/// `login_intervallo_secondi`), answered with 429 and an Italian message when spent. Each call
/// makes a budget of its own; the routes that share one take clones of it.
pub fn per_indirizzo(cfg: &AppConfig) -> Limite {
    let governor = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .per_second(cfg.accesso.login_intervallo_secondi.max(1))
        .burst_size(cfg.accesso.login_burst.max(1))
        .methods(vec![Method::POST])
        .finish()
        .expect("valid rate-limit configuration");
    GovernorLayer::new(governor).error_handler(too_many)
}

/// The budget of public registrations to events per client address: a generous one (a whole
/// office registers from one address), `registrazioni_burst` at once, then one a second.
pub fn per_indirizzo_registrazioni(cfg: &AppConfig) -> Limite {
    let governor = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .per_second(1)
        .burst_size(cfg.accesso.registrazioni_burst.max(1))
        .methods(vec![Method::POST])
        .finish()
        .expect("valid rate-limit configuration");
    GovernorLayer::new(governor).error_handler(too_many)
}
