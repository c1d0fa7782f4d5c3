//! A project: validation, creation, audit, and who reads and writes what.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_db::entities::progetto;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

use super::{d, dati, progetto_in, programma};

#[tokio::test]
async fn a_project_is_validated_in_italian_created_and_audited() {
    let app = TestApp::new().await;
    let fse = programma(&app, "POR-FSE-1420").await;
    let bad = format!(
        "codice=&acronimo=X&titolo=T&tipo=europeo&programma={}&ruolo=capofila&stato=in_corso&data_inizio=31%2F02%2F2020&budget_totale=12%2C345&quota_associazione=1",
        fse.id
    );
    let r = app.post_form(Role::Editor, "/progetti/nuovo", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("Indicare il codice del progetto."), "{t}");
    assert!(t.contains("Data non valida: usare il formato gg/mm/aaaa."));
    assert!(t.contains("Importo con più di due decimali"));
    assert_eq!(app.count("progetti").await, 0, "nothing saved");

    let good = format!(
        "codice=P-1&acronimo=ALFA&titolo=Progetto+alfa&tipo=europeo&programma={}&ruolo=capofila&stato=in_corso&data_inizio=01%2F03%2F2020&data_fine=28%2F02%2F2022&budget_totale=1.234.567%2C89&quota_associazione=250000&cofinanziamento=82%2C5&dipende_regione=on",
        fse.id
    );
    let r = app.post_form(Role::Editor, "/progetti/nuovo", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = app.get(Role::Viewer, &r.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    let t = page.text();
    for s in [
        "ALFA",
        "1.234.567,89 €",
        "250.000,00 €",
        "82,5 %",
        "01/03/2020 – 28/02/2022",
        "POR FSE Toscana 2014-2020",
    ] {
        assert!(t.contains(s), "{s} missing");
    }
    let p = progetto::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.budget_totale, p.quota_associazione, p.cofinanziamento_bp),
        (123_456_789, 25_000_000, Some(8250))
    );
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("progetto"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].azione.as_str(), audit[0].attore.as_str()),
        ("crea", "editor@test.it")
    );
    // The same code again is a field error, not a second project.
    let r = app.post_form(Role::Editor, "/progetti/nuovo", &good).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Esiste già un progetto con il codice «P-1».")
    );
    assert_eq!(app.count("progetti").await, 1);
}

#[tokio::test]
async fn viewers_read_editors_write_referenti_see_only_their_comuni() {
    let app = TestApp::new().await;
    let g = programma(&app, "ERASMUS+").await.id;
    let fi = progetto_in(
        &app,
        dati("FI-1", "FIRENZE-UNO", g, d(2020, 1, 1), d(2021, 12, 31)),
        "048017",
    )
    .await;
    let pi = progetto_in(
        &app,
        dati("PI-1", "PISA-UNO", g, d(2020, 1, 1), d(2021, 12, 31)),
        "050026",
    )
    .await;

    let lista = app.get(Role::Referente, "/progetti").await;
    assert_eq!(lista.status, StatusCode::OK);
    assert!(lista.text().contains("FIRENZE-UNO") && !lista.text().contains("PISA-UNO"));
    let csv = app
        .get(Role::Referente, "/progetti/export.csv")
        .await
        .text();
    assert!(
        csv.contains("FI-1") && !csv.contains("PI-1"),
        "exports follow the same rule"
    );
    assert_eq!(
        app.get(Role::Referente, &format!("/progetti/{}", fi.public_id))
            .await
            .status,
        StatusCode::OK
    );
    for path in [
        format!("/progetti/{}", pi.public_id),
        format!("/progetti/{}/calendario.ics", pi.public_id),
    ] {
        assert_eq!(
            app.get(Role::Referente, &path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(
        !app.get(Role::Referente, "/progetti/gantt?anno=2020")
            .await
            .text()
            .contains("PISA-UNO")
    );
    assert!(
        !app.get(Role::Referente, "/comuni/050026")
            .await
            .text()
            .contains("PISA-UNO")
    );
    assert!(
        app.get(Role::Referente, "/comuni/048017")
            .await
            .text()
            .contains("FIRENZE-UNO")
    );
    assert!(
        !app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("FIRENZE-UNO"),
        "not public"
    );

    let viewer = app.get(Role::Viewer, "/progetti").await.text();
    assert!(viewer.contains("FIRENZE-UNO") && viewer.contains("PISA-UNO"));
    let modifica = format!("/progetti/{}/modifica", pi.public_id);
    for role in [Role::Viewer, Role::Referente] {
        assert_eq!(
            app.post_form(role, &modifica, "codice=X").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_form(
                role,
                &format!("/progetti/{}/parti/comuni", fi.public_id),
                "comune=Prato"
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
    // A plan objective linked to the Pisa project: its page does not name it to the referente.
    let plan =
        piazza_web::piano::import::leggi("# Piano 2031\n\n## Area\n\n### Obiettivi\n\n- Uno\n");
    piazza_web::piano::store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &plan)
        .await
        .unwrap();
    let o = piazza_db::entities::obiettivo::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    piazza_web::piano::store::collega(
        &app.db,
        &Actor::system("test"),
        &o,
        "progetto",
        &pi.public_id,
    )
    .await
    .unwrap();
    let pagina = format!("/piano/obiettivi/{}", o.public_id);
    assert!(
        app.get(Role::Viewer, &pagina)
            .await
            .text()
            .contains("PISA-UNO")
    );
    let r = app.get(Role::Referente, &pagina).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("PISA-UNO"), "not the referente's comune");
    assert!(
        !app.get(Role::Anon, &pagina)
            .await
            .text()
            .contains("PISA-UNO"),
        "projects are not public"
    );
    assert_eq!(
        app.get(Role::Anon, "/progetti").await.status,
        StatusCode::SEE_OTHER
    );
    let p = progetto::Entity::find_by_id(pi.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p, pi, "denied changes leave the project as it was");
}
