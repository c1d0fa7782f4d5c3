//! Quotas per type of organisation, the satisfaction survey, the badge sheet, the links to
//! the plan and to a project, and the map's figures.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{posta, presenza};
use piazza_db::lavoro::Lavoro;
use piazza_web::registrazioni::messaggi::Avvisi;
use piazza_web::registrazioni::store as reg;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::{evento, gettone, persona};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn a_type_quota_sends_the_extra_ones_to_the_waitlist_and_promotes_within_it() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 10, Utc::now() + Duration::days(3)).await;
    // The organiser sets at most one seat for companies, from the form.
    let form = app
        .get(Role::Editor, &format!("/eventi/{id}/modifica"))
        .await
        .text();
    assert!(
        form.contains("quota_tipo_impresa"),
        "the form offers the quota"
    );
    let corpo = |quota: &str| {
        format!(
            "titolo=Convegno+sui+piccoli+comuni&tipo=convegno&descrizione=Prova\
             &link_online=https%3A%2F%2Fwebinar.example.org%2Fx\
             &sessioni=10%2F10%2F2030+10%3A00-12%3A00+Plenaria&capienza=10&ore_offerta=48\
             &stato=pubblicato&quota_tipo_impresa={quota}"
        )
    };
    let bad = app
        .post_form(
            Role::Editor,
            &format!("/eventi/{id}/modifica"),
            &corpo("tanti"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("Impresa o professionista: scrivi un numero"),
        "{}",
        bad.text()
    );
    let o_ora = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    assert_eq!(o_ora.quote_tipo, "{}", "nothing saved");
    // Registrations closing before they open: refused.
    let date = format!(
        "{}&apertura=10%2F09%2F2030&chiusura=01%2F09%2F2030",
        corpo("1")
    );
    let bad = app
        .post_form(Role::Editor, &format!("/eventi/{id}/modifica"), &date)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("precede l&#39;apertura"),
        "{}",
        bad.text()
    );
    let ok = app
        .post_form(Role::Editor, &format!("/eventi/{id}/modifica"), &corpo("1"))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let o = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    assert_eq!(reg::quote_tipo(&o).get("impresa"), Some(&1));
    let form = app
        .get(Role::Editor, &format!("/eventi/{id}/modifica"))
        .await
        .text();
    assert!(
        form.contains(r#"name="quota_tipo_impresa" value="1""#),
        "the form shows it again"
    );

    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    let mut ids = Vec::new();
    for (i, tipo) in [(1, "impresa"), (2, "impresa"), (3, "cittadino")] {
        let mut p = persona(i);
        p.tipo_organizzazione = tipo.into();
        let (r, esito) = reg::registra(&uow, &o, p, true, &avvisi, Utc::now())
            .await
            .unwrap();
        ids.push((r.id, esito));
    }
    uow.conferma().await.unwrap();
    use reg::EsitoConferma::*;
    assert_eq!(ids[0].1, Some(Confermata));
    assert_eq!(
        ids[1].1,
        Some(ListaAttesa),
        "the second company waits: quota full"
    );
    assert_eq!(
        ids[2].1,
        Some(Confermata),
        "a citizen still gets a free seat"
    );
    // The first company cancels: the second is offered the seat.
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    reg::annulla(&uow, ids[0].0, &avvisi, Utc::now())
        .await
        .unwrap();
    uow.conferma().await.unwrap();
    let r = reg::registrazione(&app.db, ids[1].0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.stato, "posto_offerto");
}

