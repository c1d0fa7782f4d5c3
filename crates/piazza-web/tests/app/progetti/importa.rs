//! The export of the portfolio and its import back.

use axum::http::StatusCode;
use piazza_db::entities::progetto;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Role, TestApp};

use super::{d, dati, progetto_in, programma};

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
