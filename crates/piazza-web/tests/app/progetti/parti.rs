//! The parts of a project.

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

use super::{d, dati, g_id, progetto_in, programma};

#[tokio::test]
async fn parts_of_a_project_are_added_checked_and_removed() {
    let app = TestApp::new().await;
    let g = programma(&app, "ENI-CBC-MED").await.id;
    let p = progetto_in(
        &app,
        dati("W-1", "LAVORO", g, d(2030, 1, 1), d(2031, 12, 31)),
        "048017",
    )
    .await;
    let base = format!("/progetti/{}/parti", p.public_id);
    let ok = |r: &crate::common::Resp| assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/wp"),
            "titolo=Gestione&inizio=01%2F01%2F2030&fine=31%2F12%2F2031",
        )
        .await);
    let wp = piazza_db::entities::progetto_wp::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // Numbers follow the highest, also after a deletion: WP1, WP2, delete WP1, add → WP3.
    ok(&app
        .post_form(Role::Editor, &format!("{base}/wp"), "titolo=Comunicazione")
        .await);
    ok(&app
        .post_form(Role::Editor, &format!("{base}/wp/{}/elimina", wp.id), "")
        .await);
    ok(&app
        .post_form(Role::Editor, &format!("{base}/wp"), "titolo=Gestione")
        .await);
    let numeri: Vec<i32> = piazza_db::entities::progetto_wp::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|w| w.numero)
        .collect();
    assert_eq!(numeri, [2, 3]);
    let wp2 = piazza_db::entities::progetto_wp::Entity::find()
        .filter(piazza_db::entities::progetto_wp::Column::Numero.eq(2))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/wp/{}", wp2.id),
            "stato=in_corso",
        )
        .await);
    let r = app
        .post_form(
            Role::Editor,
            &format!("{base}/wp/{}", wp2.id),
            "stato=finito",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Stato non valido."));
    let wp2 = piazza_db::entities::progetto_wp::Entity::find_by_id(wp2.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wp2.stato, "in_corso");
    let wp = piazza_db::entities::progetto_wp::Entity::find()
        .filter(piazza_db::entities::progetto_wp::Column::Numero.eq(3))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/scadenze"),
            &format!(
                "tipo=milestone&codice=M1&titolo=Avvio&scadenza=15%2F03%2F2030&wp={}",
                wp.id
            ),
        )
        .await);
    ok(&app
        .post_form(Role::Editor, &format!("{base}/comuni"), "comune=Prato")
        .await);
    let r = app
        .post_form(Role::Editor, &format!("{base}/comuni"), "comune=prato")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Il comune è già tra i beneficiari."));
    let r = app
        .post_form(
            Role::Editor,
            &format!("{base}/partner"),
            "organizzazione=Nessuna&paese=Italia&ruolo=partner&quota=abc",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(
        t.contains("Organizzazione non trovata in Anagrafica")
            && t.contains("codice di due lettere")
            && t.contains("Importo non valido")
    );
    let r = app
        .post_form(
            Role::Editor,
            &format!("{base}/periodi"),
            "inizio=01%2F01%2F2030&fine=31%2F12%2F2030&scadenza=01%2F12%2F2030",
        )
        .await;
    assert!(
        r.text()
            .contains("La scadenza della rendicontazione viene prima della fine del periodo.")
    );
    assert_eq!(app.count("progetto_periodi").await, 0);
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/periodi"),
            "inizio=01%2F01%2F2030&fine=31%2F12%2F2030&scadenza=28%2F02%2F2031&richiesto=20.000",
        )
        .await);
    let per = piazza_db::entities::progetto_periodo::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/periodi/{}", per.id),
            "stato=liquidato&richiesto=20.000&ricevuto=19.500,50",
        )
        .await);
    let per = piazza_db::entities::progetto_periodo::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (per.stato.as_str(), per.richiesto, per.ricevuto),
        ("liquidato", Some(2_000_000), Some(1_950_050))
    );

    // A partner from Anagrafica and a person of the staff: their pages list the project.
    let org = app
        .post_form(
            Role::Editor,
            "/organizzazioni/nuova",
            "nome=Ente+Partner+Francese&tipo=partner",
        )
        .await
        .location();
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/partner"),
            "organizzazione=ente+partner+francese&paese=fr&ruolo=partner&quota=1.000",
        )
        .await);
    let persona = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            "nome=Lia&cognome=Progettista&categorie=staff",
        )
        .await
        .location();
    let persona_id = piazza_db::entities::persona::Entity::find()
        .filter(piazza_db::entities::persona::Column::Cognome.eq("Progettista"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/staff"),
            &format!("persona={persona_id}&ruolo=Project+manager&mesi=2,5"),
        )
        .await);
    for pagina in [&org, &persona] {
        let t = app.get(Role::Viewer, pagina).await.text();
        assert!(t.contains("LAVORO"), "{pagina} lists the project");
    }
    let page = app
        .get(Role::Viewer, &format!("/progetti/{}", p.public_id))
        .await
        .text();
    assert!(page.contains("FR · Partner · quota 1.000,00 €"));
    assert!(page.contains("Project manager, 2,5 mesi/persona"));
    for s in [
        "WP3 Gestione",
        "Avvio",
        "15/03/2030",
        "Prato",
        "19.500,50 €",
    ] {
        assert!(page.contains(s), "{s}");
    }
    let g = app
        .get(Role::Viewer, "/progetti/gantt?anno=2030")
        .await
        .text();
    assert!(
        g.contains("LAVORO — 15/03/2030: M1 Avvio"),
        "the milestone on the timeline"
    );
    // Removing a part of another project is not possible through this one.
    let altro = progetto_in(
        &app,
        dati(
            "W-2",
            "ALTRO",
            g_id(&app).await,
            d(2030, 1, 1),
            d(2030, 12, 31),
        ),
        "048017",
    )
    .await;
    let com = piazza_db::entities::progetto_comune::Entity::find()
        .filter(piazza_db::entities::progetto_comune::Column::ProgettoId.eq(altro.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let r = app
        .post_form(
            Role::Editor,
            &format!("{base}/comuni/{}/elimina", com.id),
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("progetto_comuni").await, 3);
    let mine = piazza_db::entities::progetto_comune::Entity::find()
        .filter(piazza_db::entities::progetto_comune::Column::ProgettoId.eq(p.id))
        .all(&app.db)
        .await
        .unwrap();
    ok(&app
        .post_form(
            Role::Editor,
            &format!("{base}/comuni/{}/elimina", mine[0].id),
            "",
        )
        .await);
    assert_eq!(app.count("progetto_comuni").await, 2);
}
