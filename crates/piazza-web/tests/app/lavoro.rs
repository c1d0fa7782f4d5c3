//! The unit of work under load: edits made while the notifier fans an alert out to 100,000
//! subscribers (the outbox being written in long blocks on its own connection) all succeed.
//! On SQLite a deferred transaction that reads and then writes fails at once with "database is
//! locked" when another connection holds the write lock; the unit of work opens with
//! `BEGIN IMMEDIATE` and waits for the lock instead.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{consenso, iscrizione, iscrizione_comune};
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::model::NuovaAllerta;
use piazza_web::allerte::{fonti, notifiche, store};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait};

use crate::common::{Role, TestApp};

const ISCRITTI: usize = 100_000;

/// `n` confirmed push subscribers of the comuni `comuni`, in blocks.
pub(crate) async fn iscrivi(db: &sea_orm::DatabaseConnection, n: usize, comuni: &[i64]) {
    let consenso = consenso::Entity::insert(consenso::ActiveModel {
        sha256: Set("test-lavoro".into()),
        testo: Set("consenso del test".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id;
    let ora = Utc::now();
    let txn = db.begin().await.unwrap();
    for parte in (0..n).collect::<Vec<_>>().chunks(1000) {
        let res = iscrizione::Entity::insert_many(parte.iter().map(|i| iscrizione::ActiveModel {
            canale: Set("push".into()),
            indirizzo: Set(format!("http://127.0.0.1:9/push/{i}")),
            p256dh: Set(Some("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".into())),
            auth: Set(Some("BTBZMqHH6r4Tts7J_aSIgg".into())),
            soglia: Set(1),
            rischi: Set(1 << 1),
            fine_allerta: Set(true),
            tester: Set(false),
            stato: Set(piazza_alerts::outbox::iscrizione_stato::ATTIVA.into()),
            consenso_id: Set(consenso),
            consenso_at: Set(ora),
            confermata_at: Set(Some(ora)),
            created_at: Set(ora),
            ..Default::default()
        }))
        .exec(&txn)
        .await
        .unwrap();
        let ultimo = res.last_insert_id.expect("ids of the insert");
        let primo = ultimo - parte.len() as i64 + 1;
        iscrizione_comune::Entity::insert_many(parte.iter().enumerate().map(|(k, i)| {
            iscrizione_comune::ActiveModel {
                iscrizione_id: Set(primo + k as i64),
                comune_id: Set(comuni[i % comuni.len()]),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_during_a_fan_out_of_100000_messages_all_succeed() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let comuni: Vec<&piazza_web::territorio::ComuneInfo> = t
        .comuni
        .iter()
        .filter(|c| c.zone.iter().any(|z| z == "A1" || z == "A2"))
        .collect();
    assert!(!comuni.is_empty());
    let ids: Vec<i64> = comuni.iter().map(|c| c.id).collect();
    iscrivi(&app.db, ISCRITTI, &ids).await;

    // A person to edit: read, then written (the read-to-write upgrade of a deferred
    // transaction is what failed).
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            "nome=Marta&cognome=Concorrente&categorie=staff",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let persona = r.location();
    let fse = piazza_db::entities::programma::Entity::find()
        .filter(piazza_db::entities::programma::Column::Codice.eq("POR-FSE-1420"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the seeded catalogue of programmes");

    notifiche::rileva(&app.db, &t, Utc::now()).await.unwrap();
    let ora = Utc::now();
    let doc = NuovaAllerta {
        titolo: "Allerta rossa per rischio idraulico (test)".into(),
        rischio: "idraulico".into(),
        livello: Livello::Rosso,
        inizio: ora,
        scadenza: ora + chrono::Duration::hours(12),
        comuni: comuni.iter().map(|c| c.codice_istat.clone()).collect(),
        area: "Zone A1 e A2".into(),
        descrizione: None,
        istruzioni: None,
        esercitazione: false,
    }
    .documento("test@piazza.test", ora, None);
    let fonte = fonti::fonte_operatori(&app.db).await.unwrap();
    store::ingerisci(&app.db, &t, &fonte, &Actor::system("test"), &doc)
        .await
        .unwrap();

    // The fan-out, on its own task and connection, as the notifier runs it.
    let state = app.state.clone();
    let inizio = Instant::now();
    let fan_out = tokio::spawn(async move {
        notifiche::passo(&state).await.unwrap();
        inizio.elapsed()
    });

    // The fan-out under way: its first block is in the outbox.
    while piazza_db::entities::invio::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
        == 0
        && !fan_out.is_finished()
    {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    // Edits of three domains, one after the other, until the fan-out ends. An edit started
    // while the fan-out runs meets its write lock: it must wait, not fail (SQLite's waits are
    // not fair, so it may get the lock only when the fan-out ends).
    let mut fatte = 0usize;
    let mut durante = 0usize;
    let mut piu_lenta = Duration::ZERO;
    while !fan_out.is_finished() || fatte < 4 {
        let iniziata_durante = !fan_out.is_finished();
        let t0 = Instant::now();
        let r = if fatte % 3 == 2 {
            // Checks that the code is free, then inserts: a read, then a write.
            app.post_form(
                Role::Editor,
                "/progetti/nuovo",
                &format!(
                    "codice=C-{fatte}&acronimo=C{fatte}&titolo=Progetto+{fatte}&tipo=europeo&programma={}&ruolo=capofila&stato=in_corso&data_inizio=01%2F03%2F2020&data_fine=28%2F02%2F2022&budget_totale=1000&quota_associazione=100",
                    fse.id
                ),
            )
            .await
        } else if fatte.is_multiple_of(3) {
            app.post_form(
                Role::Editor,
                &format!("{persona}/modifica"),
                &format!("nome=Marta&cognome=Concorrente{fatte}&categorie=staff"),
            )
            .await
        } else {
            app.post_form(
                Role::Editor,
                "/piano/calendario",
                &format!("data=30%2F09%2F2031&tipo=fine_legislatura&titolo=Evento+{fatte}"),
            )
            .await
        };
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "edit {fatte} during the fan-out: {}",
            r.text()
        );
        piu_lenta = piu_lenta.max(t0.elapsed());
        if iniziata_durante {
            durante += 1;
        }
        fatte += 1;
    }
    let durata = fan_out.await.unwrap();
    println!(
        "fan-out of {ISCRITTI} in {durata:?}; {fatte} edits, {durante} during it, slowest {piu_lenta:?}"
    );
    assert!(
        durante >= 1,
        "no edit started during the fan-out ({fatte} edits)"
    );
    let in_coda = piazza_db::entities::invio::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(in_coda, ISCRITTI as u64, "every subscriber got a message");
    // The last edit of the person is the one the page shows.
    let html = app.get(Role::Editor, &persona).await.text();
    let ultima = (0..fatte).rev().find(|k| k.is_multiple_of(3)).unwrap();
    assert!(html.contains(&format!("Concorrente{ultima}")), "{html}");
}
