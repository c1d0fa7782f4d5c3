//! The deadlines and their iCalendar feeds.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::progetti::store::{self, NuovaParte};

use crate::common::{Role, TestApp};

use super::{d, dati, progetto_in, programma};

#[tokio::test]
async fn the_ical_feed_parses_and_holds_the_reporting_deadlines() {
    use icalendar::Component;
    let app = TestApp::new().await;
    let g = programma(&app, "ERASMUS+").await.id;
    let p = progetto_in(
        &app,
        dati(
            "ICS-1",
            "CAL;ENDARIO, UNO",
            g,
            d(2030, 1, 1),
            d(2031, 12, 31),
        ),
        "048017",
    )
    .await;
    let actor = Actor::system("test");
    store::aggiungi_parte(
        &app.db,
        &actor,
        &p,
        NuovaParte::Periodo {
            dal: d(2030, 1, 1),
            al: d(2030, 12, 31),
            scadenza: d(2031, 2, 28),
            richiesto: None,
        },
    )
    .await
    .unwrap();
    store::aggiungi_parte(
        &app.db,
        &actor,
        &p,
        NuovaParte::Scadenza {
            tipo: "milestone".into(),
            codice: "M1".into(),
            titolo: "Avvio con un titolo abbastanza lungo da essere piegato su più righe del file"
                .into(),
            scadenza: d(2030, 2, 15),
            wp_id: None,
        },
    )
    .await
    .unwrap();

    let parse = |body: &str| -> Vec<(String, String)> {
        let cal: icalendar::Calendar = body.parse().expect("a valid iCalendar document");
        cal.components
            .iter()
            .filter_map(|c| c.as_event())
            .map(|e| {
                let start = match e.get_start() {
                    Some(icalendar::DatePerhapsTime::Date(d)) => d.format("%Y-%m-%d").to_string(),
                    other => format!("{other:?}"),
                };
                (e.get_summary().unwrap_or_default().to_owned(), start)
            })
            .collect()
    };
    let r = app
        .get(
            Role::Viewer,
            &format!("/progetti/{}/calendario.ics", p.public_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let eventi = parse(&r.text());
    assert!(
        eventi.contains(&(
            "CAL;ENDARIO, UNO: rendicontazione periodo 1 (01/01/2030 – 31/12/2030)".into(),
            "2031-02-28".into()
        )),
        "{eventi:?}"
    );
    assert!(
        eventi.iter().any(
            |(s, d)| s.starts_with("CAL;ENDARIO, UNO M1 Avvio con un titolo")
                && s.ends_with("righe del file")
                && d == "2030-02-15"
        ),
        "{eventi:?}"
    );
    assert!(
        eventi
            .iter()
            .any(|(s, d)| s.ends_with("fine del progetto") && d == "2031-12-31")
    );

    // Calendar applications cannot log in: the office feed takes the personal token.
    let page = app.get(Role::Viewer, "/progetti/scadenze").await.text();
    let token = page
        .split("calendario.ics?token=")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let r = app
        .get(
            Role::Anon,
            &format!("/progetti/calendario.ics?token={token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        parse(&r.text())
            .iter()
            .any(|(s, _)| s.contains("rendicontazione periodo 1"))
    );
    let solo = app
        .get(
            Role::Viewer,
            "/progetti/scadenze?dal=01%2F01%2F2030&al=31%2F12%2F2031&tipo=Rendicontazione",
        )
        .await
        .text();
    assert!(solo.contains("rendicontazione periodo 1") && !solo.contains("M1 Avvio"));
    assert_eq!(
        app.get(Role::Viewer, "/progetti/scadenze?tipo=Altro")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get(Role::Anon, "/progetti/calendario.ics?token=sbagliato")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(Role::Anon, "/progetti/calendario.ics").await.status,
        StatusCode::SEE_OTHER
    );
}