async fn presente(app: &TestApp, r: i64, sessione: i64, at: chrono::DateTime<Utc>) {
    presenza::ActiveModel {
        registrazione_id: Set(r),
        sessione_id: Set(Some(sessione)),
        verso: Set("entrata".into()),
        at: Set(at),
        nonce: Set(format!("t-{r}")),
        utente_id: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_survey_goes_to_who_attended_once_and_its_answers_are_checked() {
    let app = TestApp::new().await;
    // An event that ended an hour ago: one attended, one did not.
    let inizio = Utc::now() - Duration::hours(3);
    let (id, o) = evento(&app, 10, inizio).await;
    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    // Registered the day before.
    let ieri = inizio - Duration::days(1);
    let (venuto, _) = reg::registra(&uow, &o, persona(1), true, &avvisi, ieri)
        .await
        .unwrap();
    let (assente, _) = reg::registra(&uow, &o, persona(2), true, &avvisi, ieri)
        .await
        .unwrap();
    // Now the event is over: registrations are closed.
    let chiuso = reg::registra(&uow, &o, persona(3), true, &avvisi, Utc::now()).await;
    assert!(
        matches!(&chiuso, Err(piazza_web::kit::error::AppError::Conflict(m)) if m.contains("conclusa")),
        "{chiuso:?}"
    );
    uow.conferma().await.unwrap();
    let sessione = reg::sessioni_di(&app.db, o.id).await.unwrap()[0].id;
    presente(&app, venuto.id, sessione, inizio + Duration::minutes(5)).await;
    posta::Entity::delete_many().exec(&app.db).await.unwrap();

    // The ticker sends it once, to the attendee only.
    for _ in 0..2 {
        let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
        reg::invia_questionari(&uow, &avvisi, Utc::now())
            .await
            .unwrap();
        uow.conferma().await.unwrap();
    }
    let mail = posta::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(mail.len(), 1, "one message: {mail:?}");
    assert_eq!(mail[0].a, "persona1@example.org");
    let g = gettone(&app, venuto.id);
    assert!(
        mail[0]
            .testo
            .contains(&format!("/biglietto/{g}/questionario"))
    );
    assert!(
        reg::offerta(&app.db, o.id)
            .await
            .unwrap()
            .unwrap()
            .questionario_at
            .is_some()
    );
    // A future event sends nothing yet.
    let (_, futuro) = evento(&app, 10, Utc::now() + Duration::days(1)).await;
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    assert_eq!(
        reg::invia_questionari(&uow, &avvisi, Utc::now())
            .await
            .unwrap(),
        0
    );
    uow.conferma().await.unwrap();
    assert!(
        reg::offerta(&app.db, futuro.id)
            .await
            .unwrap()
            .unwrap()
            .questionario_at
            .is_none()
    );

    let biglietto = app.get(Role::Anon, &format!("/biglietto/{g}")).await.text();
    assert!(
        biglietto.contains("Rispondi al questionario"),
        "{biglietto}"
    );
    let url = format!("/biglietto/{g}/questionario");
    let pagina = app.get(Role::Anon, &url).await;
    assert_eq!(pagina.status, StatusCode::OK);
    assert!(pagina.text().contains("Nel complesso"));
    // A mark out of range: an Italian message, nothing saved.
    let bad = app
        .post_form(Role::Anon, &url, "generale=7&contenuti=4&organizzazione=5")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("Scegli un voto da 1 a 5"),
        "{}",
        bad.text()
    );
    assert_eq!(app.count("questionari").await, 0);
    let ok = app
        .post_form(
            Role::Anon,
            &url,
            "generale=5&contenuti=4&organizzazione=3&commento=Ottima+sala",
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let again = app
        .post_form(Role::Anon, &url, "generale=1&contenuti=1&organizzazione=1")
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("già risposto"));
    assert_eq!(app.count("questionari").await, 1);
    // Who did not attend cannot answer.
    let g2 = gettone(&app, assente.id);
    let no = app
        .post_form(
            Role::Anon,
            &format!("/biglietto/{g2}/questionario"),
            "generale=5&contenuti=5&organizzazione=5",
        )
        .await;
    assert_eq!(no.status, StatusCode::CONFLICT);
    assert!(
        no.text().contains("per chi ha partecipato"),
        "{}",
        no.text()
    );
    // The organisers see the averages and the comment; a referente does not.
    let p = app
        .get(Role::Editor, &format!("/eventi/{id}/partecipanti"))
        .await
        .text();
    assert!(p.contains("1 risposte su 1 partecipanti"), "{p}");
    assert!(p.contains("<td>presente, 1 ora e 55 minuti</td>"), "{p}");
    assert!(p.contains("<td>assente</td>"), "{p}");
    assert!(
        p.contains("<strong>5,0</strong>") && p.contains("Ottima sala"),
        "{p}"
    );
    let p = app
        .get(Role::Referente, &format!("/eventi/{id}/partecipanti"))
        .await
        .text();
    assert!(!p.contains("Ottima sala"));
}

#[tokio::test]
async fn the_badge_sheet_holds_who_has_a_seat_and_is_for_the_organisers() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 9, Utc::now() + Duration::days(3)).await;
    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    for i in 1..=10 {
        reg::registra(&uow, &o, persona(i), true, &avvisi, Utc::now())
            .await
            .unwrap();
    }
    uow.conferma().await.unwrap();
    let url = format!("/eventi/{id}/cartellini.pdf");
    let pdf = app.get(Role::Editor, &url).await;
    assert_eq!(pdf.status, StatusCode::OK);
    crate::pdfa::verifica_pdfa(&pdf.body);
    let doc = lopdf::Document::load_mem(&pdf.body).expect("a PDF a reader opens");
    assert_eq!(doc.get_pages().len(), 2, "nine badges: eight a page");
    let testo = doc.extract_text(&[1, 2]).unwrap_or_default();
    for i in 1..=9 {
        assert!(
            testo.contains(&format!("Nome{i} Cognome{i}")),
            "badge {i} in {testo}"
        );
    }
    assert!(
        !testo.contains("Nome10 Cognome10"),
        "the waitlisted one has no badge"
    );
    for (ruolo, atteso) in [
        (Role::Anon, StatusCode::SEE_OTHER),
        (Role::Viewer, StatusCode::FORBIDDEN),
    ] {
        assert_eq!(app.get(ruolo, &url).await.status, atteso, "{ruolo:?}");
    }
}

