//! The `piazza` binary driven as a user would: real processes on a temporary data directory.
//! (These run on SQLite; the database layer itself is tested on both backends in piazza-web.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(name)
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("piazza-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn piazza(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_piazza"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("PIAZZA_LOG", "warn");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run piazza");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn migrate_loads_the_territory_and_import_amministratori_is_idempotent() {
    let dir = tmpdir("import");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Territorio caricato: 273 comuni, 10 province, 26 zone di allerta"));

    let sample = data("amministratori-comunali-dait-sample-provincia-firenze.csv");
    let o = piazza(
        &dir,
        &["import", "amministratori", sample.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Righe: 40"), "{}", out(&o));
    assert!(out(&o).contains("Cariche nuove: 40, aggiornate: 0, invariate: 0, rimosse: 0"));
    let o = piazza(
        &dir,
        &["import", "amministratori", sample.to_str().unwrap()],
        None,
    );
    assert!(out(&o).contains("Persone nuove: 0, aggiornate: 0. Cariche nuove: 0, aggiornate: 0, invariate: 40, rimosse: 0."), "{}", out(&o));

    // One broken date: rejected with its line, exit status non-zero.
    let text = std::fs::read_to_string(&sample).unwrap();
    let broken = text.replacen("\"31/05/1989\"", "\"31/13/1989\"", 1);
    let bad = dir.join("rotto.csv");
    std::fs::write(&bad, broken).unwrap();
    let o = piazza(
        &dir,
        &["import", "amministratori", bad.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("riga 4: data di nascita «31/13/1989» non valida"),
        "{}",
        out(&o)
    );
}

#[test]
fn a_wrong_configuration_value_is_named_in_italian_and_keys_stay_flat() {
    let dir = tmpdir("config");
    let file = dir.join("piazza.toml");
    // The keys of the file are as they always were, though the configuration has sections.
    std::fs::write(
        &file,
        "login_burst = 5\nsmtp_mittente = \"Allerte <a@b.it>\"\n",
    )
    .unwrap();
    let o = piazza(&dir, &["--config", file.to_str().unwrap(), "migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    std::fs::write(&file, "login_burst = \"molti\"\n").unwrap();
    let o = piazza(&dir, &["--config", file.to_str().unwrap(), "migrate"], None);
    assert!(!o.status.success());
    let e = out(&o);
    assert!(
        e.contains("configurazione non valida") && e.contains("«login_burst»"),
        "{e}"
    );
    // The same from the environment.
    let o = Command::new(env!("CARGO_BIN_EXE_piazza"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["--config", "nessun-file.toml", "migrate"])
        .env_remove("DATABASE_URL")
        .env("PIAZZA_LOG", "warn")
        .env("PIAZZA_PUSH_LOOPBACK", "forse")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(out(&o).contains("«push_loopback»"), "{}", out(&o));
}

#[test]
fn user_add_reads_the_password_from_stdin_and_validates_roles() {
    let dir = tmpdir("user");
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "ref@comune.it",
            "--role",
            "referente",
            "--comune",
            "048017",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "x@comune.it",
            "--role",
            "editor:nessuno",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("Ruolo non valido"));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "y@comune.it",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("corta\n"),
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("almeno 10 caratteri"));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "z@comune.it",
            "--role",
            "referente",
            "--comune",
            "999999",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(out(&o).contains("Comune con codice ISTAT «999999» non trovato."));
}

#[test]
fn backup_writes_a_consistent_copy() {
    let dir = tmpdir("backup");
    assert!(piazza(&dir, &["migrate"], None).status.success());
    let target = dir.join("copia.db");
    let o = piazza(&dir, &["backup", target.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", out(&o));
    let bytes = std::fs::read(&target).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    assert!(
        bytes.len() > 1_000_000,
        "the copy holds the territory and boundaries"
    );
    // Never overwrites.
    let o = piazza(&dir, &["backup", target.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(out(&o).contains("esiste già"));
}

/// A plan written for the test, laid out like a PDF export (page header repeated, page break
/// inside an item).
const PIANO: &str = "# Programma 2031\n\n## ● Servizi ai comuni\n\nTesto.\n\n## Obiettivi\n\n- Aprire lo sportello unico per le gare;\n- Estendere la rete della fiscalità ai comuni\n\n# Programma 2031\n\ndella costa;\n\n## ● Formazione\n\n### Obiettivi\n\n1. Nuovo catalogo dei corsi.\n\n# Programma 2031\n";

#[test]
fn import_piano_dry_run_saves_nothing_then_saves_once() {
    let dir = tmpdir("piano");
    let file = dir.join("piano.md");
    std::fs::write(&file, PIANO).unwrap();
    let o = piazza(
        &dir,
        &[
            "import",
            "piano",
            file.to_str().unwrap(),
            "--anno",
            "2031",
            "--dry-run",
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("Programma 2031: 2 aree, 3 obiettivi."),
        "{text}"
    );
    assert!(text.contains("1. Servizi ai comuni (2 obiettivi)"));
    assert!(text.contains("   - Estendere la rete della fiscalità ai comuni della costa\n"));
    assert!(text.contains("2. Formazione (1 obiettivo)"));
    assert!(text.contains("nulla è stato salvato"));
    assert!(
        !dir.join("piazza.db").exists(),
        "a dry run does not even create the database"
    );

    let o = piazza(
        &dir,
        &["import", "piano", file.to_str().unwrap(), "--anno", "2031"],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Piano 2031 salvato come bozza."));
    let o = piazza(
        &dir,
        &["import", "piano", file.to_str().unwrap(), "--anno", "2031"],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("Esiste già un piano per il 2031."),
        "{}",
        out(&o)
    );
}

#[test]
fn cap_validate_prints_each_document_or_its_violations() {
    let dir = tmpdir("cap");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../piazza-cap/tests/documenti");
    let real = docs.join("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml");
    let multi = docs.join("allerta-toscana-multilingua.xml");
    let oasis: Vec<PathBuf> = [
        "oasis-a2-temporale.xml",
        "oasis-a3-terremoto-update.xml",
        "oasis-a4-amber-multilingua.xml",
    ]
    .iter()
    .map(|n| docs.join(n))
    .collect();
    let mut args = vec![
        "cap",
        "validate",
        real.to_str().unwrap(),
        multi.to_str().unwrap(),
    ];
    args.extend(oasis.iter().map(|p| p.to_str().unwrap()));
    let o = piazza(&dir, &args, None);
    assert!(o.status.success(), "{}", out(&o));
    let s = out(&o);
    assert!(s.contains(
        "valido — identificativo 2.49.0.0.380.3.IT.251119104948.038, mittente aerocnmca.1sv.prv1@aeronautica.difesa.it, inviato 2025-11-19T10:49:49+01:00, tipo Alert, 1 blocchi info"
    ), "{s}");
    assert!(s.contains("identificativo it.toscana.cfr.2026.0412"), "{s}");
    assert!(s.contains("tipo Alert, 2 blocchi info"), "{s}");
    assert!(s.contains("identificativo TRI13970876.2, mittente trinet@caltech.edu, inviato 2003-06-11T20:56:00-07:00, tipo Update, 1 blocchi info"), "{s}");
    assert!(s.contains("identificativo KAR0-0306112239-SW"), "{s}");

    let broken = dir.join("rotto.xml");
    std::fs::write(
        &broken,
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sent>2026-01-01T00:00:00Z</sent><status>Actual</status><msgType>Cancel</msgType><scope>Public</scope></alert>"#,
    )
    .unwrap();
    let o = piazza(
        &dir,
        &[
            "cap",
            "validate",
            real.to_str().unwrap(),
            broken.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success(), "an invalid document fails the command");
    let s = out(&o);
    assert!(s.contains("rotto.xml: NON valido (3 problemi)"), "{s}");
    assert!(
        s.contains("  - alert/sender: obbligatorio e mancante"),
        "{s}"
    );
    assert!(
        s.contains("  - alert/sent: data e ora «2026-01-01T00:00:00Z» non nel formato CAP"),
        "{s}"
    );
    assert!(
        s.contains("  - alert/references: un messaggio Cancel deve indicare"),
        "{s}"
    );
    assert!(s.contains("Errore: 1 documenti non validi su 2"), "{s}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_bollettino_reads_the_index_or_a_day_and_a_copy_changes_nothing() {
    let dir = tmpdir("bollettino");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    let indice = data("dpc-bollettini/20231103_1614.json");
    let o = piazza(
        &dir,
        &["import", "bollettino", indice.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let s = out(&o);
    assert!(
        s.contains("20231103_1614_tomorrow.json: file non trovato accanto all'indice"),
        "{s}"
    );
    assert!(
        s.contains("20231103_1614_today: Bollettino nazionale di criticità del 03/11/2023 (oggi, 03/11/2023) — 230 comuni in allerta; pubblicato"),
        "{s}"
    );
    let o = piazza(
        &dir,
        &["import", "bollettino", indice.to_str().unwrap()],
        None,
    );
    assert!(
        out(&o).contains("già ricevuto, nulla cambia"),
        "{}",
        out(&o)
    );
    let giorno = data("dpc-bollettini/20231115_1435_today.stripped.json");
    let o = piazza(
        &dir,
        &["import", "bollettino", giorno.to_str().unwrap()],
        None,
    );
    assert!(
        out(&o).contains("0 comuni in allerta; pubblicato"),
        "{}",
        out(&o)
    );
    // Not a bulletin: refused with the reason, nothing saved.
    let o = piazza(
        &dir,
        &["import", "bollettino", data("SOURCES.md").to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("indice del bollettino non leggibile"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("Nulla è stato salvato"), "{}", out(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Crash safety with real processes: `piazza serve` is killed (SIGKILL) in the middle of
/// sending an alert to thousands of web-push subscribers, then started again. Every
/// subscriber receives the alert; the only duplicates are messages that were in flight at the
/// kill (claimed and not yet recorded), which the outbox bounds.
#[test]
fn killed_in_the_middle_of_a_fan_out_it_resumes_and_loses_nobody() {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use piazza_alerts::outbox;
    use piazza_db::entities::{invio, iscrizione, iscrizione_comune};
    use piazza_web::allerte::bollettino::Livello;
    use piazza_web::allerte::model::NuovaAllerta;
    use piazza_web::allerte::{fonti, notifiche, store};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

    const N: usize = 4000;
    const BLOCCO: usize = 100;
    const LOTTI: usize = 2;
    let dir = tmpdir("crash");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    let rt = tokio::runtime::Runtime::new().unwrap();

    // The push service: counts what each endpoint receives, a little slowly.
    let ricevuti: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let base = {
        let r = ricevuti.clone();
        rt.block_on(async move {
            let app = axum::Router::new().route(
                "/push/{id}",
                axum::routing::post(
                    move |axum::extract::Path(id): axum::extract::Path<String>| {
                        let r = r.clone();
                        async move {
                            tokio::time::sleep(std::time::Duration::from_millis(4)).await;
                            *r.lock().unwrap().entry(id).or_default() += 1;
                            axum::http::StatusCode::CREATED
                        }
                    },
                ),
            );
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let a = l.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
            format!("http://{a}")
        })
    };

    // N subscribers of Lucca, the notifier initialised, then a red alert on Lucca.
    let url = format!("sqlite://{}?mode=rwc", dir.join("piazza.db").display());
    rt.block_on(async {
        let db = piazza_db::connect(&url).await.unwrap();
        let state = piazza_web::AppState::new(db.clone(), piazza_web::AppConfig::default())
            .await
            .unwrap();
        let t = state.territorio.get();
        let lucca = t.comune("046017").unwrap().id;
        // Any valid P-256 point will do as the browsers' keys: the service does not decrypt.
        let chiave = piazza_push::b64(state.chiavi.vapid.chiave_pubblica());
        let consenso = {
            use piazza_db::entities::consenso;
            consenso::Entity::insert(consenso::ActiveModel {
                sha256: Set("prova".into()),
                testo: Set("prova".into()),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            })
            .exec(&db)
            .await
            .unwrap()
            .last_insert_id
        };
        for parte in (0..N).collect::<Vec<_>>().chunks(500) {
            iscrizione::Entity::insert_many(parte.iter().map(|i| iscrizione::ActiveModel {
                canale: Set("push".into()),
                indirizzo: Set(format!("{base}/push/{i}")),
                p256dh: Set(Some(chiave.clone())),
                auth: Set(Some("AAAAAAAAAAAAAAAAAAAAAA".into())),
                soglia: Set(1),
                rischi: Set(511),
                fine_allerta: Set(true),
                tester: Set(false),
                stato: Set(outbox::iscrizione_stato::ATTIVA.into()),
                consenso_id: Set(consenso),
                consenso_at: Set(chrono::Utc::now()),
                confermata_at: Set(Some(chrono::Utc::now())),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            }))
            .exec_without_returning(&db)
            .await
            .unwrap();
        }
        let ids: Vec<i64> = iscrizione::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
        for parte in ids.chunks(500) {
            iscrizione_comune::Entity::insert_many(parte.iter().map(|id| {
                iscrizione_comune::ActiveModel {
                    iscrizione_id: Set(*id),
                    comune_id: Set(lucca),
                    ..Default::default()
                }
            }))
            .exec_without_returning(&db)
            .await
            .unwrap();
        }
        notifiche::rileva(&db, &t, chrono::Utc::now())
            .await
            .unwrap();
        let ora = chrono::Utc::now();
        let doc = NuovaAllerta {
            titolo: "Piena del Serchio".into(),
            rischio: "idraulico".into(),
            livello: Livello::Rosso,
            inizio: ora,
            scadenza: ora + chrono::Duration::hours(6),
            comuni: vec!["046017".into()],
            area: "Lucca".into(),
            descrizione: None,
            istruzioni: None,
            esercitazione: false,
        }
        .documento("prova@piazza.test", ora, None);
        let fonte = fonti::fonte_operatori(&db).await.unwrap();
        store::ingerisci(
            &db,
            &t,
            &fonte,
            &piazza_db::audit::Actor::system("test"),
            &doc,
        )
        .await
        .unwrap();
    });

    let porta = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let avvia = || {
        Command::new(env!("CARGO_BIN_EXE_piazza"))
            .arg("--data-dir")
            .arg(&dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{porta}")])
            .env_remove("DATABASE_URL")
            .env("PIAZZA_LOG", "warn")
            .env("PIAZZA_PUSH_CONCORRENZA", "8")
            // The push service of this test listens on loopback.
            .env("PIAZZA_PUSH_LOOPBACK", "true")
            .env("PIAZZA_INVIO_BLOCCO", BLOCCO.to_string())
            .env("PIAZZA_INVIO_LOTTI_IN_VOLO", LOTTI.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let totale = |r: &Mutex<HashMap<String, usize>>| r.lock().unwrap().values().sum::<usize>();
    let attendi = |soglia: usize, secondi: u64| {
        let t0 = std::time::Instant::now();
        while totale(&ricevuti) < soglia {
            assert!(
                t0.elapsed().as_secs() < secondi,
                "after {secondi} s only {} of {soglia} delivered",
                totale(&ricevuti)
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };

    let mut primo = avvia();
    attendi(N / 4, 60);
    primo.kill().unwrap(); // SIGKILL
    primo.wait().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let al_kill = totale(&ricevuti);
    assert!(al_kill < N, "the kill came too late to prove anything");
    // What the outbox says was in flight at the kill: claimed and not recorded.
    let in_volo = rt.block_on(async {
        let db = piazza_db::connect(&url).await.unwrap();
        invio::Entity::find()
            .filter(invio::Column::Stato.eq(outbox::stato::IN_CORSO))
            .count(&db)
            .await
            .unwrap() as usize
    });
    assert!(in_volo <= BLOCCO * LOTTI, "{in_volo} in flight");

    let mut secondo = avvia();
    let t0 = std::time::Instant::now();
    while ricevuti.lock().unwrap().len() < N {
        assert!(
            t0.elapsed().as_secs() < 90,
            "after the restart only {} of {N} subscribers reached",
            ricevuti.lock().unwrap().len()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Let the last outcomes be recorded, then stop.
    let (inviati, aperti) = rt.block_on(async {
        let db = piazza_db::connect(&url).await.unwrap();
        for _ in 0..100 {
            let aperti = invio::Entity::find()
                .filter(
                    invio::Column::Stato.is_in([outbox::stato::IN_CODA, outbox::stato::IN_CORSO]),
                )
                .count(&db)
                .await
                .unwrap();
            if aperti == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let inviati = invio::Entity::find()
            .filter(invio::Column::Stato.eq(outbox::stato::INVIATO))
            .count(&db)
            .await
            .unwrap();
        let aperti = invio::Entity::find()
            .filter(invio::Column::Stato.ne(outbox::stato::INVIATO))
            .count(&db)
            .await
            .unwrap();
        (inviati as usize, aperti)
    });
    secondo.kill().unwrap();
    secondo.wait().unwrap();
    let r = ricevuti.lock().unwrap();
    assert_eq!(r.len(), N, "every subscriber reached");
    assert_eq!(inviati, N, "one outbox row per subscriber, all sent");
    assert_eq!(aperti, 0);
    let doppi: usize = r.values().map(|n| n - 1).sum();
    assert!(
        doppi <= in_volo,
        "{doppi} duplicates but only {in_volo} were in flight at the kill ({al_kill} delivered before it)"
    );
    eprintln!(
        "crash test: {al_kill} of {N} delivered before SIGKILL, {in_volo} in flight, {doppi} sent twice"
    );
}
