//! Several nodes on one database, inside one process: notifiers racing on the same change,
//! pollers taking the same source, workers of a node that died, caches learning of another
//! node's writes. (Two real `piazza serve` processes: the command line's tests.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use piazza_alerts::outbox;
use piazza_db::audit::Actor;
use piazza_db::entities::{invio, notifica};
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::model::NuovaAllerta;
use piazza_web::allerte::{fonti, notifiche, poller, store};
use piazza_web::kit::cache::Generazione;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::common::TestApp;

async fn ingerisci(app: &TestApp, livello: Livello, esercitazione: bool) -> i64 {
    let t = app.state.territorio.get();
    let ora = Utc::now();
    let doc = NuovaAllerta {
        titolo: "Allerta di prova per più nodi".into(),
        rischio: "idraulico".into(),
        livello,
        inizio: ora - chrono::Duration::minutes(1),
        scadenza: ora + chrono::Duration::hours(6),
        comuni: vec!["048017".into(), "048001".into()],
        area: "prova".into(),
        descrizione: None,
        istruzioni: None,
        esercitazione,
    }
    .documento("prova@piazza.test", ora, None);
    let fonte = fonti::fonte_operatori(&app.db).await.unwrap();
    store::ingerisci(&app.db, &t, &fonte, &Actor::system("test"), &doc)
        .await
        .unwrap()
        .1
        .expect("a new alert")
}