#[tokio::test]
async fn an_event_links_to_a_plan_objective_and_to_its_project() {
    let app = TestApp::new().await;
    let (id, _) = evento(&app, 10, Utc::now() + Duration::days(3)).await;
    let plan = piazza_web::piano::import::leggi(
        "# Piano 2031\n\n## Area\n\n### Obiettivi\n\n- Andare nei territori\n",
    );
    piazza_web::piano::store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &plan)
        .await
        .unwrap();
    let ob = piazza_db::entities::obiettivo::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let pagina = app.get(Role::Editor, &format!("/eventi/{id}")).await.text();
    assert!(pagina.contains("Collega a un obiettivo del piano"));
    let url = format!("/eventi/{id}/obiettivi");
    let corpo = format!("obiettivo={}", ob.public_id);
    assert_eq!(
        app.post_form(Role::Referente, &url, &corpo).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post_form(Role::Editor, &url, &corpo).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        app.get(Role::Anon, &format!("/eventi/{id}"))
            .await
            .text()
            .contains("Andare nei territori")
    );
    // The objective's page lists the event, through the registry of linkable kinds.
    assert!(
        app.get(Role::Editor, &format!("/piano/obiettivi/{}", ob.public_id))
            .await
            .text()
            .contains("Convegno sui piccoli comuni")
    );

    // The project: typed by its acronym; an unknown one is refused with nothing saved.
    let g = crate::progetti::programma(&app, "ERASMUS+").await;
    let d = |y, m, g| NaiveDate::from_ymd_opt(y, m, g).unwrap();
    let p = piazza_web::progetti::store::crea(
        &app.db,
        &Actor::system("test"),
        &crate::progetti::dati("P-EV-1", "TERRITORI", g.id, d(2030, 1, 1), d(2032, 1, 1)),
        None,
    )
    .await
    .unwrap();
    let corpo = |progetto: &str| {
        format!(
            "titolo=Convegno+sui+piccoli+comuni&tipo=convegno&descrizione=Prova\
             &link_online=https%3A%2F%2Fwebinar.example.org%2Fx\
             &sessioni=10%2F10%2F2030+10%3A00-12%3A00+Plenaria&capienza=10&ore_offerta=48\
             &stato=pubblicato&progetto={progetto}"
        )
    };
    let modifica = format!("/eventi/{id}/modifica");
    let bad = app
        .post_form(Role::Editor, &modifica, &corpo("NESSUNO"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("Nessun progetto corrisponde"),
        "{}",
        bad.text()
    );
    let ok = app
        .post_form(Role::Editor, &modifica, &corpo("territori"))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let e = piazza_web::eventi::store::scheda(&app.db, &id)
        .await
        .unwrap();
    assert_eq!(e.e.progetto.as_deref(), Some(p.public_id.as_str()));
    let pagina = app.get(Role::Viewer, &format!("/eventi/{id}")).await.text();
    assert!(
        pagina.contains(&format!("/progetti/{}", p.public_id)),
        "{pagina}"
    );
    // Who may not see projects does not see the link.
    let pagina = app.get(Role::Anon, &format!("/eventi/{id}")).await.text();
    assert!(!pagina.contains(&format!("/progetti/{}", p.public_id)));
}

