//! The budget, the success rate, the map and the links to the plan's objectives.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_db::entities::progetto;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

use super::{d, dati, progetto_in, programma};

#[tokio::test]
async fn budget_by_programme_and_year_success_rate_map_and_objective_links() {
    let app = TestApp::new().await;
    let g = programma(&app, "ERASMUS+").await;
    // 40.000 € over 2020-07-01..2021-06-30: 184 days in 2020, 181 in 2021.
    let p = progetto_in(
        &app,
        dati("B-1", "SPLIT", g.id, d(2020, 7, 1), d(2021, 6, 30)),
        "048017",
    )
    .await;
    let t = app.get(Role::Viewer, "/progetti/budget").await.text();
    assert!(t.contains("Erasmus+"));
    assert!(
        t.contains(&piazza_web::kit::fmt::euro_intero(4_000_000 * 184 / 365)),
        "{t}"
    );
    assert!(t.contains("<strong>40.000 €</strong>"), "the total");

    // Calls: one approved and one rejected proposal make 50 %.
    let r = app
        .post_form(
            Role::Editor,
            "/progetti/bandi",
            &format!(
                "programma={}&titolo=Call+2020&scadenza=15%2F03%2F2020",
                g.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let bando = piazza_db::entities::bando::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for (titolo, esito) in [("A", "approvata"), ("B", "respinta"), ("C", "presentata")] {
        let r = app
            .post_form(
                Role::Editor,
                &format!("/progetti/bandi/{}/proposte", bando.id),
                &format!("titolo={titolo}&ruolo=partner&budget=1000&esito={esito}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let t = app.get(Role::Viewer, "/progetti/bandi").await.text();
    assert!(t.contains("<strong>50 %</strong>"), "{t}");
    // An approved proposal becomes a project, prefilled, and points to it.
    let approvata = piazza_db::entities::proposta::Entity::find()
        .filter(piazza_db::entities::proposta::Column::Esito.eq("approvata"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let bandi = app.get(Role::Editor, "/progetti/bandi").await.text();
    let link = format!("/progetti/nuovo?proposta={}", approvata.id);
    assert!(bandi.contains(&link));
    let form = app.get(Role::Editor, &link).await.text();
    assert!(form.contains(r#"name="acronimo" value="A""#) && form.contains("1.000,00"));
    let r = app
        .post_form(
            Role::Editor,
            "/progetti/nuovo",
            &format!(
                "codice=DA-PROPOSTA&acronimo=A&titolo=Dalla+proposta&tipo=europeo&programma={}&ruolo=partner&stato=approvato&proposta={}",
                g.id, approvata.id
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let dopo = piazza_db::entities::proposta::Entity::find_by_id(approvata.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let nuovo = progetto::Entity::find()
        .filter(progetto::Column::Codice.eq("DA-PROPOSTA"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dopo.progetto_id, Some(nuovo.id));
    assert_eq!(
        app.get(Role::Referente, "/progetti/bandi").await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            Role::Editor,
            "/progetti/bandi",
            "programma=&titolo=&scadenza=",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("bandi").await, 1);

    let m = app.get(Role::Viewer, "/progetti/mappa").await.text();
    assert!(m.contains("Firenze: 1 progetto"));

    // A link made from the project shows on both sides.
    let plan = piazza_web::piano::import::leggi(
        "# Piano 2031\n\n## Area\n\n### Obiettivi\n\n- Obiettivo europeo\n",
    );
    piazza_web::piano::store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &plan)
        .await
        .unwrap();
    let o = piazza_db::entities::obiettivo::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let r = app
        .post_form(
            Role::Editor,
            &format!("/progetti/{}/obiettivi", p.public_id),
            &format!("obiettivo={}", o.public_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        app.get(Role::Viewer, &format!("/progetti/{}", p.public_id))
            .await
            .text()
            .contains("Obiettivo europeo")
    );
    assert!(
        app.get(Role::Editor, &format!("/piano/obiettivi/{}", o.public_id))
            .await
            .text()
            .contains("SPLIT")
    );
    // Deleting the project removes its links.
    let r = app
        .post_form(
            Role::Editor,
            &format!("/progetti/{}/elimina", p.public_id),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("collegamenti_obiettivo").await, 0);
    assert_eq!(app.count("progetto_comuni").await, 0);
}
