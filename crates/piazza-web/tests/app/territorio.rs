use axum::http::StatusCode;

use crate::common::{Role, TestApp};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let r = app.get(Role::Anon, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn comuni_list_shows_all_273_paginated_with_italian_numbers() {
    let app = TestApp::new().await;
    let r = app.get(Role::Anon, "/comuni").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<html lang=\"it\">"));
    assert!(
        html.contains("<strong>273</strong> comuni, da 1 a 50"),
        "{html}"
    );
    assert_eq!(
        html.matches("<a href=\"/comuni/0").count() + html.matches("<a href=\"/comuni/1").count(),
        50
    );
    // Last page.
    let r = app.get(Role::Anon, "/comuni?pagina=6").await;
    assert!(r.text().contains("da 251 a 273"));
    // All on one page when asked.
    let r = app.get(Role::Anon, "/comuni?per_pagina=500").await;
    assert_eq!(r.text().matches("<tr>").count(), 273 + 1);
}

#[tokio::test]
async fn comuni_filters_and_sorting() {
    let app = TestApp::new().await;
    let html = app
        .get(Role::Anon, "/comuni?provincia=FI&per_pagina=500")
        .await
        .text();
    assert!(
        html.contains("<strong>41</strong> comuni"),
        "Firenze has 41 comuni"
    );
    // Accent-insensitive search.
    let html = app.get(Role::Anon, "/comuni?q=niccolo").await.text();
    assert!(html.contains("Castel San Niccolò"));
    assert!(html.contains("<strong>1</strong> comuni"));
    // Small comuni on islands.
    let html = app
        .get(Role::Anon, "/comuni?isolano=si&piccolo=si")
        .await
        .text();
    assert!(html.contains("Capraia Isola") && !html.contains("Portoferraio"));
    // Alert zone with a comune in two zones.
    let html = app
        .get(Role::Anon, "/comuni?zona=A5&per_pagina=500")
        .await
        .text();
    assert!(html.contains("Barberino Tavarnelle"));
    // Population range and sort by population, descending: the largest first.
    let html = app
        .get(
            Role::Anon,
            "/comuni?pop_min=50000&ordina=popolazione&verso=desc",
        )
        .await
        .text();
    let firenze = html.find(">Firenze<").expect("Firenze listed");
    let prato = html.find(">Prato<").expect("Prato listed");
    assert!(firenze < prato);
    assert!(!html.contains(">Pontassieve<"));
    // Altitude zone.
    let html = app
        .get(Role::Anon, "/comuni?altimetria=5&per_pagina=500")
        .await
        .text();
    assert!(
        html.contains("<strong>25</strong> comuni"),
        "25 comuni in pianura"
    );
}

#[tokio::test]
async fn bad_filter_input_gets_an_italian_message_next_to_the_field() {
    let app = TestApp::new().await;
    let r = app
        .get(Role::Anon, "/comuni?pop_min=mille&pop_max=10")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("id=\"pop_min-errore\""));
    assert!(html.contains("Inserire un numero intero"));
    let r = app.get(Role::Anon, "/comuni?pop_min=100&pop_max=10").await;
    assert!(
        r.text()
            .contains("Il massimo deve essere maggiore o uguale al minimo.")
    );
    // Exports refuse bad filters with a clear message rather than exporting something else.
    let r = app.get(Role::Anon, "/comuni/export.csv?pop_min=x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Inserire un numero intero"));
}

#[tokio::test]
async fn htmx_requests_get_only_the_results_fragment() {
    let app = TestApp::new().await;
    let req = axum::http::Request::builder()
        .uri("/comuni?provincia=PO")
        .header("hx-request", "true")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    let html = r.text();
    assert!(!html.contains("<html"));
    assert!(html.contains("<strong>7</strong> comuni"));
}

#[tokio::test]
async fn csv_export_uses_the_italian_excel_dialect() {
    let app = TestApp::new().await;
    let r = app.get(Role::Anon, "/comuni/export.csv?provincia=FI").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("comuni.csv")
    );
    let text = r.text();
    assert!(text.starts_with('\u{feff}'));
    let lines: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert_eq!(lines.len(), 42, "header + 41 comuni");
    assert!(lines[0].starts_with("Codice ISTAT;Comune;Provincia;"));
    let firenze = lines
        .iter()
        .find(|l| l.starts_with("048017;"))
        .expect("Firenze row");
    assert!(firenze.contains(";360930;"));
    assert!(firenze.contains(";102,32;"), "decimal comma: {firenze}");
}

#[tokio::test]
async fn xlsx_export_is_a_workbook() {
    let app = TestApp::new().await;
    let r = app
        .get(Role::Anon, "/comuni/export.xlsx?provincia=PO")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..2], b"PK");
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
}

#[tokio::test]
async fn comune_page_shows_its_data_zones_and_empty_sections() {
    let app = TestApp::new().await;
    let r = app.get(Role::Anon, "/comuni/048017").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<h1>Firenze</h1>"));
    assert!(html.contains("id=\"popolazione\">360.930<"));
    assert!(html.contains("A3 – Arno-Firenze"));
    assert!(html.contains("Servizi adottati") && html.contains("nessun dato"));
    assert!(
        html.contains("<a href=\"/comuni/048017\" aria-label=\"Firenze: Firenze\""),
        "locator map"
    );
    // A comune in two zones lists both.
    let html = app.get(Role::Anon, "/comuni/049012").await.text();
    assert!(
        html.contains("E2 – ") && html.contains("E3 – "),
        "Piombino lies in E2 and E3"
    );
    assert_eq!(
        app.get(Role::Anon, "/comuni/999999").await.status,
        StatusCode::NOT_FOUND
    );
    // Neighbours come from the shared borders: Firenze borders Fiesole and Scandicci, not Prato.
    let html = app.get(Role::Anon, "/comuni/048017").await.text();
    let confinanti = &html[html.find("id=\"confinanti\"").expect("neighbours listed")..];
    let confinanti = &confinanti[..confinanti.find("</dd>").unwrap()];
    assert!(
        confinanti.contains(">Fiesole<") && confinanti.contains(">Scandicci<"),
        "{confinanti}"
    );
    assert!(!confinanti.contains(">Prato<"));
}

