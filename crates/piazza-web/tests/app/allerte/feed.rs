//! The CAP feeds: strictly valid, and read back to the same alerts.

use axum::http::StatusCode;

use super::id_da;
use crate::common::{Role, TestApp};

#[tokio::test]
async fn the_cap_feeds_validate_strictly_and_parse_back_to_the_same_alerts() {
    use piazza_web::allerte::{da_cap, fonti, store};
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let actor = piazza_db::audit::Actor::system("test");
    let fonte = store::fonte(&app.db, "cfr", "Centro funzionale", fonti::tipo::CAP_API)
        .await
        .unwrap();
    // A regional alert that an update replaced, and an operator's alert on a zone.
    let xml = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/{n}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let oggi = chrono::Utc::now();
    let sposta = |s: String| {
        s.replace(
            "2026-10-15T23:59:00+02:00",
            &(oggi + chrono::Duration::days(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        )
        .replace(
            "2026-10-16T12:00:00+02:00",
            &(oggi + chrono::Duration::days(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        )
    };
    fonti::ricevi_cap(
        &app.db,
        &terr,
        &fonte,
        &actor,
        &sposta(xml("allerta-toscana-multilingua.xml")),
    )
    .await
    .unwrap();
    fonti::ricevi_cap(
        &app.db,
        &terr,
        &fonte,
        &actor,
        &sposta(xml("aggiornamento.xml")),
    )
    .await
    .unwrap();
    let r = app
        .post_form(
            Role::Editor,
            "/allerte/nuova",
            "titolo=Neve&rischio=neve&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&zone=M",
        )
        .await;
    let id = id_da(&r);
    app.post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
        .await;

    let atom = app.get(Role::Anon, "/allerte/cap.atom").await;
    assert_eq!(atom.status, StatusCode::OK);
    assert!(
        atom.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let testo = atom.text();
    let links: Vec<&str> = testo
        .split("type=\"application/cap+xml\" href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(links.len(), 2, "{testo}");
    let attive = store::attive_al(&app.db, chrono::Utc::now()).await.unwrap();
    for link in links {
        let path = link
            .split_once("/allerte/")
            .map(|(_, p)| format!("/allerte/{p}"))
            .unwrap();
        let doc = app.get(Role::Anon, &path).await.text();
        let alert = piazza_cap::validate_xml(&doc).unwrap_or_else(|v| panic!("{path}: {v:?}"));
        let aid: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let a = attive.iter().find(|a| a.id == aid).unwrap();
        // Parsed back: the same comuni, risks and levels as stored, the same validity.
        let letto = da_cap::avviso(&alert, &terr, &[]);
        let terr = &terr;
        let mut voci_lette: Vec<(String, i32, i64)> = letto
            .voci
            .iter()
            .flat_map(|v| {
                v.comuni.iter().map(move |c| {
                    (
                        v.rischio.clone(),
                        v.livello.numero(),
                        terr.comune(c).unwrap().id,
                    )
                })
            })
            .collect();
        voci_lette.sort();
        let mut voci: Vec<(String, i32, i64)> = store::voci(&app.db, aid)
            .await
            .unwrap()
            .into_iter()
            .map(|v| (v.rischio, v.livello, v.comune_id))
            .collect();
        voci.sort();
        assert_eq!(voci_lette, voci, "{path}");
        assert_eq!(letto.scadenza, a.scadenza);
        assert_eq!(letto.inizio, a.inizio);
        assert_eq!(alert.infos[0].headline.as_deref(), Some(a.titolo.as_str()));
        // The update references the alert it replaced, under Piazza's sender.
        if a.msg_type == "Update" {
            assert_eq!(alert.msg_type, Some(piazza_cap::MsgType::Update));
            assert_eq!(alert.references.len(), 1);
            assert!(
                alert.references[0]
                    .identifier
                    .starts_with("piazza-allerta-")
            );
        }
    }
    // Per comune: Firenze has the update, not the snow on the Mugello.
    let fi = app
        .get(Role::Anon, "/comuni/048017/allerte.atom")
        .await
        .text();
    assert_eq!(fi.matches("<entry>").count(), 1);
    let borgo = app
        .get(Role::Anon, "/comuni/048004/allerte.atom")
        .await
        .text();
    assert!(borgo.contains("Neve"), "Borgo San Lorenzo is in zone M");
    // Cacheable: an ETag, and 304 when the client has it.
    let r = app.get(Role::Anon, "/allerte").await;
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("public")
    );
    let mut req = axum::http::Request::builder()
        .uri("/allerte")
        .header("if-none-match", &etag);
    req = req.header("host", "localhost");
    let r = app.send(req.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    // Compressed once per snapshot, not twice by the compression layer.
    let req = axum::http::Request::builder()
        .uri("/allerte")
        .header("host", "localhost")
        .header("accept-encoding", "gzip, br")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.headers["content-encoding"], "gzip");
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut html)
        .unwrap();
    assert!(html.contains("Neve") && html.contains("<html lang=\"it\">"));
}
