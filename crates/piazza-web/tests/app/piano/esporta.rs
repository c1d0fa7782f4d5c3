//! Open data downloads, XLSX, and the report as PDF, DOCX and ODT.

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::piano::{import, store};

use super::{DOC, objective_ids, plan};
use crate::common::{Role, TestApp};

#[tokio::test]
async fn open_data_downloads_match_the_page() {
    let app = TestApp::new().await;
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    let ids = objective_ids(&app).await;
    app.post_form(Role::Editor, &format!("/piano/obiettivi/{}/modifica", ids[0]), "titolo=Primo&stato=in_corso&fonte_progresso=manuale&progresso_manuale=40&peso=1&priorita=media&pubblico=si").await;
    // The second objective internal: not in the public downloads either.
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/modifica", ids[1]),
        "titolo=Secondo&stato=in_corso&fonte_progresso=stato&peso=1&priorita=media",
    )
    .await;
    let csv = app.get(Role::Anon, "/piano/2031/export.csv").await.text();
    let lines: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "Area;Avanzamento area (%);Numero obiettivo;Obiettivo;Stato;Avanzamento obiettivo (%);Peso;Scadenza"
    );
    assert_eq!(
        lines[1..],
        [
            "Area servizi;40;1;Primo;In corso;40;1;",
            "Area scuola;0;1;Terzo;Non avviato;0;1;"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&app.get(Role::Anon, "/piano/2031/export.json").await.body).unwrap();
    assert_eq!(json["avanzamento"], 20, "(40 + 0) / 2, as on the page");
    assert_eq!(json["aree"][0]["obiettivi"].as_array().unwrap().len(), 1);
    assert_eq!(json["aree"][0]["obiettivi"][0]["avanzamento"], 40);
    let page = app.get(Role::Anon, "/piano/2031").await.text();
    assert!(page.contains("<strong>20%</strong>"));
    // Staff with a grant get the internal objective too.
    let staff = app.get(Role::Editor, "/piano/2031/export.csv").await.text();
    assert!(staff.contains(";Secondo;"));
}

#[tokio::test]
async fn plan_approval_xlsx_and_pdf_report() {
    use std::io::Read;
    let app = TestApp::new().await;
    let ids = plan(&app).await;
    let r = app
        .post_form(
            Role::Editor,
            "/piano/2031/modifica",
            "titolo=Piano+2031&stato=approvato&data_approvazione=&organo_approvazione=",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Un piano approvato ha la data di approvazione.")
    );
    let r = app
        .post_form(Role::Editor, "/piano/2031/modifica", "titolo=Piano+2031&stato=approvato&data_approvazione=10%2F02%2F2031&organo_approvazione=Consiglio+direttivo")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(Role::Anon, "/piano/2031")
            .await
            .text()
            .contains("Piano approvato il 10/02/2031 da: Consiglio direttivo")
    );
    app.post_form(
        Role::Editor,
        &format!("/piano/obiettivi/{}/indicatori", ids[0]),
        "nome=Sportelli+aperti&unita=sportelli&direzione=crescente&valore_base=2&valore_obiettivo=10",
    )
    .await;
    // XLSX: two sheets, the indicator in the second.
    let r = app.get(Role::Anon, "/piano/2031/export.xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    assert!(workbook.contains("name=\"Obiettivi\"") && workbook.contains("name=\"Indicatori\""));
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    assert!(strings.contains("Sportelli aperti") && strings.contains("Terzo"));
    // PDF: staff only; a real PDF with the report's sections.
    assert_eq!(
        app.get(Role::Anon, "/piano/2031/relazione.pdf")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = app
        .get(Role::Editor, "/piano/2031/relazione.pdf?al=30%2F06%2F2031")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"%PDF-"));
    // The text is compressed and in the codes of the embedded fonts: read it back.
    let letto = piazza_office::leggi_documento(
        &r.body,
        Some("relazione.pdf"),
        &piazza_office::Limiti::default(),
    )
    .unwrap();
    let text = format!("{:?}", letto.blocchi);
    for s in [
        "\"Relazione sullo stato di avanzamento\"",
        "\"Sintesi per area\"",
        "Obiettivi scaduti: 0",
        "Situazione al 30/06/2031.",
    ] {
        assert!(text.contains(s), "{s} in {text}");
    }
}

