//! Piazza's web application: one module per domain (`territorio`, `anagrafica`, ...), each with
//! `model` (validated types), `store` (queries), `routes` (handlers) and templates under
//! `templates/<domain>/`. See `docs/architecture.md`.

pub mod admin;
pub mod allerte;
pub mod anagrafica;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod cliente;
pub mod collegamenti;
pub mod config;
pub mod csrf;
pub mod demo;
pub mod error;
pub mod export;
pub mod extract;
pub mod fmt;
pub mod home;
pub mod list;
pub mod moduli;
pub mod pdf;
pub mod piano;
pub mod progetti;
pub mod protezioni;
pub mod refdata;
pub mod server;
pub mod territorio;
pub mod text;
pub mod view;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
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
    /// The administrators of each comune, for the (public) comune page.
    pub amministratori: Arc<cache::Cache<i64, Vec<anagrafica::model::AmministratoreView>>>,
    /// The plan objectives linked to a record (kind, key, public only), for the records' pages.
    pub obiettivi_collegati:
        Arc<cache::Cache<(String, String, bool), Vec<piano::store::ObiettivoCollegato>>>,
    /// The staff (people of categoria `staff`), for the choosers of owners and teams.
    personale: Arc<cache::Cache<(), Vec<anagrafica::store::Personale>>>,
    /// The public alert state, shared by the public pages and feeds.
    pub allerte: Arc<allerte::pubblico::StatoPubblico>,
    /// The alert history of each comune, for the (public) comune page.
    pub storia_allerte: Arc<cache::Cache<i64, Vec<allerte::routes::DocumentoRiga>>>,
    /// The service keys (VAPID, the secret of subscribers' links), generated at install.
    pub chiavi: Arc<piazza_alerts::chiavi::Chiavi>,
    /// Notified when messages are queued: wakes the delivery engine's workers.
    pub sveglia_invii: Arc<tokio::sync::Notify>,
    /// The outbox's writer (the fan-out and the delivery engine): see
    /// [`piazza_db::connessione_propria`].
    pub db_invii: DatabaseConnection,
    /// The delivery engine, when this process runs it (`piazza serve`), for `/metrics`.
    pub motore_attivo: Arc<std::sync::OnceLock<Arc<piazza_alerts::motore::Motore>>>,
    /// Active subscriptions by comune and channel, for the public pages.
    pub adesione_iscritti: Arc<cache::Cache<(), allerte::iscrizioni::Adesione>>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub proxy: cliente::ProxyFidati,
    /// Login attempts per account.
    pub tentativi_accesso: Arc<auth::limite::TentativiAccesso>,
}