#[tokio::test]
async fn map_has_one_linked_shape_per_comune_and_province_outlines() {
    let app = TestApp::new().await;
    for ind in [
        "popolazione",
        "densita",
        "zona-altimetrica",
        "piccoli-comuni",
    ] {
        let r = app
            .get(Role::Anon, &format!("/mappa?indicatore={ind}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{ind}");
        let html = r.text();
        assert_eq!(
            html.matches("<path d=").count(),
            273 + 10,
            "{ind}: comuni and provinces"
        );
        assert_eq!(html.matches("<a href=\"/comuni/").count(), 273);
        assert!(html.contains("aria-label=\"Firenze: 360.930 abitanti\"") || ind != "popolazione");
    }
    let svg = app.get(Role::Anon, "/mappa.svg").await;
    assert!(
        svg.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let text = svg.text();
    assert!(text.starts_with("<svg"));
    assert_eq!(
        text.matches("<path d=").count(),
        273 + 10,
        "comuni and provinces"
    );
    let r = app.get(Role::Anon, "/mappa?indicatore=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Indicatore «nope» sconosciuto."));
}

#[tokio::test]
async fn alert_zones_list_their_comuni() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    assert_eq!(t.zone.len(), 26);
    assert_eq!(t.comuni.iter().filter(|c| c.zone.len() == 2).count(), 8);
    let memberships: usize = t.zone.iter().map(|z| z.comuni.len()).sum();
    assert_eq!(memberships, 281);
    let html = app.get(Role::Anon, "/zone-allerta").await.text();
    assert_eq!(html.matches("<a href=\"/zone-allerta/").count(), 26);
    let r = app.get(Role::Anon, "/zone-allerta/A3").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains(">Firenze</a>"));
    assert_eq!(
        html.matches("fill=\"#0066cc\"").count(),
        10,
        "A3 has 10 comuni"
    );
    assert_eq!(
        app.get(Role::Anon, "/zone-allerta/ZZ").await.status,
        StatusCode::NOT_FOUND
    );
    // Neighbouring zones get different colours.
    let t = app.state.territorio.get();
    let group_of = |code: &str| {
        t.comune(code)
            .and_then(|c| c.zone.first())
            .and_then(|z| t.zone.iter().position(|x| &x.codice == z))
    };
    let colours = piazza_web::territorio::map::colour_groups(&t.mappa, t.zone.len(), &group_of);
    let mut clashes = Vec::new();
    for (c, ns) in &t.mappa.confinanti {
        for n in ns {
            if let (Some(a), Some(b)) = (group_of(c), group_of(n))
                && a != b
                && colours[a] == colours[b]
            {
                clashes.push(format!("{} / {}", t.zone[a].codice, t.zone[b].codice));
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:?}");
}

#[tokio::test]
async fn territory_import_is_idempotent_and_keeps_one_organisation_per_comune() {
    let app = TestApp::new().await;
    let data = piazza_web::refdata::shipped();
    piazza_web::refdata::load(
        &app.db,
        &piazza_db::audit::Actor::system("test"),
        "09",
        &data,
    )
    .await
    .unwrap();
    assert_eq!(app.count("comuni").await, 273);
    assert_eq!(app.count("comuni_zone_allerta").await, 281);
    assert_eq!(app.count("confini").await, 283);
    assert_eq!(app.count("organizzazioni").await, 273);
}

#[tokio::test]
async fn a_bad_comuni_file_is_rejected_with_its_lines() {
    let csv = "codice_istat,denominazione,sigla_provincia,provincia,popolazione_residente_2023_01_01\n\
               048017,Firenze,FI,Firenze,360930\n\
               48A17,Sbagliato,FI,Firenze,10\n\
               048001,Bagno a Ripoli,FI,Firenze,molti\n";
    let err = piazza_web::refdata::parse_comuni_csv(csv.as_bytes()).unwrap_err();
    assert_eq!(err.0.len(), 2);
    assert!(err.0[0].starts_with("riga 3: codice ISTAT «48A17» non valido"));
    assert!(err.0[1].starts_with("riga 4: popolazione «molti» non è un numero"));
}

#[tokio::test]
async fn responses_carry_security_headers_and_compress_for_browsers() {
    let app = TestApp::new().await;
    let r = app.get(Role::Anon, "/mappa").await;
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    assert_eq!(r.headers["x-frame-options"], "DENY");
    assert_eq!(r.headers["referrer-policy"], "same-origin");
    assert!(
        r.headers.get("content-encoding").is_none(),
        "no compression unless asked"
    );
    let req = axum::http::Request::builder()
        .uri("/mappa")
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let gz = app.send(req).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert!(
        gz.body.len() * 2 < r.body.len(),
        "{} vs {}",
        gz.body.len(),
        r.body.len()
    );
}
