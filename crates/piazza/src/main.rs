//! `piazza`: the command line of the Piazza information system.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use piazza_db::audit::Actor;
use piazza_web::{AppConfig, AppState, demo, refdata};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

/// mimalloc: measurably faster than the system allocator for the many small allocations of
/// page rendering (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "piazza",
    version,
    about = "Piazza: il sistema informativo di un'associazione di comuni"
)]
struct Cli {
    /// Cartella dei dati (database SQLite). Per il database è ignorata se DATABASE_URL è impostata.
    #[arg(
        long,
        env = "PIAZZA_DATA_DIR",
        default_value = "./piazza-data",
        global = true
    )]
    data_dir: PathBuf,
    /// File di configurazione (TOML); le variabili d'ambiente `PIAZZA_*` hanno la precedenza.
    #[arg(long, default_value = "piazza.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Avvia l'applicazione web.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Aggiorna il database, carica i dati dimostrativi se è vuoto e avvia l'applicazione.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[arg(long, value_enum, default_value = "small")]
        scale: ScaleArg,
    },
    /// Aggiorna lo schema del database (e carica il territorio in un database vuoto).
    Migrate,
    /// Importa dati di riferimento o registri.
    #[command(subcommand)]
    Import(Import),
    /// Gestisce gli utenti.
    #[command(subcommand)]
    User(User),
    /// Scrive in FILE una copia coerente del database SQLite.
    Backup { file: PathBuf },
    /// Strumenti per i documenti CAP 1.2 (Common Alerting Protocol).
    #[command(subcommand)]
    Cap(Cap),
}

#[derive(Subcommand)]
enum Cap {
    /// Controlla documenti CAP 1.2 in modo rigoroso: per ciascuno stampa identificativo, mittente,
    /// invio, tipo di messaggio e numero di blocchi info, oppure ogni violazione con il suo
    /// percorso. Esce con errore se un documento non è valido.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// `piazza cap validate`: one line per valid file, the violations of the others.
fn cap_validate(files: &[PathBuf]) -> Result<(), String> {
    let mut non_validi = 0;
    for f in files {
        let esito = std::fs::read(f)
            .map_err(|e| vec![format!("non leggibile: {e}")])
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| vec!["il file non è in UTF-8".to_owned()])
            })
            .and_then(|xml| {
                piazza_cap::validate_xml(&xml)
                    .map_err(|v| v.iter().map(ToString::to_string).collect())
            });
        match esito {
            Ok(a) => println!(
                "{}: valido — identificativo {}, mittente {}, inviato {}, tipo {}, {} blocchi info",
                f.display(),
                a.identifier,
                a.sender,
                a.sent.as_ref().map(|t| t.raw.as_str()).unwrap_or_default(),
                a.msg_type.as_ref().map(|m| m.as_str()).unwrap_or_default(),
                a.infos.len()
            ),
            Err(v) => {
                non_validi += 1;
                println!("{}: NON valido ({} problemi)", f.display(), v.len());
                for m in v {
                    println!("  - {m}");
                }
            }
        }
    }
    if non_validi > 0 {
        return Err(format!(
            "{non_validi} documenti non validi su {}",
            files.len()
        ));
    }
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
enum ScaleArg {
    Small,
    Large,
}

