use axum::http::StatusCode;
use chrono::NaiveDate;
use piazza_db::audit::Actor;
use piazza_db::entities::{progetto, programma};
use piazza_web::progetti::model::DatiProgetto;
use piazza_web::progetti::store::{self, NuovaParte};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).unwrap()
}

async fn programma(app: &TestApp, codice: &str) -> programma::Model {
    programma::Entity::find()
        .filter(programma::Column::Codice.eq(codice))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("programme {codice} in the seeded catalogue"))
}

fn dati(
    codice: &str,
    acronimo: &str,
    programma_id: i64,
    inizio: NaiveDate,
    fine: NaiveDate,
) -> DatiProgetto {
    DatiProgetto {
        codice: codice.into(),
        acronimo: acronimo.into(),
        titolo: format!("Progetto {acronimo}"),
        descrizione: None,
        tipo: "europeo".into(),
        programma_id,
        bando_rif: None,
        ruolo: "capofila".into(),
        data_inizio: Some(inizio),
        data_fine: Some(fine),
        stato: "in_corso".into(),
        budget_totale: 10_000_000,
        quota_associazione: 4_000_000,
        cofinanziamento_bp: Some(8500),
        dipende_regione: false,
        responsabile_id: None,
    }
}

/// A project in `comune` (ISTAT code).
async fn progetto_in(app: &TestApp, d: DatiProgetto, comune: &str) -> progetto::Model {
    let p = store::crea(&app.db, &Actor::system("test"), &d, None)
        .await
        .unwrap();
    let c = app.state.territorio.get().comune(comune).unwrap().id;
    store::aggiungi_parte(
        &app.db,
        &Actor::system("test"),
        &p,
        NuovaParte::Comune { comune_id: c },
    )
    .await
    .unwrap();
    p
}

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

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let r = wb.worksheet_range_at(0).unwrap().unwrap();
    r.rows().map(|x| x.to_vec()).collect()
}

/// Writes rows back as Excel would after an edit (dates as dates, amounts as numbers).
fn xlsx_write(rows: &[Vec<calamine::Data>]) -> Vec<u8> {
    use calamine::Data;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Data::String(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                Data::Float(x) => {
                    ws.write_number(r, c, *x).unwrap();
                }
                Data::Int(x) => {
                    ws.write_number(r, c, *x as f64).unwrap();
                }
                Data::DateTime(x) => {
                    ws.write_number_with_format(r, c, x.as_f64(), &fmt).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn xlsx_export_edited_and_imported_back_changes_the_project_and_is_audited() {
    let app = TestApp::new().await;
    let g = programma(&app, "IT-FR-MARITTIMO-1420").await.id;
    let p = progetto_in(
        &app,
        dati("MAR-1", "MARE", g, d(2019, 4, 1), d(2021, 3, 31)),
        "049009",
    )
    .await;
    progetto_in(
        &app,
        dati("MAR-2", "ALTRO", g, d(2019, 4, 1), d(2020, 3, 31)),
        "048017",
    )
    .await;
    let r = app.get(Role::Editor, "/progetti/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut rows = xlsx_rows(&r.body);
    assert_eq!(rows[0][0].to_string(), "Codice");
    assert_eq!(rows.len(), 3);
    let fine = rows[0]
        .iter()
        .position(|h| *h == calamine::Data::String("Fine".into()))
        .unwrap();
    let riga = rows
        .iter()
        .position(|x| x[0] == calamine::Data::String("MAR-1".into()))
        .unwrap();
    // 30/06/2021 as a spreadsheet serial date.
    rows[riga][fine] = calamine::Data::DateTime(calamine::ExcelDateTime::new(
        44377.0,
        calamine::ExcelDateTimeType::DateTime,
        false,
    ));
    let audit_prima = app.count("audit_log").await;
    let r = app
        .post_file(
            Role::Editor,
            "/progetti/importa",
            "file",
            "progetti.xlsx",
            &xlsx_write(&rows),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text()
            .contains("0 progetti creati, 1 modificati, 1 invariati"),
        "{}",
        r.text()
    );
    let dopo = progetto::Entity::find_by_id(p.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dopo.data_fine, Some(d(2021, 6, 30)));
    assert_eq!(
        (dopo.budget_totale, dopo.acronimo.as_str()),
        (p.budget_totale, "MARE"),
        "the rest unchanged"
    );
    assert_eq!(
        app.count("audit_log").await,
        audit_prima + 1,
        "one change, one audit row"
    );
    let a = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Azione.eq("modifica"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(a.prima.unwrap().contains("2021-03-31") && a.dopo.unwrap().contains("2021-06-30"));
}

#[tokio::test]
async fn a_bad_file_is_rejected_with_row_and_reason_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let csv = "Codice;Acronimo;Titolo;Tipo;Programma;Ruolo;Stato;Inizio;Fine;Budget totale (€);Quota associazione (€);Comuni\n\
        N-1;NUOVO;Un progetto nuovo;Europeo;ERASMUS+;Capofila;In corso;01/01/2021;31/12/2022;100.000,00;50.000;Firenze, 100005\n\
        N-2;SBAGLIATO;Importo sbagliato;Europeo;LIFE;Partner;In corso;01/01/2021;31/12/2022;12,345;0;\n\
        N-3;IGNOTO;Programma ignoto;Regionale;FONDO-INVENTATO;Partner;In corso;01/01/2021;31/12/2022;1000;0;Atlantide\n";
    let r = app
        .post_file(
            Role::Editor,
            "/progetti/importa",
            "file",
            "p.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(
        t.contains(
            "Riga 3: colonna «Budget totale (€)»: Importo con più di due decimali: «12,345»."
        ),
        "{t}"
    );
    assert!(
        t.contains("Riga 4: programma «FONDO-INVENTATO» sconosciuto"),
        "{t}"
    );
    assert!(
        t.contains("Riga 4: comune «Atlantide» non trovato in Toscana"),
        "{t}"
    );
    assert!(!t.contains("Riga 2"), "the good row has no error");
    assert_eq!(app.count("progetti").await, 0, "all or nothing");
    // Without the bad rows the file goes in, comuni by name or ISTAT code.
    let good: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
    let r = app
        .post_file(
            Role::Editor,
            "/progetti/importa",
            "file",
            "p.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.count("progetti").await, 1);
    assert_eq!(app.count("progetto_comuni").await, 2);
    let p = progetto::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.budget_totale, p.quota_associazione, p.stato.as_str()),
        (10_000_000, 5_000_000, "in_corso")
    );
}

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

async fn g_id(app: &TestApp) -> i64 {
    programma(app, "URBACT").await.id
}

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
        t.contains(&piazza_web::fmt::euro_intero(4_000_000 * 184 / 365)),
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
