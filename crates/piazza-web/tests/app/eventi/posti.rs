//! Seats, waitlist and offers.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration, Utc};
use piazza_db::audit::Actor;
use piazza_web::AppConfig;
use piazza_web::kit::posta;
use piazza_web::registrazioni::messaggi::Avvisi;
use piazza_web::registrazioni::store as reg;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{evento, gettone, registra, registrazioni};
use crate::common::{Role, TestApp};
use crate::pari::Smtp;

fn conferma(id: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/biglietto/{id}/conferma"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_seats_five_hundred_confirmations_at_once_then_the_waitlist_moves() {
    let smtp = Smtp::avvia().await;
    let mut config = AppConfig::default();
    config.accesso.login_burst = 10_000;
    config.smtp.url = Some(piazza_web::kit::config::Segreto::new(smtp.url()));
    let app = TestApp::with_config(config).await;
    let (_, o) = evento(&app, 100, Utc::now() + Duration::days(10)).await;
    let ids = registra(&app, &o, 0, 500).await;

    // 500 confirmations sent at the same time, each a request through the router.
    let mut compiti = Vec::new();
    for id in &ids {
        let app = app.clone();
        let g = gettone(&app, *id);
        compiti.push(tokio::spawn(
            async move { app.send(conferma(&g)).await.status },
        ));
    }
    for c in compiti {
        assert_eq!(c.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let tutte = registrazioni(&app, o.id).await;
    let confermate: Vec<_> = tutte.iter().filter(|r| r.stato == "confermata").collect();
    let attesa: Vec<_> = tutte.iter().filter(|r| r.stato == "lista_attesa").collect();
    assert_eq!(confermate.len(), 100, "exactly the capacity is confirmed");
    assert_eq!(attesa.len(), 400);
    let o2 = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    assert_eq!(o2.occupati, 100);
    // Arrival order: every confirmed one arrived before every waitlisted one, positions unique.
    let max_conf = confermate.iter().filter_map(|r| r.posizione).max().unwrap();
    let min_att = attesa.iter().filter_map(|r| r.posizione).min().unwrap();
    assert!(max_conf < min_att, "{max_conf} < {min_att}");
    let pos: HashSet<i64> = tutte.iter().filter_map(|r| r.posizione).collect();
    assert_eq!(pos.len(), 500);

    // A confirmation sent again changes nothing.
    let r = app.send(conferma(&gettone(&app, confermate[0].id))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reg::offerta(&app.db, o.id).await.unwrap().unwrap().occupati,
        100
    );

    // Five confirmed cancel from their ticket: the first five of the waitlist get an offer.
    let mut primi: Vec<_> = attesa.clone();
    primi.sort_by_key(|r| r.posizione);
    for r in &confermate[..5] {
        let g = gettone(&app, r.id);
        let resp = app
            .post_form(Role::Anon, &format!("/biglietto/{g}/annulla"), "")
            .await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    }
    let dopo = registrazioni(&app, o.id).await;
    let offerti: HashSet<i64> = dopo
        .iter()
        .filter(|r| r.stato == "posto_offerto")
        .map(|r| r.id)
        .collect();
    let attesi: HashSet<i64> = primi[..5].iter().map(|r| r.id).collect();
    assert_eq!(
        offerti, attesi,
        "the first five in arrival order are promoted"
    );
    assert_eq!(
        reg::offerta(&app.db, o.id).await.unwrap().unwrap().occupati,
        100,
        "offers hold the seats"
    );

    // Their e-mails reach the SMTP server through the mail queue.
    let client = posta::client(&app.state.config).unwrap().unwrap();
    let mut inviati = 0;
    loop {
        let p = posta::consegna(&app.db, &client, Utc::now()).await.unwrap();
        assert_eq!(p.falliti, 0);
        inviati += p.inviati;
        if p.inviati == 0 {
            break;
        }
    }
    assert!(
        inviati >= 500 + 100 + 400 + 10,
        "confirmations, tickets, waitlist, cancellations, offers: {inviati}"
    );
    let messaggi = smtp.messaggi();
    let offerte: Vec<_> = messaggi
        .iter()
        .filter(|m| {
            m.intestazione("subject")
                .is_some_and(|s| s.contains("Si è liberato un posto") || s.contains("liberato"))
        })
        .collect();
    assert_eq!(offerte.len(), 5, "one offer e-mail per promoted person");
    for m in &offerte {
        let a = m.intestazione("to").unwrap_or_default();
        assert!(primi[..5].iter().any(|r| a.contains(&r.email)), "{a}");
        assert!(
            m.link("http://127.0.0.1:8080/biglietto/").is_some(),
            "the e-mail has the ticket link"
        );
    }
    let biglietti = messaggi
        .iter()
        .filter(|m| m.corpo.contains("BEGIN:VCALENDAR"))
        .count();
    assert!(
        biglietti >= 100,
        "confirmed tickets carry the calendar entry: {biglietti}"
    );

    // The first accepts; the other four let it expire: the next four get the seats.
    let g = gettone(&app, primi[0].id);
    let resp = app
        .post_form(Role::Anon, &format!("/biglietto/{g}/accetta"), "")
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.text());
    let avvisi = Avvisi::da(&app.state);
    let n = reg::scadi_offerte(
        &app.db,
        &Actor::system("test"),
        &avvisi,
        Utc::now() + Duration::hours(49),
    )
    .await
    .unwrap();
    assert_eq!(n, 4);
    let dopo = registrazioni(&app, o.id).await;
    let stato = |id: i64| dopo.iter().find(|r| r.id == id).unwrap().stato.clone();
    assert_eq!(stato(primi[0].id), "confermata");
    for r in &primi[1..5] {
        assert_eq!(stato(r.id), "scaduta");
    }
    for r in &primi[5..9] {
        assert_eq!(stato(r.id), "posto_offerto", "the next ones in order");
    }
    assert_eq!(stato(primi[9].id), "lista_attesa");
    // An expired offer cannot be accepted any more.
    let g = gettone(&app, primi[1].id);
    let resp = app
        .post_form(Role::Anon, &format!("/biglietto/{g}/accetta"), "")
        .await;
    assert_eq!(resp.status, StatusCode::CONFLICT);
    assert!(resp.text().contains("Non c"), "{}", resp.text());
    assert_eq!(
        reg::offerta(&app.db, o.id).await.unwrap().unwrap().occupati,
        100
    );
}

#[tokio::test]
async fn the_public_form_refuses_bad_input_and_a_second_registration_in_italian() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 10, Utc::now() + Duration::days(3)).await;
    let prima = app.count("registrazioni").await;
    let r = app
        .post_form(
            Role::Anon,
            &format!("/eventi/{id}/iscriviti"),
            "nome=Anna&cognome=Neri&email=anna%40&tipo_organizzazione=cittadino&consenso=1",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("Indirizzo e-mail non valido"),
        "{}",
        r.text()
    );
    let r = app
        .post_form(
            Role::Anon,
            &format!("/eventi/{id}/iscriviti"),
            "nome=Anna&cognome=Neri&email=anna%40example.org&tipo_organizzazione=cittadino",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Serve il consenso"), "{}", r.text());
    assert_eq!(app.count("registrazioni").await, prima, "nothing saved");
    assert_eq!(app.count("posta").await, 0, "nothing queued");
    let ok =
        "nome=Anna&cognome=Neri&email=Anna%40Example.org&tipo_organizzazione=cittadino&consenso=1";
    let r = app
        .post_form(Role::Anon, &format!("/eventi/{id}/iscriviti"), ok)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        app.count("posta").await,
        1,
        "the confirmation e-mail is queued"
    );
    let r = app
        .post_form(
            Role::Anon,
            &format!("/eventi/{id}/iscriviti"),
            &ok.replace("Anna%40Example", "anna%40example"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("già registrato"), "{}", r.text());
    assert_eq!(registrazioni(&app, o.id).await.len(), 1);
    // The database refuses an overbooking whatever the code does.
    let e = sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "UPDATE offerte SET occupati = capienza + 1 WHERE id = {}",
            o.id
        ),
    )
    .await;
    assert!(e.is_err(), "the CHECK constraint holds");
}