#[derive(Subcommand)]
enum Import {
    /// I comuni della regione (CSV nel formato di data/comuni-toscana.csv).
    Comuni {
        file: PathBuf,
        /// Confini comunali (GeoJSON, proprietà `com_istat_code`).
        #[arg(long)]
        confini: Option<PathBuf>,
        /// Zone di allerta (CSV: codice_zona, nome_zona, codice_zona_dpc, etichetta).
        #[arg(long)]
        zone: Option<PathBuf>,
    },
    /// L'anagrafe degli amministratori locali del Ministero dell'Interno (CSV DAIT).
    Amministratori { file: PathBuf },
    /// Il bollettino nazionale di criticità del Dipartimento della Protezione Civile: l'indice
    /// JSON (i file TopoJSON dei giorni vengono cercati accanto) o il TopoJSON di un giorno.
    Bollettino {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Un piano di attività scritto come documento (Markdown o testo esportato da PDF/Word):
    /// i titoli delle sezioni diventano aree, le voci degli elenchi «Obiettivi» i loro obiettivi.
    Piano {
        file: PathBuf,
        /// Anno del piano.
        #[arg(long)]
        anno: i32,
        /// Mostra aree e obiettivi trovati senza salvare nulla.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum User {
    /// Crea un utente, o reimposta password e ruoli di uno esistente.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        nome: Option<String>,
        /// admin | editor | viewer | referente (editor/viewer anche come `editor:MODULO`); ripetibile.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Modulo per i ruoli editor/viewer indicati senza `:MODULO`.
        #[arg(long)]
        modulo: Option<String>,
        /// Codice ISTAT di un comune per il ruolo referente; ripetibile.
        #[arg(long = "comune")]
        comuni: Vec<String>,
        /// Legge la password dallo standard input invece di chiederla.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Deserialize, Default)]
struct Settings {
    database_url: Option<String>,
    #[serde(flatten)]
    app: AppConfig,
}

fn load_settings(path: &std::path::Path) -> Result<Settings, String> {
    let cfg = config::Config::builder()
        .add_source(config::File::from(path.to_path_buf()).required(false))
        .add_source(
            config::Environment::with_prefix("PIAZZA")
                .try_parsing(true)
                // Lists in the environment are comma-separated.
                .list_separator(",")
                .with_list_parse_key("proxy_fidati")
                .with_list_parse_key("push_servizi_ammessi")
                .with_list_parse_key("titoli_obiettivi"),
        )
        .build()
        .map_err(|e| format!("configurazione non valida: {e}"))?;
    let mut s: Settings = cfg.clone().try_deserialize().map_err(|e| {
        chiave_sbagliata(&cfg).unwrap_or_else(|| format!("configurazione non valida: {e}"))
    })?;
    if let Ok(url) = std::env::var("DATABASE_URL")
        && !url.is_empty()
    {
        s.database_url = Some(url);
    }
    Ok(s)
}

/// The key whose value does not fit, found by reading each key alone over the defaults (the
/// sections of the configuration are flattened, and serde's error then names no key).
fn chiave_sbagliata(cfg: &config::Config) -> Option<String> {
    let mut valori: Vec<(String, config::Value)> = cfg
        .clone()
        .try_deserialize::<std::collections::HashMap<String, config::Value>>()
        .ok()?
        .into_iter()
        .collect();
    valori.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, v) in valori {
        let solo = config::Config::builder()
            .set_override(k.as_str(), v.clone())
            .ok()?
            .build()
            .ok()?;
        if let Err(e) = solo.try_deserialize::<Settings>() {
            return Some(format!(
                "configurazione non valida: il valore «{v}» di «{k}» non è del tipo atteso \
                 (numero, sì/no, testo o elenco: vedi il README) — dettaglio: {e}"
            ));
        }
    }
    None
}

fn database_url(cli: &Cli, s: &Settings) -> Result<String, String> {
    if let Some(u) = &s.database_url {
        return Ok(u.clone());
    }
    std::fs::create_dir_all(&cli.data_dir).map_err(|e| {
        format!(
            "impossibile creare la cartella dati {}: {e}",
            cli.data_dir.display()
        )
    })?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        cli.data_dir.join("piazza.db").display()
    ))
}

/// Connects, migrates and makes sure the territory is loaded.
async fn prepare(cli: &Cli, s: &Settings) -> Result<DatabaseConnection, String> {
    let url = database_url(cli, s)?;
    let db = piazza_db::connect(&url)
        .await
        .map_err(|e| format!("connessione al database non riuscita: {e}"))?;
    piazza_db::migrate(&db)
        .await
        .map_err(|e| format!("migrazione non riuscita: {e}"))?;
    if refdata::is_empty(&db).await.map_err(|e| e.to_string())? {
        let data = tokio::task::spawn_blocking(refdata::shipped)
            .await
            .map_err(|e| e.to_string())?;
        let sum = refdata::load(
            &db,
            &Actor::system("piazza migrate"),
            &s.app.associazione.codice_regione,
            &data,
        )
        .await
        .map_err(|e| format!("caricamento del territorio non riuscito: {e}"))?;
        eprintln!(
            "Territorio caricato: {} comuni, {} province, {} zone di allerta, {} confini.",
            sum.comuni, sum.province, sum.zone, sum.confini
        );
    }
    Ok(db)
}