/// Four notifiers (the nodes') run at the same instant on their own connections.
async fn gara(app: &Arc<TestApp>) -> usize {
    let ora = Utc::now();
    let mut compiti = Vec::new();
    for _ in 0..4 {
        let app = app.clone();
        compiti.push(tokio::spawn(async move {
            let t = app.state.territorio.get();
            notifiche::rileva(&app.db, &t, ora).await.unwrap().len()
        }));
    }
    let mut n = 0;
    for c in compiti {
        n += c.await.unwrap();
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notifiers_of_several_nodes_racing_on_one_change_make_one_notification() {
    let app = TestApp::new().await;
    // The first pass only remembers the state (several at once must agree on it too).
    assert_eq!(gara(&app).await, 0);
    ingerisci(&app, Livello::Arancione, false).await;
    assert_eq!(gara(&app).await, 1, "one notification for the change");
    assert_eq!(gara(&app).await, 0, "and nothing more after it");
    let esercitazione = ingerisci(&app, Livello::Rosso, true).await;
    assert_eq!(gara(&app).await, 1, "the exercise, notified once");
    let tutte = notifica::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(tutte.len(), 2);
    assert_eq!(
        tutte
            .iter()
            .filter(|n| n.esercitazione && n.allerta_id == Some(esercitazione))
            .count(),
        1
    );
    // The state change carries the first generation; the exercise none.
    let generazioni: Vec<Option<i64>> = tutte.iter().map(|n| n.generazione).collect();
    assert!(generazioni.contains(&Some(1)) && generazioni.contains(&None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_source_due_is_taken_by_one_poller_at_a_time() {
    let app = TestApp::new().await;
    let fonte = fonti::fonte_operatori(&app.db).await.unwrap();
    let ora = Utc::now();
    let mut compiti = Vec::new();
    for _ in 0..4 {
        let (db, f) = (app.db.clone(), fonte.clone());
        compiti.push(tokio::spawn(async move {
            poller::prendi(&db, &f, ora).await.unwrap()
        }));
    }
    let mut prese = 0;
    for c in compiti {
        prese += usize::from(c.await.unwrap());
    }
    assert_eq!(prese, 1, "one poller takes the source");
    // Taken, it is not due again until its lease ends.
    assert!(
        !poller::prendi(&app.db, &fonte, ora + chrono::Duration::seconds(60))
            .await
            .unwrap()
    );
    assert!(
        poller::prendi(&app.db, &fonte, ora + chrono::Duration::seconds(121))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_claimed_by_a_node_that_stopped_beating_go_back_in_the_queue() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let firenze = t.comune("048017").unwrap().id;
    crate::lavoro::iscrivi(&app.db, 30, &[firenze]).await;
    notifiche::rileva(&app.db, &t, Utc::now()).await.unwrap();
    ingerisci(&app, Livello::Rosso, false).await;
    notifiche::passo(&app.state).await.unwrap();

    let ora = Utc::now();
    let db = &app.db;
    let (a, _) = piazza_db::nodi::registra(db, "nodo A", ora).await.unwrap();
    let (b, _) = piazza_db::nodi::registra(db, "nodo B", ora).await.unwrap();
    let di_a = outbox::prenota(db, "push", 10, ora, a).await.unwrap();
    let di_b = outbox::prenota(db, "push", 10, ora, b).await.unwrap();
    assert_eq!((di_a.len(), di_b.len()), (10, 10));
    let in_corso = |nodo: i64| {
        invio::Entity::find()
            .filter(invio::Column::Stato.eq(outbox::stato::IN_CORSO))
            .filter(invio::Column::NodoId.eq(nodo))
            .count(db)
    };
    assert_eq!(in_corso(a).await.unwrap(), 10);

    // Both beating: B takes nothing of A's.
    let limite = ora - chrono::Duration::seconds(20);
    assert_eq!(outbox::riprendi(db, b, limite, &[]).await.unwrap(), 0);
    // A stops beating: 20 seconds later B takes its claims back to the queue, not its own.
    piazza_db::nodi::batti(db, b, ora + chrono::Duration::seconds(25))
        .await
        .unwrap();
    let limite = ora + chrono::Duration::seconds(5);
    assert_eq!(
        piazza_db::nodi::persi(db, b, limite).await.unwrap(),
        vec![a]
    );
    assert_eq!(outbox::riprendi(db, b, limite, &[]).await.unwrap(), 10);
    assert_eq!(in_corso(a).await.unwrap(), 0);
    assert_eq!(in_corso(b).await.unwrap(), 10);
    // A process starting again under B's name takes B's claims at once.
    let (b2, precedenti) = piazza_db::nodi::registra(db, "nodo B", ora).await.unwrap();
    assert_eq!(precedenti, vec![b]);
    assert_eq!(
        outbox::riprendi(db, b2, ora, &precedenti).await.unwrap(),
        10
    );
    let in_coda = invio::Entity::find()
        .filter(invio::Column::Stato.eq(outbox::stato::IN_CODA))
        .count(db)
        .await
        .unwrap();
    assert_eq!(in_coda, 30, "every message is queued again, none lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_node_reaches_the_caches_of_another_within_seconds() {
    let app = TestApp::new().await;
    let a = Arc::new(Generazione::default());
    let b = Arc::new(Generazione::default());
    a.clone()
        .sincronizza(app.db.clone(), Duration::from_millis(200));
    b.clone()
        .sincronizza(app.db.clone(), Duration::from_millis(200));
    // Both have read the counter once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let prima = b.current();
    let attesa = b.cambiata();
    tokio::pin!(attesa);
    attesa.as_mut().enable();
    let t0 = Instant::now();
    a.bump();
    tokio::time::timeout(Duration::from_secs(5), attesa)
        .await
        .expect("node B sees node A's write");
    assert!(b.current() > prima);
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn the_desk_sees_the_nodes_in_service_and_metrics_count_them() {
    let app = TestApp::new().await;
    let ora = Utc::now();
    let db = &app.db;
    let (vivo, _) = piazza_db::nodi::registra(db, "server-1 10.0.0.5:8080", ora)
        .await
        .unwrap();
    let (morto, _) = piazza_db::nodi::registra(db, "server-2 10.0.0.6:8080", ora)
        .await
        .unwrap();
    // The second stopped beating a minute ago (beyond the 20 seconds of the default).
    use sea_orm::ConnectionTrait;
    db.execute_raw(piazza_db::stmt(
        db,
        "UPDATE nodi SET vivo_at = $1 WHERE id = $2",
        vec![
            piazza_db::al_ms(ora - chrono::Duration::minutes(1)).into(),
            morto.into(),
        ],
    ))
    .await
    .unwrap();
    assert!(vivo != morto);
    let r = app
        .get(crate::common::Role::Viewer, "/allerte/invii/stato")
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    let pagina = r.text();
    assert!(
        pagina.contains("Nodi in servizio (1): server-1 10.0.0.5:8080"),
        "{pagina}"
    );
    assert!(!pagina.contains("server-2"));
    let m = app.get(crate::common::Role::Admin, "/metrics").await.text();
    assert!(m.contains("\npiazza_nodi 1\n"), "{m}");
}