fn al_biglietto(id: &str, azione: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/biglietto/{id}/{azione}"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::empty())
        .unwrap()
}

/// One registration changed by several requests at once (a confirmation clicked again and
/// again, cancellations racing a promotion): each change is decided on fresh state under the
/// offer's lock, so the seats held always equal the registrations holding one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_registration_changed_by_requests_at_once_keeps_the_count() {
    let mut config = AppConfig::default();
    config.accesso.login_burst = 10_000;
    let app = TestApp::with_config(config).await;
    let (_, o) = evento(&app, 2, Utc::now() + Duration::days(10)).await;
    let ids = registra(&app, &o, 0, 4).await;
    let g = gettone(&app, ids[0]);
    let mut compiti = Vec::new();
    for _ in 0..8 {
        let (app, g) = (app.clone(), g.clone());
        compiti.push(tokio::spawn(
            async move { app.send(conferma(&g)).await.status },
        ));
    }
    for c in compiti {
        assert_eq!(c.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let o2 = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    assert_eq!(o2.occupati, 1, "eight clicks, one seat");
    let conferme = piazza_db::entities::posta::Entity::find()
        .filter(piazza_db::entities::posta::Column::Oggetto.starts_with("Registrazione confermata"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(conferme.len(), 1, "one confirmation e-mail");
    // The others confirm (one more seat, two waiting); then the two seated cancel twice each
    // at once while the waitlist is promoted.
    for id in &ids[1..] {
        assert_eq!(
            app.send(conferma(&gettone(&app, *id))).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let mut compiti = Vec::new();
    for id in [ids[0], ids[0], ids[1], ids[1]] {
        let (app, g) = (app.clone(), gettone(&app, id));
        compiti.push(tokio::spawn(async move {
            app.send(al_biglietto(&g, "annulla")).await.status
        }));
    }
    for c in compiti {
        assert_eq!(c.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let tutte = registrazioni(&app, o.id).await;
    let con_posto = tutte
        .iter()
        .filter(|r| matches!(r.stato.as_str(), "confermata" | "posto_offerto"))
        .count();
    let o2 = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    assert_eq!(
        con_posto, 2,
        "the two waiting were offered the seats: {tutte:?}"
    );
    assert_eq!(
        o2.occupati as usize, con_posto,
        "seats held = registrations holding one"
    );
}