/// The report as PDF, DOCX and ODT: read back with the office-documents core, the three have
/// the same headings, and the editable two the same tables.
#[tokio::test]
async fn the_report_leaves_as_pdf_docx_and_odt_with_the_same_headings_and_tables() {
    use piazza_office::{Blocco, Limiti, leggi_documento};
    let app = TestApp::new().await;
    plan(&app).await;
    let mut letti = Vec::new();
    for (formato, tipo) in [
        ("pdf", "application/pdf"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("odt", "application/vnd.oasis.opendocument.text"),
    ] {
        let path = format!("/piano/2031/relazione.{formato}?al=30%2F06%2F2031");
        assert_eq!(
            app.get(Role::Anon, &path).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.get(Role::Viewer, &path).await.status,
            StatusCode::FORBIDDEN
        );
        let r = app.get(Role::Editor, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{formato}");
        assert_eq!(r.headers[axum::http::header::CONTENT_TYPE], tipo);
        let doc = leggi_documento(&r.body, Some(&format!("r.{formato}")), &Limiti::default())
            .unwrap_or_else(|e| panic!("{formato}: {e}"));
        letti.push((formato, doc));
    }
    let titoli = |d: &piazza_office::Documento| -> Vec<String> {
        d.blocchi
            .iter()
            .filter_map(|b| match b {
                Blocco::Titolo { testo, .. } => Some(testo.clone()),
                _ => None,
            })
            .collect()
    };
    let tabelle = |d: &piazza_office::Documento| -> Vec<Vec<Vec<String>>> {
        d.blocchi
            .iter()
            .filter_map(|b| match b {
                Blocco::Tabella(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let (_, docx) = &letti[1];
    let attesi = titoli(docx);
    for h in [
        "Sintesi per area",
        "Obiettivi",
        "Elementi in ritardo o da seguire",
        "Obiettivi scaduti: 0",
    ] {
        assert!(attesi.iter().any(|t| t == h), "{h} in {attesi:?}");
    }
    for (formato, d) in &letti {
        let trovati = titoli(d);
        for h in [
            "Sintesi per area",
            "Obiettivi",
            "Elementi in ritardo o da seguire",
        ] {
            assert!(
                trovati.iter().any(|t| t == h),
                "{formato}: {h} in {trovati:?}"
            );
        }
    }
    assert_eq!(titoli(&letti[2].1), attesi, "ODT and DOCX");
    let t = tabelle(docx);
    assert_eq!(t, tabelle(&letti[2].1), "ODT and DOCX tables");
    // The objectives table with its header, and the bars as a table.
    assert!(
        t.iter().any(|t| t[0]
            == [
                "Area",
                "Obiettivo",
                "Responsabile",
                "Stato",
                "Avanz.",
                "Scadenza"
            ]
            && t.iter().skip(1).any(|r| r[1] == "Terzo")),
        "{t:?}"
    );
    assert!(t.iter().any(|t| t[0] == ["Voce", "Avanzamento"]
        && t.last().is_some_and(|r| r[0] == "Piano nel complesso")));
    assert!(
        docx.blocchi
            .contains(&Blocco::Paragrafo("Situazione al 30/06/2031.".into())),
        "{:?}",
        docx.blocchi
    );
}

/// The PDF report is tagged: marked, in Italian, a structure tree of the report's headings,
/// paragraphs and tables in reading order, each marked content reachable from its page.
#[tokio::test]
async fn the_pdf_report_is_a_tagged_pdf() {
    use lopdf::{Document, Object};
    let app = TestApp::new().await;
    plan(&app).await;
    let r = app
        .get(Role::Editor, "/piano/2031/relazione.pdf?al=30%2F06%2F2031")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = Document::load_mem(&r.body).unwrap();
    let catalogo = doc.catalog().unwrap();
    let mark = doc
        .dereference(catalogo.get(b"MarkInfo").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    assert!(mark.get(b"Marked").unwrap().as_bool().unwrap());
    assert_eq!(catalogo.get(b"Lang").unwrap().as_str().unwrap(), b"it-IT");
    let radice = doc
        .get_object(
            catalogo
                .get(b"StructTreeRoot")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_dict()
        .unwrap();
    // Walk the tree: the roles in reading order, and every (page, MCID) reached.
    fn visita(
        doc: &Document,
        o: &Object,
        ruoli: &mut Vec<String>,
        contenuti: &mut Vec<(lopdf::ObjectId, i64)>,
    ) {
        let o = doc.dereference(o).unwrap().1;
        match o {
            Object::Array(a) => a.iter().for_each(|x| visita(doc, x, ruoli, contenuti)),
            Object::Dictionary(d) => {
                if let Ok(s) = d.get(b"S") {
                    ruoli.push(String::from_utf8_lossy(s.as_name().unwrap()).into_owned());
                }
                if let Ok(id) = d.get(b"MCID") {
                    let pg = d.get(b"Pg").unwrap().as_reference().unwrap();
                    contenuti.push((pg, id.as_i64().unwrap()));
                }
                if let Ok(k) = d.get(b"K") {
                    visita(doc, k, ruoli, contenuti);
                }
            }
            _ => {}
        }
    }
    let (mut ruoli, mut contenuti) = (Vec::new(), Vec::new());
    visita(&doc, radice.get(b"K").unwrap(), &mut ruoli, &mut contenuti);
    assert_eq!(ruoli[0], "Document");
    assert_eq!(ruoli.iter().filter(|r| *r == "H1").count(), 1, "{ruoli:?}");
    assert_eq!(ruoli.iter().filter(|r| *r == "H2").count(), 3, "{ruoli:?}");
    assert_eq!(ruoli.iter().filter(|r| *r == "H3").count(), 4, "{ruoli:?}");
    assert!(ruoli.iter().filter(|r| *r == "Table").count() >= 1);
    assert!(ruoli.contains(&"TH".to_owned()) && ruoli.contains(&"TD".to_owned()));
    // Every marked content of every page is in the tree, once.
    let mut nel_testo = Vec::new();
    for (n, pagina) in doc.get_pages() {
        let ops = doc.get_and_decode_page_content(pagina).unwrap().operations;
        for (id, op) in ops.iter().filter(|o| o.operator == "BDC").enumerate() {
            let mcid = op.operands[1]
                .as_dict()
                .unwrap()
                .get(b"MCID")
                .unwrap()
                .as_i64()
                .unwrap();
            assert_eq!(mcid, id as i64, "page {n}: MCIDs in order");
            nel_testo.push((pagina, mcid));
        }
    }
    contenuti.sort();
    nel_testo.sort();
    assert_eq!(contenuti, nel_testo);
    assert!(contenuti.len() > 20);
}