impl AppState {
    /// Builds the state and loads the territory snapshot.
    pub async fn new(db: DatabaseConnection, config: AppConfig) -> error::AppResult<Self> {
        let territorio = TerritorioCache::default();
        territorio::store::reload(&db, &territorio).await?;
        let proxy = cliente::ProxyFidati::parse(&config.server.proxy_fidati)
            .map_err(error::AppError::Internal)?;
        Ok(Self {
            proxy,
            tentativi_accesso: Arc::new(auth::limite::TentativiAccesso::new(
                config.accesso.login_account_burst,
                std::time::Duration::from_secs(config.accesso.login_account_intervallo_secondi),
            )),
            config: Arc::new(config),
            territorio,
            generazione: Arc::default(),
            amministratori: Arc::new(cache::Cache::new(std::time::Duration::from_secs(5))),
            obiettivi_collegati: Arc::new(cache::Cache::new(std::time::Duration::from_secs(5))),
            personale: Arc::new(cache::Cache::new(std::time::Duration::from_secs(5))),
            allerte: Arc::default(),
            storia_allerte: Arc::new(cache::Cache::new(std::time::Duration::from_secs(5))),
            chiavi: Arc::new(piazza_alerts::chiavi::Chiavi::carica(&db).await?),
            sveglia_invii: Arc::default(),
            db_invii: piazza_db::connessione_propria(&db).await?,
            motore_attivo: Arc::default(),
            adesione_iscritti: Arc::new(cache::Cache::new(std::time::Duration::from_secs(60))),
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
        piazza_alerts::motore::Motore::new(
            self.db_invii.clone(),
            self.config.motore(),
            piazza_push::Vapid::da_pkcs8(self.chiavi.vapid.pkcs8())
                .ok_or("chiave VAPID non leggibile")?,
            Arc::new(self.testi()),
            self.sveglia_invii.clone(),
        )
    }

    /// The staff, cached (the list is scanned from the people table, which can be large).
    pub async fn personale(&self) -> error::AppResult<Arc<Vec<anagrafica::store::Personale>>> {
        self.personale
            .get_or_load((), &self.generazione, || {
                anagrafica::store::personale(&self.db)
            })
            .await
    }
}

/// The client address for rate limiting: see [`cliente`].
#[derive(Clone)]
struct PeerIp;

impl KeyExtractor for PeerIp {
    type Key = IpAddr;
    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, tower_governor::GovernorError> {
        Ok(cliente::di(req))
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

/// Bodies of ordinary forms and JSON: uploads and the CAP API set their own limits.
pub const MAX_CORPO: usize = 512 * 1024;

/// The whole application. Every route is listed here (the permission-matrix test reads this file).
pub fn router(state: AppState) -> Router {
    let cfg = &state.config;
    let protezioni = protezioni::Protezioni::new(cfg.secure_cookies());
    let proxy = state.proxy.clone();
    let timeout = std::time::Duration::from_secs(cfg.server.timeout_richiesta_secondi.max(1));
    let governor = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .per_second(cfg.accesso.login_intervallo_secondi.max(1))
        .burst_size(cfg.accesso.login_burst.max(1))
        .methods(vec![Method::POST])
        .finish()
        .expect("valid rate-limit configuration");
    let login_limit = GovernorLayer::new(governor).error_handler(too_many);
    // Public subscriptions: the same budget per client address, counted apart from logins.
    let governor = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .per_second(cfg.accesso.login_intervallo_secondi.max(1))
        .burst_size(cfg.accesso.login_burst.max(1))
        .methods(vec![Method::POST])
        .finish()
        .expect("valid rate-limit configuration");
    let iscrizioni_limit = GovernorLayer::new(governor).error_handler(too_many);
    let sessions =
        SessionManagerLayer::new(piazza_db::session_store::SeaOrmStore::new(state.db.clone()))
            .with_name("piazza_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(cfg.secure_cookies())
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                cfg.accesso.durata_sessione_minuti,
            )));

    use admin::routes as adm;
    use allerte::iscrizioni_routes as isc;
    use allerte::routes as all;
    use anagrafica::routes as ana;
    use auth::routes as au;
    use piano::routes as pia;
    use progetti::routes as pro;
    use territorio::routes as ter;
    Router::new()
        .route("/", get(home::home))
        .route("/healthz", get(home::healthz))
        .route("/static/{*path}", get(assets::serve))
        .route(
            "/login",
            get(au::login_form).post(au::login).layer(login_limit),
        )
        .route("/logout", post(au::logout))
        .route(
            "/account/password",
            get(au::password_form).post(au::password_change),
        )
        .route("/account/sessioni", get(au::sessioni))
        .route(
            "/account/sessioni/termina-altre",
            post(au::sessioni_termina_altre),
        )
        .route(
            "/account/sessioni/{impronta}/termina",
            post(au::sessione_termina),
        )
        // Territorio
        .route("/comuni", get(ter::comuni))
        .route("/comuni/export.csv", get(ter::comuni_csv))
        .route("/comuni/export.xlsx", get(ter::comuni_xlsx))
        .route("/comuni/{codice}", get(ter::comune))
        .route("/mappa", get(ter::mappa))
        .route("/mappa.svg", get(ter::mappa_svg))
        .route("/zone-allerta", get(ter::zone))
        .route("/zone-allerta/{codice}", get(ter::zona))
        // Anagrafica
        .route("/persone", get(ana::persone))
        .route("/persone/export.csv", get(ana::persone_csv))
        .route("/persone/export.xlsx", get(ana::persone_xlsx))
        .route(
            "/persone/nuova",
            get(ana::persona_nuova_form).post(ana::persona_crea),
        )
        .route("/persone/{id}", get(ana::persona))
        .route(
            "/persone/{id}/modifica",
            get(ana::persona_modifica_form).post(ana::persona_aggiorna),
        )
        .route("/persone/{id}/elimina", post(ana::persona_elimina))
        .route("/organizzazioni", get(ana::organizzazioni))
        .route("/organizzazioni/export.csv", get(ana::organizzazioni_csv))
        .route("/organizzazioni/export.xlsx", get(ana::organizzazioni_xlsx))
        .route(
            "/organizzazioni/nuova",
            get(ana::organizzazione_nuova_form).post(ana::organizzazione_crea),
        )
        .route("/organizzazioni/{id}", get(ana::organizzazione))
        .route(
            "/organizzazioni/{id}/modifica",
            get(ana::organizzazione_modifica_form).post(ana::organizzazione_aggiorna),
        )
        .route(
            "/organizzazioni/{id}/elimina",
            post(ana::organizzazione_elimina),
        )
        .route("/amministratori", get(ana::amministratori))
        .route("/amministratori/export.csv", get(ana::amministratori_csv))
        .route("/amministratori/export.xlsx", get(ana::amministratori_xlsx))
        .route(
            "/amministratori/importa",
            get(ana::importa_form)
                .post(ana::importa)
                .layer(DefaultBodyLimit::max(ana::MAX_UPLOAD)),
        )
        .route(
            "/amministratori/{id}/modifica",
            get(ana::amministratore_modifica_form).post(ana::amministratore_aggiorna),
        )
        // Piano
        .route("/piano", get(pia::elenco))
        .route(
            "/piano/importa",
            get(pia::importa_form).post(pia::importa_salva),
        )
        .route(
            "/piano/importa/anteprima",
            post(pia::importa_anteprima)
                .layer(DefaultBodyLimit::max(pia::MAX_DOCUMENTO + 64 * 1024)),
        )
        .route(
            "/piano/calendario",
            get(pia::calendario).post(pia::evento_aggiungi),
        )
        .route("/piano/calendario/{id}/elimina", post(pia::evento_elimina))
        .route("/piano/stati", get(pia::stati).post(pia::stato_aggiungi))
        .route("/piano/stati/{codice}", post(pia::stato_aggiorna))
        .route("/piano/{anno}", get(pia::piano))
        .route(
            "/piano/{anno}/modifica",
            get(pia::piano_form).post(pia::piano_aggiorna),
        )
        .route("/piano/{anno}/cruscotto", get(pia::cruscotto))
        .route(
            "/piano/{anno}/aree/{area}/obiettivi",
            post(pia::obiettivo_aggiungi),
        )
        .route("/piano/{anno}/export.csv", get(pia::piano_csv))
        .route("/piano/{anno}/export.json", get(pia::piano_json))
        .route("/piano/{anno}/export.xlsx", get(pia::piano_xlsx))
        .route("/piano/{anno}/relazione.pdf", get(pia::piano_pdf))
        .route("/piano/obiettivi/{id}", get(pia::obiettivo))
        .route(
            "/piano/obiettivi/{id}/modifica",
            get(pia::obiettivo_form).post(pia::obiettivo_aggiorna),
        )
        .route(
            "/piano/obiettivi/{id}/aggiornamenti",
            post(pia::aggiornamento_aggiungi),
        )
        .route(
            "/piano/obiettivi/{id}/indicatori",
            post(pia::indicatore_aggiungi),
        )
        .route(
            "/piano/obiettivi/{id}/collegamenti",
            post(pia::collegamento_aggiungi),
        )
        .route(
            "/piano/obiettivi/{id}/collegamenti/{cid}/elimina",
            post(pia::collegamento_elimina),
        )
        .route("/piano/indicatori/{id}/misure", post(pia::misura_aggiungi))
        .route(
            "/piano/indicatori/{id}/elimina",
            post(pia::indicatore_elimina),
        )
        // Progetti
        .route("/progetti", get(pro::elenco))
        .route("/progetti/export.csv", get(pro::elenco_csv))
        .route("/progetti/export.xlsx", get(pro::elenco_xlsx))
        .route("/progetti/nuovo", get(pro::nuovo_form).post(pro::crea))
        .route(
            "/progetti/importa",
            get(pro::importa_form)
                .post(pro::importa)
                .layer(DefaultBodyLimit::max(pro::MAX_UPLOAD)),
        )
        .route("/progetti/gantt", get(pro::gantt_page))
        .route("/progetti/scadenze", get(pro::scadenze))
        .route("/progetti/calendario.ics", get(pro::calendario_ics))
        .route("/progetti/rischio", get(pro::rischio))
        .route("/progetti/rischio.csv", get(pro::rischio_csv))
        .route("/progetti/budget", get(pro::budget))
        .route("/progetti/mappa", get(pro::mappa))
        .route("/progetti/bandi", get(pro::bandi).post(pro::bando_aggiungi))
        .route(
            "/progetti/bandi/{id}/proposte",
            post(pro::proposta_aggiungi),
        )
        .route("/progetti/proposte/{id}/esito", post(pro::proposta_esito))
        .route(
            "/progetti/programmi",
            get(pro::programmi).post(pro::programma_aggiungi),
        )
        .route("/progetti/{id}", get(pro::progetto))
        .route(
            "/progetti/{id}/modifica",
            get(pro::modifica_form).post(pro::aggiorna),
        )
        .route("/progetti/{id}/elimina", post(pro::elimina))
        .route("/progetti/{id}/calendario.ics", get(pro::progetto_ics))
        .route("/progetti/{id}/obiettivi", post(pro::obiettivo_collega))
        .route("/progetti/{id}/parti/{parte}", post(pro::parte_aggiungi))
        .route(
            "/progetti/{id}/parti/{parte}/{pid}",
            post(pro::parte_aggiorna),
        )
        .route(
            "/progetti/{id}/parti/{parte}/{pid}/elimina",
            post(pro::parte_elimina),
        )
        // Allerte
        .route("/allerte", get(all::stato_page))
        .route("/allerte.json", get(all::stato_json))
        .route("/allerte/cap.atom", get(all::cap_atom))
        .route("/allerte/cap/{id}", get(all::cap_documento))
        .route("/allerte/avvisi.atom", get(all::avvisi_atom))
        .route("/allerte/gestione", get(all::gestione))
        .route(
            "/allerte/iscriviti",
            get(isc::iscriviti_form)
                .post(isc::iscriviti)
                .layer(iscrizioni_limit.clone()),
        )
        .route(
            "/allerte/iscriviti/push",
            post(isc::iscriviti_push).layer(iscrizioni_limit),
        )
        .route(
            "/allerte/conferma/{gettone}",
            get(isc::conferma_form).post(isc::conferma),
        )
        .route(
            "/allerte/iscrizione/{gettone}",
            get(isc::iscrizione).post(isc::iscrizione_aggiorna),
        )
        .route(
            "/allerte/iscrizione/{gettone}/dati.json",
            get(isc::iscrizione_dati),
        )
        .route(
            "/allerte/iscrizione/{gettone}/elimina",
            post(isc::iscrizione_elimina),
        )
        .route(
            "/allerte/disiscrivi/{gettone}",
            get(isc::disiscrivi_form).post(isc::disiscrivi),
        )
        .route("/sw.js", get(isc::service_worker))
        .route("/allerte/invii", get(isc::invii))
        .route("/allerte/invii/stato", get(isc::invii_stato))
        .route("/allerte/invii/tester", post(isc::tester))
        .route("/allerte/invii/telegram", post(isc::telegram_salva))
        .route(
            "/allerte/invii/telegram/{id}/elimina",
            post(isc::telegram_elimina),
        )
        .route("/metrics", get(isc::metrics))
        .route("/allerte/nuova", get(all::componi_form).post(all::componi))
        .route("/allerte/avvisi", get(all::avvisi).post(all::avviso_crea))
        .route("/allerte/avvisi/{id}/ritira", post(all::avviso_ritira))
        .route("/allerte/adesioni", get(all::adesioni))
        .route("/allerte/adesioni/{codice}", post(all::adesione_salva))
        .route(
            "/allerte/fonti",
            get(all::fonti_elenco).post(all::fonte_aggiungi),
        )
        .route("/allerte/fonti/geocodici", post(all::mappatura_aggiungi))
        .route(
            "/allerte/fonti/geocodici/{id}/elimina",
            post(all::mappatura_elimina),
        )
        .route("/allerte/fonti/{id}/attiva", post(all::fonte_attiva))
        .route("/allerte/fonti/{id}/token", post(all::fonte_token))
        .route("/allerte/{id}", get(all::dettaglio))
        .route("/allerte/{id}/approva", post(all::approva))
        .route("/allerte/{id}/respingi", post(all::respingi))
        .route("/allerte/{id}/annulla", post(all::annulla))
        .route("/comuni/{codice}/allerte.atom", get(all::comune_cap_atom))
        .route("/comuni/{codice}/avvisi.atom", get(all::comune_avvisi_atom))
        .route(
            "/api/allerte/cap",
            post(all::api_cap).layer(DefaultBodyLimit::max(all::MAX_CAP)),
        )
        // Amministrazione
        .route("/admin/audit", get(adm::audit))
        .route("/admin/utenti", get(adm::utenti))
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
