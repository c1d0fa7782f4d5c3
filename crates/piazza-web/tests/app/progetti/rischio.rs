//! The change of legislature and the risk report.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_db::entities::progetto;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

use super::{d, dati, progetto_in, programma};

#[tokio::test]
async fn the_change_of_legislature_flags_projects_and_the_report_shows_what_is_at_stake() {
    let app = TestApp::new().await;
    let actor = Actor::system("test");
    piazza_web::piano::store::aggiungi_evento(
        &app.db,
        &actor,
        &piazza_web::piano::store::NuovoEvento {
            data: d(2030, 9, 21),
            tipo: "fine_legislatura".into(),
            titolo: "Fine XII legislatura".into(),
            descrizione: None,
        },
    )
    .await
    .unwrap();
    let eu = programma(&app, "LIFE").await.id;
    let rt = programma(&app, "RT-SOCIALE").await.id;
    progetto_in(
        &app,
        dati(
            "R-1",
            "FINE-IN-FINESTRA",
            eu,
            d(2028, 1, 1),
            d(2030, 10, 31),
        ),
        "048017",
    )
    .await;
    progetto_in(
        &app,
        dati("R-2", "REGIONALE-OLTRE", rt, d(2029, 1, 1), d(2032, 6, 30)),
        "050026",
    )
    .await;
    progetto_in(
        &app,
        dati("R-3", "EUROPEO-OLTRE", eu, d(2029, 1, 1), d(2032, 6, 30)),
        "050026",
    )
    .await;
    let mut chiuso = dati("R-4", "GIA-CHIUSO", rt, d(2029, 1, 1), d(2030, 10, 1));
    chiuso.stato = "chiuso".into();
    progetto_in(&app, chiuso, "050026").await;

    let r = app.get(Role::Viewer, "/progetti/rischio").await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(
        t.contains("FINE-IN-FINESTRA") && t.contains("REGIONALE-OLTRE"),
        "{t}"
    );
    assert!(!t.contains("EUROPEO-OLTRE") && !t.contains("GIA-CHIUSO"));
    assert!(
        t.contains("200.000 €"),
        "budget at stake: two projects of 100.000 €"
    );
    assert!(
        t.contains("Firenze") && t.contains("Pisa"),
        "the comuni at stake"
    );
    assert!(t.contains("manca"), "no continuity plan yet");
    let csv = app.get(Role::Viewer, "/progetti/rischio.csv").await.text();
    let righe: Vec<&str> = csv.lines().collect();
    assert_eq!(righe.len(), 3, "header and two projects: {csv}");
    assert!(righe[0].contains("Motivo;Budget totale (€)"));
    assert!(csv.contains("FINE-IN-FINESTRA") && csv.contains("100000,00"));
    assert!(
        !app.get(Role::Referente, "/progetti/rischio.csv")
            .await
            .text()
            .contains("REGIONALE-OLTRE"),
        "Pisa is not the referente's comune"
    );

    let p = progetto::Entity::find()
        .filter(progetto::Column::Codice.eq("R-2"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let r = app
        .post_form(
            Role::Editor,
            &format!("/progetti/{}/parti/continuita", p.public_id),
            "azione=Chiedere+il+rinnovo&scadenza=30%2F06%2F2030",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        app.get(Role::Viewer, "/progetti/rischio")
            .await
            .text()
            .contains("Chiedere il rinnovo — entro il 30/06/2030")
    );
    let bad = app
        .post_form(
            Role::Editor,
            &format!("/progetti/{}/parti/continuita", p.public_id),
            "azione=&scadenza=ieri",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("Descrivere l&#39;azione di continuità.")
            && bad.text().contains("Data non valida")
    );
    assert_eq!(app.count("progetto_continuita").await, 1);

    // Nothing runs this year and there is no plan: the timeline opens on the newest start.
    let g = app.get(Role::Viewer, "/progetti/gantt").await.text();
    assert!(g.contains("Cronoprogramma 2029"), "the latest start year");
    // The timeline of 2030 draws the end of the legislature and the flagged bars.
    let g = app
        .get(Role::Viewer, "/progetti/gantt?anno=2030")
        .await
        .text();
    assert!(g.contains("Fine legislatura 21/09/2030"));
    assert!(g.contains("class=\"barra rischio\""));
    assert!(
        g.contains("4 progetti attivi nel 2030")
            || g.contains("<strong>4</strong> progetti attivi nel 2030"),
        "{g}"
    );
}
