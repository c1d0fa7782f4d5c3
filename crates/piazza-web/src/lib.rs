//! Piazza's web application: one module per domain (`territorio`, `anagrafica`, ...), each with
//! `model` (validated types), `store` (queries), `routes` (handlers) and templates under
//! `templates/<domain>/`. See `docs/architecture.md`.

pub mod admin;
pub mod allerte;
pub mod anagrafica;
pub mod auth;
pub mod demo;
pub mod eventi;
pub mod home;
pub mod kit;
pub mod piano;
pub mod progetti;
pub mod refdata;
pub mod registrazioni;
pub mod server;
pub mod territorio;

use kit::{cache, cliente, config, csrf, error, pannelli, protezioni, rotte};

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use sea_orm::DatabaseConnection;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use config::AppConfig;
use territorio::TerritorioCache;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<AppConfig>,
    pub territorio: TerritorioCache,
    /// Bumped after every successful write request; see [`cache`].
    pub generazione: Arc<cache::Generazione>,
    /// Anagrafica's caches (administrators of each comune, the staff).
    pub anagrafica: Arc<anagrafica::Cache>,
    /// Piano's caches (the objectives linked to a record).
    pub piano: Arc<piano::Cache>,
    /// Allerte's caches (the public state, the history of each comune, subscriptions).
    pub allerte: Arc<allerte::Cache>,
    /// The service keys (VAPID, the secret of subscribers' links), generated at install.
    pub chiavi: Arc<piazza_alerts::chiavi::Chiavi>,
    /// Notified when messages are queued: wakes the delivery engine's workers.
    pub sveglia_invii: Arc<tokio::sync::Notify>,
    /// The outbox's writer (the fan-out and the delivery engine): see
    /// [`piazza_db::connessione_propria`].
    pub db_invii: DatabaseConnection,
    /// The delivery engine, when this process runs it (`piazza serve`), for `/metrics`.
    pub motore_attivo: Arc<std::sync::OnceLock<Arc<piazza_alerts::motore::Motore>>>,
    /// The panels and figures the domains show on each other's pages.
    pub registro: &'static pannelli::Registro,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub proxy: cliente::ProxyFidati,
    /// Login attempts per account.
    pub tentativi_accesso: Arc<auth::limite::TentativiAccesso>,
    /// Long work started from pages (large imports), with its progress.
    pub elaborazioni: Arc<kit::elaborazioni::Elaborazioni>,
}

impl AppState {
    /// Builds the state and loads the territory snapshot.
    pub async fn new(db: DatabaseConnection, config: AppConfig) -> error::AppResult<Self> {
        let territorio = TerritorioCache::default();
        territorio::store::reload(&db, &territorio).await?;
        let proxy = cliente::ProxyFidati::parse(&config.server.proxy_fidati)
            .map_err(|e| error::AppError::interno(format!("server.proxy_fidati: {e}")))?;
        Ok(Self {
            registro: &REGISTRO,
            proxy,
            tentativi_accesso: Arc::new(auth::limite::TentativiAccesso::new(
                config.accesso.login_account_burst,
                std::time::Duration::from_secs(config.accesso.login_account_intervallo_secondi),
            )),
            config: Arc::new(config),
            territorio,
            generazione: Arc::default(),
            anagrafica: Arc::default(),
            piano: Arc::default(),
            allerte: Arc::default(),
            chiavi: Arc::new(piazza_alerts::chiavi::Chiavi::carica(&db).await?),
            sveglia_invii: Arc::default(),
            db_invii: piazza_db::connessione_propria(&db).await?,
            motore_attivo: Arc::default(),
            elaborazioni: Arc::default(),
            db,
        })
    }

    /// The message writer of the delivery engine, with this deployment's links.
    pub fn testi(&self) -> allerte::notifiche::Testi {
        allerte::notifiche::Testi::new(
            self.config.associazione.public_url.clone(),
            self.chiavi.clone(),
        )
    }

    /// The delivery engine of this deployment (not started).
    pub fn motore(&self) -> Result<piazza_alerts::motore::Motore, String> {
        self.motore_del_nodo(String::new())
    }

    /// The delivery engine of the node named `nodo` among those sharing the database (empty:
    /// a name of its own; see [`piazza_alerts::motore::Config::nodo`]).
    pub fn motore_del_nodo(&self, nodo: String) -> Result<piazza_alerts::motore::Motore, String> {
        piazza_alerts::motore::Motore::new(
            self.db_invii.clone(),
            piazza_alerts::motore::Config {
                nodo,
                ..self.config.motore()
            },
            piazza_push::Vapid::da_pkcs8(self.chiavi.vapid.pkcs8())
                .ok_or("chiave VAPID non leggibile")?,
            Arc::new(self.testi()),
            self.sveglia_invii.clone(),
        )
    }
}

/// After a successful write, cached reads are stale: bump the generation.
async fn bump_on_write(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let resp = next.run(req).await;
    if write && resp.status().as_u16() < 400 {
        state.generazione.bump();
    }
    resp
}

/// Bodies of ordinary forms and JSON: uploads and the CAP API set their own limits.
pub const MAX_CORPO: usize = 512 * 1024;

/// The panels and figures every domain shows on the others' pages, in the order the pages show
/// them: see [`pannelli`].
pub static REGISTRO: pannelli::Registro = pannelli::Registro {
    pannelli: &[
        allerte::pannelli::PANNELLI,
        anagrafica::pannelli::PANNELLI,
        piano::pannelli::PANNELLI,
        progetti::pannelli::PANNELLI,
        eventi::pannelli::PANNELLI,
    ],
    cifre: &[
        territorio::pannelli::CIFRE,
        allerte::pannelli::CIFRE,
        eventi::pannelli::CIFRE,
    ],
    collegamenti: &[
        territorio::pannelli::COLLEGAMENTI,
        anagrafica::pannelli::COLLEGAMENTI,
        progetti::pannelli::COLLEGAMENTI,
        eventi::pannelli::COLLEGAMENTI,
    ],
};

/// Every route of the application, declared by the domains (the permission-matrix test reads
/// this same list).
pub fn rotte(cfg: &AppConfig) -> rotte::Rotte {
    rotte::Rotte::new()
        .unisci(home::router(cfg))
        .unisci(auth::router(cfg))
        .unisci(territorio::router(cfg))
        .unisci(anagrafica::router(cfg))
        .unisci(piano::router(cfg))
        .unisci(progetti::router(cfg))
        .unisci(allerte::router(cfg))
        .unisci(registrazioni::router(cfg))
        .unisci(eventi::router(cfg))
        .unisci(admin::router(cfg))
        .unisci(kit::elaborazioni::router())
}

/// The whole application: the domains' routes and the layers every request crosses.
pub fn router(state: AppState) -> Router {
    let cfg = &state.config;
    let protezioni = protezioni::Protezioni::new(cfg.secure_cookies());
    let proxy = state.proxy.clone();
    let timeout = std::time::Duration::from_secs(cfg.server.timeout_richiesta_secondi.max(1));
    let sessions =
        SessionManagerLayer::new(piazza_db::session_store::SeaOrmStore::new(state.db.clone()))
            .with_name("piazza_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(cfg.secure_cookies())
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                cfg.accesso.durata_sessione_minuti,
            )));
    rotte(cfg)
        .router()
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            bump_on_write,
        ))
        .layer(DefaultBodyLimit::max(MAX_CORPO))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(csrf::check))
        .layer(sessions)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(proxy, cliente::annota))
        .layer(axum::middleware::from_fn_with_state(
            protezioni,
            protezioni::applica,
        ))
        .with_state(state)
}