async fn serve(
    db: DatabaseConnection,
    app: AppConfig,
    bind: SocketAddr,
    started: Instant,
    banner: Vec<String>,
) -> Result<(), String> {
    let config = app.clone();
    let state = AppState::new(db.clone(), app)
        .await
        .map_err(|e| e.to_string())?;
    // Polls the alert sources that publish by URL (CAP feeds, the national bulletin).
    piazza_web::allerte::poller::avvia(state.clone());
    // Delivers alerts to subscribers: the engine's workers (after putting back in the queue
    // what a previous process left in flight), then the notifier that feeds them.
    // Several processes may share the database (PostgreSQL): writes made by the others reach
    // this one's cached reads within a second, and this node's name (its host and address:
    // one process at a time can hold it) lets a restart take back what it left in flight.
    state
        .generazione
        .clone()
        .sincronizza(db.clone(), std::time::Duration::from_secs(1));
    let nodo = format!("{} {bind}", piazza_db::nodi::host());
    let motore = std::sync::Arc::new(state.motore_del_nodo(nodo)?);
    let ripresi = motore
        .avvia()
        .await
        .map_err(|e| format!("avvio degli invii non riuscito: {e}"))?;
    if ripresi > 0 {
        println!("Invii ripresi dopo un arresto: {ripresi} messaggi di nuovo in coda.");
    }
    let _ = state.motore_attivo.set(motore);
    piazza_web::allerte::notifiche::avvia(state.clone());
    // Transactional e-mail (registrations, tickets, offers) and the expiry of seat offers.
    piazza_web::kit::posta::avvia(state.db.clone(), &state.config);
    piazza_web::registrazioni::avvia(state.clone());
    let router = piazza_web::router(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("impossibile ascoltare su {bind}: {e}"))?;
    let store = piazza_db::session_store::SeaOrmStore::new(db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "session cleanup failed");
            }
        }
    });
    println!(
        "Piazza è pronta su http://{bind}/ (avviata in {} ms)",
        started.elapsed().as_millis()
    );
    for line in banner {
        println!("{line}");
    }
    let limiti = piazza_web::server::Limiti::da(&config);
    piazza_web::server::servi(listener, router, limiti, shutdown())
        .await
        .map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| e.to_string())?;
        return Ok(s.trim_end_matches(['\n', '\r']).to_owned());
    }
    let p1 = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
    let p2 = rpassword::prompt_password("Ripeti la password: ").map_err(|e| e.to_string())?;
    if p1 != p2 {
        return Err("le due password non coincidono".into());
    }
    Ok(p1)
}