#[tokio::test]
async fn the_map_counts_participants_per_province_and_type() {
    let app = TestApp::new().await;
    let inizio = Utc::now() - Duration::days(30);
    let (_, o) = evento(&app, 10, inizio).await;
    let firenze = app.state.territorio.get().comune("048017").unwrap().id;
    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    for (i, tipo) in [(1, "comune"), (2, "comune"), (3, "unione")] {
        let mut p = persona(i);
        p.tipo_organizzazione = tipo.into();
        p.comune_id = Some(firenze);
        p.organizzazione = Some("Ente".into());
        // Registered before the event.
        reg::registra(&uow, &o, p, true, &avvisi, inizio - Duration::days(2))
            .await
            .unwrap();
    }
    uow.conferma().await.unwrap();
    assert_eq!(
        piazza_db::entities::registrazione::Entity::find()
            .filter(piazza_db::entities::registrazione::Column::Stato.eq("confermata"))
            .count(&app.db)
            .await
            .unwrap(),
        3
    );
    let m = app.get(Role::Anon, "/eventi/mappa").await.text();
    let riga = m
        .split("<tr>")
        .find(|r| r.contains("<td>Firenze</td>"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        riga.ends_with("<td class=\"text-end\">3</td></tr>"),
        "{riga}"
    );
    assert!(
        m.contains("<td>Comune</td><td class=\"text-end\">2</td>"),
        "{m}"
    );
    assert!(
        m.contains("<td>Unione di comuni</td><td class=\"text-end\">1</td>"),
        "{m}"
    );
    // A past year chosen: its figures; a year with no events falls back to twelve months.
    use chrono::Datelike;
    let anno = (Utc::now() - Duration::days(30)).year();
    let m = app
        .get(Role::Anon, &format!("/eventi/mappa?anno={anno}"))
        .await
        .text();
    assert!(
        m.contains(&format!("confermati nel {anno}, per tipo")),
        "{m}"
    );
    assert!(m.contains("<td>Comune</td><td class=\"text-end\">2</td>"));
    let m = app.get(Role::Anon, "/eventi/mappa?anno=1990").await.text();
    assert!(m.contains("negli ultimi 12 mesi"));
}

#[tokio::test]
async fn a_workshop_with_its_own_seats_is_never_overbooked_and_follows_the_event_seat() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 2, Utc::now() + Duration::days(3)).await;
    // The organiser adds a workshop with three seats of its own.
    let modifica = format!("/eventi/{id}/modifica");
    let corpo = |posti: &str| {
        format!(
            "titolo=Convegno+sui+piccoli+comuni&tipo=convegno&descrizione=Prova\
             &link_online=https%3A%2F%2Fwebinar.example.org%2Fx\
             &sessioni=10%2F10%2F2030+10%3A00-12%3A00+Plenaria%0D%0A\
             10%2F10%2F2030+14%3A00-16%3A00+Laboratorio+%40+Sala+2+%5B{posti}+posti%5D\
             &capienza=2&ore_offerta=48&stato=pubblicato"
        )
    };
    let ok = app.post_form(Role::Editor, &modifica, &corpo("3")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let sessioni = reg::sessioni_di(&app.db, o.id).await.unwrap();
    assert_eq!(sessioni.len(), 2);
    let lab = sessioni[1].clone();
    assert_eq!(lab.capienza, Some(3));
    let pagina = app.get(Role::Anon, &format!("/eventi/{id}")).await.text();
    assert!(
        pagina.contains(&format!(r#"name="sessione_{}""#, lab.id)),
        "{pagina}"
    );
    assert!(pagina.contains("3 posti liberi"));

    // Two people register from the public form choosing the workshop; a third waits for the
    // event and holds no workshop seat until it gets the event's seat.
    let o = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    let avvisi = Avvisi::da(&app.state);
    for i in 1..=3 {
        let r = app
            .post_form(
                Role::Anon,
                &format!("/eventi/{id}/iscriviti"),
                &format!(
                    "nome=N{i}&cognome=C{i}&email=p{i}%40example.org&tipo_organizzazione=cittadino\
                     &consenso=1&sessione_{}=1",
                    lab.id
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
    let regs = super::registrazioni(&app, o.id).await;
    for r in &regs {
        let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
        reg::conferma_email(&uow, r.id, &avvisi, Utc::now())
            .await
            .unwrap();
        uow.conferma().await.unwrap();
    }
    let occupati = |app: std::sync::Arc<TestApp>| async move {
        reg::sessioni_di(&app.db, o.id).await.unwrap()[1].occupati
    };
    assert_eq!(
        occupati(app.clone()).await,
        2,
        "the waitlisted one holds no workshop seat"
    );
    let scelte = reg::scelte_sessioni(&app.db, o.id, None).await.unwrap();
    assert_eq!(scelte.values().filter(|v| v[0].1).count(), 2);
    // The first cancels: the workshop seat goes back, and follows the promoted person.
    let primo = regs.iter().min_by_key(|r| r.id).unwrap().id;
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    reg::annulla(&uow, primo, &avvisi, Utc::now())
        .await
        .unwrap();
    uow.conferma().await.unwrap();
    assert_eq!(
        occupati(app.clone()).await,
        2,
        "released by one, taken by the promoted one"
    );
    let terzo = regs.iter().max_by_key(|r| r.id).unwrap();
    let g = gettone(&app, terzo.id);
    let biglietto = app.get(Role::Anon, &format!("/biglietto/{g}")).await.text();
    assert!(
        biglietto.contains("Laboratorio: <strong>posto riservato</strong>"),
        "{biglietto}"
    );

    // The workshop cannot shrink below the seats held; a full one refuses new choices.
    let bad = app.post_form(Role::Editor, &modifica, &corpo("1")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("ha già 2 posti assegnati"),
        "{}",
        bad.text()
    );
    assert_eq!(
        reg::sessioni_di(&app.db, o.id).await.unwrap()[1].capienza,
        Some(3),
        "nothing saved"
    );
    let ok = app.post_form(Role::Editor, &modifica, &corpo("2")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let prima = app.count("registrazioni").await;
    let pieno = app
        .post_form(
            Role::Anon,
            &format!("/eventi/{id}/iscriviti"),
            &format!(
                "nome=N9&cognome=C9&email=p9%40example.org&tipo_organizzazione=cittadino\
                 &consenso=1&sessione_{}=1",
                lab.id
            ),
        )
        .await;
    assert_eq!(pieno.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(pieno.text().contains("è al completo"), "{}", pieno.text());
    assert_eq!(
        app.count("registrazioni").await,
        prima,
        "nothing half-saved"
    );
}

#[tokio::test]
async fn a_type_with_no_seats_is_refused_and_edited_sessions_keep_their_seats() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 10, Utc::now() + Duration::days(3)).await;
    let modifica = format!("/eventi/{id}/modifica");
    let corpo = |sessioni: &str| {
        format!(
            "titolo=Convegno+sui+piccoli+comuni&tipo=convegno&descrizione=Prova\
             &link_online=https%3A%2F%2Fwebinar.example.org%2Fx&sessioni={sessioni}\
             &capienza=10&ore_offerta=48&stato=pubblicato&quota_tipo_impresa=0"
        )
    };
    let a = "10%2F10%2F2030+14%3A00-16%3A00+Laboratorio+A+%5B5+posti%5D";
    let b = "10%2F10%2F2030+16%3A00-18%3A00+Laboratorio+B+%5B5+posti%5D";
    let r = app
        .post_form(Role::Editor, &modifica, &corpo(&format!("{a}%0D%0A{b}")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Companies may not register: said at once, nothing saved.
    let prima = app.count("registrazioni").await;
    let no = app
        .post_form(
            Role::Anon,
            &format!("/eventi/{id}/iscriviti"),
            "nome=I&cognome=P&email=impresa%40example.org&tipo_organizzazione=impresa&consenso=1",
        )
        .await;
    assert_eq!(no.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no.text()
            .contains("non è aperto a: Impresa o professionista"),
        "{}",
        no.text()
    );
    assert_eq!(app.count("registrazioni").await, prima);

    // Someone takes a seat in workshop B; then an earlier session is added to the list.
    let sessioni = reg::sessioni_di(&app.db, o.id).await.unwrap();
    let (lab_a, lab_b) = (sessioni[0].id, sessioni[1].id);
    let mut p = persona(1);
    p.sessioni = vec![lab_b];
    let avvisi = Avvisi::da(&app.state);
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    reg::registra(&uow, &o, p, true, &avvisi, Utc::now())
        .await
        .unwrap();
    uow.conferma().await.unwrap();
    let prima = "10%2F10%2F2030+09%3A00-10%3A00+Saluti";
    let r = app
        .post_form(
            Role::Editor,
            &modifica,
            &corpo(&format!("{prima}%0D%0A{a}%0D%0A{b}")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let dopo = reg::sessioni_di(&app.db, o.id).await.unwrap();
    assert_eq!(dopo.len(), 3);
    assert_eq!(dopo[0].titolo, "Saluti");
    assert_eq!(
        (dopo[1].id, dopo[2].id),
        (lab_a, lab_b),
        "the workshops keep their ids"
    );
    assert_eq!(
        (dopo[1].occupati, dopo[2].occupati),
        (0, 1),
        "and their seats"
    );
    assert_eq!(dopo[2].titolo, "Laboratorio B");
}

#[tokio::test]
async fn a_workshop_seat_given_back_or_added_goes_to_who_chose_it_when_full() {
    let app = TestApp::new().await;
    let (id, o) = evento(&app, 10, Utc::now() + Duration::days(3)).await;
    let modifica = format!("/eventi/{id}/modifica");
    let corpo = |posti: u32| {
        format!(
            "titolo=Convegno&tipo=convegno&descrizione=Prova\
             &link_online=https%3A%2F%2Fwebinar.example.org%2Fx\
             &sessioni=10%2F10%2F2030+14%3A00-16%3A00+Laboratorio+%5B{posti}+posti%5D\
             &capienza=10&ore_offerta=48&stato=pubblicato"
        )
    };
    let r = app.post_form(Role::Editor, &modifica, &corpo(1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let o = reg::offerta(&app.db, o.id).await.unwrap().unwrap();
    let lab = reg::sessioni_di(&app.db, o.id).await.unwrap()[0].id;
    let avvisi = Avvisi::da(&app.state);
    let con_lab = |i| {
        let mut p = persona(i);
        p.sessioni = vec![lab];
        p
    };
    // Two choose the workshop while it is free, but confirm after a third took it.
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    let (secondo, _) = reg::registra(&uow, &o, con_lab(2), false, &avvisi, Utc::now())
        .await
        .unwrap();
    let (terzo, _) = reg::registra(&uow, &o, con_lab(3), false, &avvisi, Utc::now())
        .await
        .unwrap();
    let (primo, _) = reg::registra(&uow, &o, con_lab(1), true, &avvisi, Utc::now())
        .await
        .unwrap();
    for r in [secondo.id, terzo.id] {
        reg::conferma_email(&uow, r, &avvisi, Utc::now())
            .await
            .unwrap();
    }
    uow.conferma().await.unwrap();
    let posto = |app: std::sync::Arc<TestApp>, r: i64| async move {
        reg::scelte_sessioni(&app.db, o.id, Some(r)).await.unwrap()[&r][0].1
    };
    assert!(posto(app.clone(), primo.id).await);
    assert!(
        !posto(app.clone(), secondo.id).await,
        "full when the second got its event seat"
    );
    assert!(!posto(app.clone(), terzo.id).await);
    // The first cancels: the seat given back goes to the second (arrived first).
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    reg::annulla(&uow, primo.id, &avvisi, Utc::now())
        .await
        .unwrap();
    uow.conferma().await.unwrap();
    assert!(
        posto(app.clone(), secondo.id).await,
        "the seat given back is theirs"
    );
    assert!(!posto(app.clone(), terzo.id).await);
    // A second seat added to the workshop goes to the third.
    let r = app.post_form(Role::Editor, &modifica, &corpo(2)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        posto(app.clone(), terzo.id).await,
        "the added seat is theirs"
    );
    assert_eq!(
        reg::sessioni_di(&app.db, o.id).await.unwrap()[0].occupati,
        2
    );
}
