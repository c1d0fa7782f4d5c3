//! `piazza serve` processes on one database, killed and started as users' machines are: a
//! restart after a crash resumes the fan-out; two nodes on one database notify each change
//! once, share the fan-out, and one finishes what the other left when it dies.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use piazza_alerts::outbox;
use piazza_db::entities::{invio, iscrizione, iscrizione_comune, notifica};
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::model::NuovaAllerta;
use piazza_web::allerte::{fonti, notifiche, store};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use tokio::runtime::Runtime;

use super::{out, piazza, tmpdir};

/// A push service on loopback that counts what each endpoint receives, each answer after a
/// delay the test may change.
struct Servizio {
    base: String,
    ricevuti: Arc<Mutex<HashMap<String, usize>>>,
    ritardo_ms: Arc<AtomicU64>,
}

impl Servizio {
    fn avvia(rt: &Runtime, ritardo_ms: u64) -> Self {
        let ricevuti: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let ritardo = Arc::new(AtomicU64::new(ritardo_ms));
        let (r, d) = (ricevuti.clone(), ritardo.clone());
        let base = rt.block_on(async move {
            let app = axum::Router::new().route(
                "/push/{id}",
                axum::routing::post(
                    move |axum::extract::Path(id): axum::extract::Path<String>| {
                        let (r, d) = (r.clone(), d.clone());
                        async move {
                            let ms = d.load(Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(ms)).await;
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
        });
        Self {
            base,
            ricevuti,
            ritardo_ms: ritardo,
        }
    }

    fn totale(&self) -> usize {
        self.ricevuti.lock().unwrap().values().sum()
    }

    /// Waits until every one of `n` endpoints got at least `volte` messages.
    fn attendi_tutti(&self, n: usize, volte: usize, secondi: u64) {
        let t0 = Instant::now();
        loop {
            let fatti = self
                .ricevuti
                .lock()
                .unwrap()
                .values()
                .filter(|v| **v >= volte)
                .count();
            if fatti == n {
                return;
            }
            assert!(
                t0.elapsed().as_secs() < secondi,
                "after {secondi} s only {fatti} of {n} subscribers got {volte} messages"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn attendi_totale(&self, soglia: usize, secondi: u64) {
        let t0 = Instant::now();
        while self.totale() < soglia {
            assert!(
                t0.elapsed().as_secs() < secondi,
                "after {secondi} s only {} of {soglia} delivered",
                self.totale()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `n` confirmed web-push subscribers of Lucca, each with its endpoint at the service; the
/// notifier's memory initialised (so that the next alert is a change).
async fn iscrivi(db: &DatabaseConnection, base: &str, n: usize) {
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
        .exec(db)
        .await
        .unwrap()
        .last_insert_id
    };
    for parte in (0..n).collect::<Vec<_>>().chunks(500) {
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
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    let ids: Vec<i64> = iscrizione::Entity::find()
        .all(db)
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
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    notifiche::rileva(db, &t, chrono::Utc::now()).await.unwrap();
}

fn porta_libera() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `piazza serve` on `porta`, on the SQLite database of `dir` or on `url`.
fn nodo(dir: &Path, url: Option<&str>, porta: u16, env: &[(&str, String)]) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_piazza"));
    c.arg("--data-dir")
        .arg(dir)
        .args(["serve", "--bind", &format!("127.0.0.1:{porta}")])
        .env("PIAZZA_LOG", "warn")
        // The push service of these tests listens on loopback.
        .env("PIAZZA_PUSH_LOOPBACK", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match url {
        Some(u) => c.env("DATABASE_URL", u),
        None => c.env_remove("DATABASE_URL"),
    };
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

fn attendi_in_ascolto(porta: u16) {
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", porta)).is_err() {
        assert!(
            t0.elapsed().as_secs() < 60,
            "node on {porta} never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Crash safety with real processes: `piazza serve` is killed (SIGKILL) in the middle of
/// sending an alert to thousands of web-push subscribers, then started again. Every
/// subscriber receives the alert; the only duplicates are messages that were in flight at the
/// kill (claimed and not yet recorded), which the outbox bounds.
#[test]
fn killed_in_the_middle_of_a_fan_out_it_resumes_and_loses_nobody() {
    const N: usize = 4000;
    const BLOCCO: usize = 100;
    const LOTTI: usize = 2;
    let dir = tmpdir("crash");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    let rt = Runtime::new().unwrap();
    let servizio = Servizio::avvia(&rt, 4);

    // N subscribers of Lucca, the notifier initialised, then a red alert on Lucca.
    let url = format!("sqlite://{}?mode=rwc", dir.join("piazza.db").display());
    rt.block_on(async {
        let db = piazza_db::connect(&url).await.unwrap();
        iscrivi(&db, &servizio.base, N).await;
        let state = piazza_web::AppState::new(db.clone(), piazza_web::AppConfig::default())
            .await
            .unwrap();
        let t = state.territorio.get();
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

    let porta = porta_libera();
    let env = [
        ("PIAZZA_PUSH_CONCORRENZA", "8".to_owned()),
        ("PIAZZA_INVIO_BLOCCO", BLOCCO.to_string()),
        ("PIAZZA_INVIO_LOTTI_IN_VOLO", LOTTI.to_string()),
    ];
    let mut primo = nodo(&dir, None, porta, &env);
    servizio.attendi_totale(N / 4, 60);
    primo.kill().unwrap(); // SIGKILL
    primo.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let al_kill = servizio.totale();
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

    // The same node (its name is its host and address) starts again and takes back at once
    // what it left in flight.
    let mut secondo = nodo(&dir, None, porta, &env);
    servizio.attendi_tutti(N, 1, 90);
    let (inviati, aperti) = rt.block_on(async {
        let db = piazza_db::connect(&url).await.unwrap();
        chiusi(&db).await;
        (
            conta(&db, Some(outbox::stato::INVIATO)).await,
            conta(&db, None).await - conta(&db, Some(outbox::stato::INVIATO)).await,
        )
    });
    secondo.kill().unwrap();
    secondo.wait().unwrap();
    let r = servizio.ricevuti.lock().unwrap();
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

/// Waits (up to 10 s) until no outbox row is queued or claimed: the last outcomes recorded.
async fn chiusi(db: &DatabaseConnection) {
    for _ in 0..100 {
        let aperti = invio::Entity::find()
            .filter(invio::Column::Stato.is_in([outbox::stato::IN_CODA, outbox::stato::IN_CORSO]))
            .count(db)
            .await
            .unwrap();
        if aperti == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Outbox rows in a state (or all).
async fn conta(db: &DatabaseConnection, stato: Option<&str>) -> usize {
    let mut q = invio::Entity::find();
    if let Some(s) = stato {
        q = q.filter(invio::Column::Stato.eq(s));
    }
    q.count(db).await.unwrap() as usize
}

/// The database of the two-node test: a new PostgreSQL database when `TEST_DATABASE_URL` is
/// set (its name starts with this process's id), else the SQLite file of `dir` (several
/// processes can share it too, one writer at a time).
fn database(rt: &Runtime, dir: &Path) -> (Option<String>, String) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let nome = format!("piazza_cli_{}", std::process::id());
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                let db = piazza_db::connect(&admin).await.unwrap();
                let b = db.get_database_backend();
                for sql in [
                    format!("DROP DATABASE IF EXISTS {nome} WITH (FORCE)"),
                    format!("CREATE DATABASE {nome}"),
                ] {
                    db.execute_raw(sea_orm::Statement::from_string(b, sql))
                        .await
                        .unwrap();
                }
            });
            let (base, _) = admin.rsplit_once('/').unwrap();
            let url = format!("{base}/{nome}");
            (Some(url.clone()), url)
        }
        _ => (
            None,
            format!("sqlite://{}?mode=rwc", dir.join("piazza.db").display()),
        ),
    }
}

/// A red alert on Lucca as a CAP document, from `inizio` to `fine`.
fn cap(
    id: &str,
    inizio: chrono::DateTime<chrono::Utc>,
    fine: chrono::DateTime<chrono::Utc>,
) -> String {
    let f = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{id}</identifier>
  <sender>cfr@regione.toscana.example</sender>
  <sent>{sent}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>it-IT</language>
    <category>Met</category>
    <event>Allerta rossa per rischio idraulico</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Likely</certainty>
    <eventCode><valueName>profile:IT-DPC:rischio</valueName><value>idraulico</value></eventCode>
    <onset>{onset}</onset>
    <expires>{expires}</expires>
    <headline>Piena del Serchio a Lucca</headline>
    <parameter><valueName>awareness_level</valueName><value>4; red; Extreme</value></parameter>
    <area>
      <areaDesc>Lucca</areaDesc>
      <geocode><valueName>ISTAT</valueName><value>046017</value></geocode>
    </area>
  </info>
</alert>"#,
        sent = f(chrono::Utc::now()),
        onset = f(inizio),
        expires = f(fine),
    )
}

/// POSTs a CAP document to a node's API; returns the status line and the body.
fn invia_cap(porta: u16, token: &str, xml: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", porta)).unwrap();
    write!(
        s,
        "POST /api/allerte/cap HTTP/1.1\r\nHost: 127.0.0.1:{porta}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/cap+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
        xml.len()
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    r
}

/// Two `piazza serve` on one database (PostgreSQL in CI). An alert raised through node A that
/// starts now and ends seconds later: both notifiers wake at its end, and each change of state
/// gives one notification; the fan-outs are shared by both nodes' workers, and every
/// subscriber gets the alert and its all-clear once. Then node A is killed in the middle of
/// the next fan-out: node B, seeing A stop beating, puts back what A held and finishes.
#[test]
fn two_nodes_notify_each_change_once_share_the_fan_out_and_one_finishes_when_the_other_dies() {
    const N: usize = 1000;
    let dir = tmpdir("nodi");
    let rt = Runtime::new().unwrap();
    let (pg, url) = database(&rt, &dir);
    let mut migrate = Command::new(env!("CARGO_BIN_EXE_piazza"));
    migrate
        .arg("--data-dir")
        .arg(&dir)
        .arg("migrate")
        .env("PIAZZA_LOG", "warn");
    match &pg {
        Some(u) => migrate.env("DATABASE_URL", u),
        None => migrate.env_remove("DATABASE_URL"),
    };
    let o = migrate.output().unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let servizio = Servizio::avvia(&rt, 10);
    let db = rt.block_on(piazza_db::connect(&url)).unwrap();
    let token = rt.block_on(async {
        iscrivi(&db, &servizio.base, N).await;
        let f = store::fonte(
            &db,
            "cfr-prova",
            "Centro funzionale (prova)",
            fonti::tipo::CAP_API,
        )
        .await
        .unwrap();
        fonti::nuovo_token(&db, &piazza_db::audit::Actor::system("test"), f.id)
            .await
            .unwrap()
            .1
    });

    let env = [
        ("PIAZZA_PUSH_CONCORRENZA", "2".to_owned()),
        ("PIAZZA_INVIO_BLOCCO", "50".to_owned()),
        ("PIAZZA_INVIO_LOTTI_IN_VOLO", "2".to_owned()),
        ("PIAZZA_NODO_PERSO_SECONDI", "5".to_owned()),
    ];
    let (porta_a, porta_b) = (porta_libera(), porta_libera());
    let mut a = nodo(&dir, pg.as_deref(), porta_a, &env);
    let mut b = nodo(&dir, pg.as_deref(), porta_b, &env);
    attendi_in_ascolto(porta_a);
    attendi_in_ascolto(porta_b);

    // Raised through node A, over in 12 seconds.
    let ora = chrono::Utc::now();
    let risposta = invia_cap(
        porta_a,
        &token,
        &cap("prova-nodi-1", ora, ora + chrono::Duration::seconds(12)),
    );
    assert!(risposta.starts_with("HTTP/1.1 201"), "{risposta}");
    servizio.attendi_tutti(N, 1, 60);
    // The end: both notifiers wake at the same instant.
    servizio.attendi_tutti(N, 2, 60);
    std::thread::sleep(Duration::from_secs(3));
    let (notifiche_fatte, nodi_al_lavoro) = rt.block_on(async {
        chiusi(&db).await;
        let n = notifica::Entity::find()
            .filter(notifica::Column::Esercitazione.eq(false))
            .count(&db)
            .await
            .unwrap();
        let mut nodi: Vec<Option<i64>> = invio::Entity::find()
            .filter(invio::Column::Stato.eq(outbox::stato::INVIATO))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.nodo_id)
            .collect();
        nodi.sort();
        nodi.dedup();
        (n, nodi)
    });
    assert_eq!(notifiche_fatte, 2, "the alert and its end, once each");
    {
        let r = servizio.ricevuti.lock().unwrap();
        assert_eq!(r.len(), N);
        let diversi: Vec<(&String, &usize)> = r.iter().filter(|(_, n)| **n != 2).collect();
        assert!(
            diversi.is_empty(),
            "not twice: {:?}",
            &diversi[..diversi.len().min(5)]
        );
    }
    assert_eq!(
        nodi_al_lavoro.len(),
        2,
        "both nodes delivered: {nodi_al_lavoro:?}"
    );

    // The next alert; node A dies a quarter of the way through.
    servizio.ritardo_ms.store(20, Ordering::Relaxed);
    let prima = servizio.totale();
    let ora = chrono::Utc::now();
    let risposta = invia_cap(
        porta_a,
        &token,
        &cap("prova-nodi-2", ora, ora + chrono::Duration::hours(6)),
    );
    assert!(risposta.starts_with("HTTP/1.1 201"), "{risposta}");
    servizio.attendi_totale(prima + N / 4, 60);
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap();
    let al_kill = servizio.totale() - prima;
    let id_a: i64 = rt.block_on(async {
        use sea_orm::ConnectionTrait;
        let r = db
            .query_one_raw(piazza_db::stmt(
                &db,
                "SELECT id FROM nodi WHERE nome LIKE $1",
                vec![format!("% 127.0.0.1:{porta_a}").into()],
            ))
            .await
            .unwrap()
            .expect("node A registered");
        r.try_get("", "id").unwrap()
    });
    let in_volo_a = rt.block_on(async {
        invio::Entity::find()
            .filter(invio::Column::Stato.eq(outbox::stato::IN_CORSO))
            .filter(invio::Column::NodoId.eq(id_a))
            .count(&db)
            .await
            .unwrap() as usize
    });
    assert!(al_kill < N, "the kill came too late to prove anything");
    servizio.attendi_tutti(N, 3, 90);
    let inviati = rt.block_on(async {
        chiusi(&db).await;
        conta(&db, Some(outbox::stato::INVIATO)).await
    });
    b.kill().unwrap();
    b.wait().unwrap();
    let r = servizio.ricevuti.lock().unwrap();
    let doppi: usize = r.values().map(|n| n - 3).sum();
    assert_eq!(inviati, 3 * N, "every row of the three fan-outs sent");
    assert!(
        doppi <= in_volo_a,
        "{doppi} duplicates but node A held only {in_volo_a} at its death"
    );
    eprintln!(
        "two nodes: {al_kill} of {N} delivered before node A's SIGKILL, {in_volo_a} held by A, {doppi} sent twice"
    );
    drop(r);
    if let Some(u) = pg {
        rt.block_on(async {
            use sea_orm::ConnectionTrait;
            db.close().await.ok();
            let admin = piazza_db::connect(&std::env::var("TEST_DATABASE_URL").unwrap())
                .await
                .unwrap();
            let nome = u.rsplit('/').next().unwrap().to_owned();
            let _ = admin
                .execute_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("DROP DATABASE IF EXISTS {nome} WITH (FORCE)"),
                ))
                .await;
        });
    }
}