async fn run(cli: Cli) -> Result<(), String> {
    let started = Instant::now();
    let settings = load_settings(&cli.config)?;
    match &cli.command {
        Command::Serve { bind } => {
            let db = prepare(&cli, &settings).await?;
            serve(db, settings.app, *bind, started, Vec::new()).await
        }
        Command::Demo { bind, scale } => {
            let db = prepare(&cli, &settings).await?;
            let mut banner = Vec::new();
            if demo::is_empty(&db).await.map_err(|e| e.to_string())? {
                let snapshot = piazza_web::territorio::store::load_snapshot(&db)
                    .await
                    .map_err(|e| e.to_string())?;
                let ctx = demo::DemoCtx {
                    db: &db,
                    config: &settings.app,
                    territorio: &snapshot,
                    scale: match scale {
                        ScaleArg::Small => demo::Scale::Small,
                        ScaleArg::Large => demo::Scale::Large,
                    },
                    actor: Actor::system("piazza demo"),
                };
                for line in demo::load(&ctx).await.map_err(|e| e.to_string())? {
                    banner.push(format!("Dati dimostrativi: {line}"));
                }
            } else {
                banner.push(
                    "Il database contiene già dati: i dati dimostrativi non sono stati ricaricati."
                        .into(),
                );
            }
            banner.push(format!(
                "Accessi dimostrativi (password «{}»):",
                demo::DEMO_PASSWORD
            ));
            for u in demo::utenti() {
                banner.push(format!("  {:<32} {}", u.email, u.ruolo));
            }
            serve(db, settings.app, *bind, started, banner).await
        }
        Command::Migrate => {
            prepare(&cli, &settings).await?;
            println!("Database aggiornato.");
            Ok(())
        }
        Command::Import(Import::Comuni {
            file,
            confini,
            zone,
        }) => {
            let db = prepare(&cli, &settings).await?;
            let read = |p: &PathBuf| {
                std::fs::read(p).map_err(|e| format!("impossibile leggere {}: {e}", p.display()))
            };
            let fail = |what: &str, e: refdata::FileErrors| {
                format!("{what} non valido, nulla è stato importato:\n{e}")
            };
            let mut data = refdata::RefData {
                comuni: refdata::parse_comuni_csv(&read(file)?)
                    .map_err(|e| fail("file dei comuni", e))?,
                ..Default::default()
            };
            if let Some(z) = zone {
                data.zone =
                    refdata::parse_zone_csv(&read(z)?).map_err(|e| fail("file delle zone", e))?;
            }
            if let Some(c) = confini {
                data.confini =
                    refdata::parse_confini(&read(c)?, "comune", "com_istat_code", "name")
                        .map_err(|e| fail("file dei confini", e))?;
            }
            let s = refdata::load(
                &db,
                &Actor::system("piazza import comuni"),
                &settings.app.associazione.codice_regione,
                &data,
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "Importati {} comuni, {} province, {} zone, {} confini.",
                s.comuni, s.province, s.zone, s.confini
            );
            Ok(())
        }
        Command::Import(Import::Amministratori { file }) => {
            let db = prepare(&cli, &settings).await?;
            let bytes = std::fs::read(file)
                .map_err(|e| format!("impossibile leggere {}: {e}", file.display()))?;
            let t = piazza_web::territorio::store::load_snapshot(&db)
                .await
                .map_err(|e| e.to_string())?;
            let parsed = piazza_web::anagrafica::dait::parse(&bytes, &t)
                .map_err(|e| format!("Il file non è stato importato, nulla è stato salvato. Righe da correggere:\n{e}"))?;
            let s = piazza_web::anagrafica::store::importa_dait(
                &db,
                &Actor::system("piazza import amministratori"),
                &parsed,
                &settings.app,
            )
            .await
            .map_err(|e| e.to_string())?;
            println!(
                "Righe: {} (altre regioni ignorate: {}). Persone nuove: {}, aggiornate: {}. Cariche nuove: {}, aggiornate: {}, invariate: {}, rimosse: {}.",
                s.righe,
                s.fuori_regione,
                s.persone_nuove,
                s.persone_aggiornate,
                s.amministratori_nuovi,
                s.amministratori_aggiornati,
                s.amministratori_invariati,
                s.amministratori_rimossi
            );
            Ok(())
        }
        Command::Import(Import::Bollettino { files }) => {
            let db = prepare(&cli, &settings).await?;
            let t = piazza_web::territorio::store::load_snapshot(&db)
                .await
                .map_err(|e| e.to_string())?;
            let actor = Actor::system("piazza import bollettino");
            for f in files {
                let (giorni, note) = piazza_web::allerte::fonti::leggi_file_bollettino(f, &t)
                    .map_err(|e| format!("{}: {e}. Nulla è stato salvato.", f.display()))?;
                for n in note {
                    println!("{}: {n}", f.display());
                }
                let esiti = piazza_web::allerte::fonti::importa_bollettino(&db, &t, &actor, giorni)
                    .await
                    .map_err(|e| e.to_string())?;
                for (d, e) in esiti {
                    let comuni: std::collections::BTreeSet<&String> =
                        d.avviso.voci.iter().flat_map(|v| &v.comuni).collect();
                    println!(
                        "{}: {} — {} comuni in allerta; {}",
                        d.avviso.chiave.1,
                        d.titolo,
                        comuni.len(),
                        piazza_web::allerte::registro::descrivi(&e)
                    );
                }
            }
            Ok(())
        }
        Command::Import(Import::Piano {
            file,
            anno,
            dry_run,
        }) => {
            let bytes = std::fs::read(file)
                .map_err(|e| format!("impossibile leggere {}: {e}", file.display()))?;
            let nome = file.file_name().and_then(|n| n.to_str());
            let regole =
                piazza_web::piano::import::Regole::da(&settings.app.piano.titoli_obiettivi);
            let limiti = piazza_office::Limiti {
                max_byte_file: 200 * 1024 * 1024,
                tempo: std::time::Duration::from_secs(600),
                ..Default::default()
            };
            let letto = piazza_web::piano::import::leggi_file(&bytes, nome, &regole, &limiti)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            println!(
                "{}: {} aree, {} obiettivi.",
                letto.titolo.as_deref().unwrap_or("Piano senza titolo"),
                letto.aree.len(),
                letto.n_obiettivi()
            );
            for (i, a) in letto.aree.iter().enumerate() {
                println!(
                    "{}. {} ({} {})",
                    i + 1,
                    a.titolo,
                    a.obiettivi.len(),
                    if a.obiettivi.len() == 1 {
                        "obiettivo"
                    } else {
                        "obiettivi"
                    }
                );
                for o in &a.obiettivi {
                    println!("   - {o}");
                }
            }
            if !letto.sezioni_senza_obiettivi.is_empty() {
                println!(
                    "Sezioni senza obiettivi, non importate: {}.",
                    letto.sezioni_senza_obiettivi.join("; ")
                );
            }
            if *dry_run {
                println!("Prova (--dry-run): nulla è stato salvato.");
                return Ok(());
            }
            let db = prepare(&cli, &settings).await?;
            piazza_web::piano::store::salva_piano_letto(
                &db,
                &Actor::system("piazza import piano"),
                *anno,
                &letto,
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("Piano {anno} salvato come bozza.");
            Ok(())
        }
        Command::User(User::Add {
            email,
            nome,
            roles,
            modulo,
            comuni,
            password_stdin,
        }) => {
            let db = prepare(&cli, &settings).await?;
            let mut grants = Vec::new();
            for r in roles {
                let (ruolo, m) = match r.split_once(':') {
                    Some((r, m)) => (r.to_owned(), Some(m.to_owned())),
                    None => (r.clone(), modulo.clone()),
                };
                if ruolo == "referente" {
                    if comuni.is_empty() {
                        return Err(
                            "il ruolo referente richiede almeno un --comune CODICE_ISTAT".into(),
                        );
                    }
                    for c in comuni {
                        grants.push(piazza_web::auth::store::NewGrant {
                            ruolo: ruolo.clone(),
                            modulo: None,
                            comune_istat: Some(c.clone()),
                        });
                    }
                } else {
                    grants.push(piazza_web::auth::store::NewGrant {
                        ruolo,
                        modulo: m,
                        comune_istat: None,
                    });
                }
            }
            let password = read_password(*password_stdin)?;
            piazza_web::auth::store::validate_new_password(&password)?;
            let hash = piazza_web::auth::store::hash_password(password)
                .await
                .map_err(|e| e.to_string())?;
            let nome = nome.clone().unwrap_or_else(|| email.clone());
            piazza_web::auth::store::upsert_user(
                &db,
                &Actor::system("piazza user add"),
                email,
                &nome,
                hash,
                &grants,
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("Utente {email} salvato.");
            Ok(())
        }
        // A tool on files: no database.
        Command::Cap(Cap::Validate { files }) => cap_validate(files),
        Command::Backup { file } => {
            let db = prepare(&cli, &settings).await?;
            if settings
                .database_url
                .as_deref()
                .is_some_and(|u| u.starts_with("postgres"))
            {
                return Err("con PostgreSQL usare pg_dump, ad esempio: pg_dump --format=custom --file=piazza.dump \"$DATABASE_URL\"".into());
            }
            if file.exists() {
                return Err(format!(
                    "{} esiste già: scegliere un altro nome",
                    file.display()
                ));
            }
            piazza_db::backup_sqlite(&db, &file.display().to_string())
                .await
                .map_err(|e| e.to_string())?;
            println!("Copia del database scritta in {}.", file.display());
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIAZZA_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("Errore: {e}");
        std::process::exit(1);
    }
}
