use chrono::{DateTime, Utc};
use piazza_web::allerte::bollettino::{Livello, leggi_topojson, livelli_per_comune};
use piazza_web::allerte::{da_cap, registro};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use axum::http::StatusCode;

use crate::common::{Role, TestApp, data_file};

fn topojson(nome: &str) -> Vec<piazza_web::allerte::bollettino::ZonaBollettino> {
    leggi_topojson(&String::from_utf8(data_file(&format!("dpc-bollettini/{nome}"))).unwrap())
        .unwrap()
}

fn livello(v: &[(&str, Livello)], rischio: &str) -> Livello {
    v.iter().find(|(r, _)| *r == rischio).unwrap().1
}

#[tokio::test]
async fn a_bulletin_sets_exactly_the_comuni_of_its_zones_and_two_zones_take_the_higher() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let l = livelli_per_comune(&topojson("20231103_1614_today.stripped.json"), &t).unwrap();
    assert_eq!(l.len(), 273, "every comune of Tuscany");
    // Orange for hydraulic risk in Bisenzio e Ombrone Pt, Lunigiana and the three Serchio zones.
    let arancioni = l
        .values()
        .filter(|v| livello(v, "idraulico") == Livello::Arancione)
        .count();
    assert_eq!(arancioni, 66);
    // Pistoia lies in Bisenzio e Ombrone Pt (orange) and Reno (green): orange.
    assert_eq!(livello(&l["047014"], "idraulico"), Livello::Arancione);
    // 052037 lies in Ombrone Gr-Medio (green) and Ombrone Gr-Alto (yellow, hydro-geological).
    assert_eq!(livello(&l["052037"], "idrogeologico"), Livello::Giallo);
    // Firenze: yellow hydro-geological only.
    assert_eq!(
        l["048017"],
        [
            ("idraulico", Livello::Verde),
            ("temporali", Livello::Verde),
            ("idrogeologico", Livello::Giallo)
        ]
    );
    // A quiet day later: everything back to green.
    let quiete = livelli_per_comune(&topojson("20231115_1435_today.stripped.json"), &t).unwrap();
    assert!(
        quiete
            .values()
            .all(|v| v.iter().all(|(_, l)| *l == Livello::Verde))
    );
    // A bulletin without one of the region's zones is refused, not half applied.
    let mut monca = topojson("20231103_1614_today.stripped.json");
    monca.retain(|z| z.nome != "Versilia");
    assert_eq!(
        livelli_per_comune(&monca, &t).unwrap_err(),
        "il bollettino non contiene le zone di allerta Versilia"
    );
}

fn cap(nome: &str) -> piazza_cap::Alert {
    let xml = std::fs::read_to_string(format!(
        "{}/../piazza-cap/tests/documenti/{nome}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    piazza_cap::validate_xml(&xml).unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

#[tokio::test]
async fn cap_documents_are_read_into_risk_level_comuni_and_references() {
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let a = da_cap::avviso(&cap("allerta-toscana-multilingua.xml"), &terr, &[]);
    assert_eq!(a.voci.len(), 1, "the Italian block only");
    assert_eq!(
        (
            a.voci[0].rischio.as_str(),
            a.voci[0].livello,
            a.voci[0].comuni.as_slice()
        ),
        (
            "idrogeologico",
            Livello::Arancione,
            &["048017".to_owned()][..]
        )
    );
    assert_eq!(a.tipo, registro::Tipo::Alert);
    assert!(a.reale);
    assert_eq!(a.inizio, Some(t("2026-10-14T22:00:00Z")), "the onset");
    assert_eq!(a.scadenza, Some(t("2026-10-15T21:59:00Z")));

    let u = da_cap::avviso(&cap("aggiornamento.xml"), &terr, &[]);
    assert_eq!(u.tipo, registro::Tipo::Update);
    assert_eq!(u.riferimenti, std::slice::from_ref(&a.chiave));
    assert_eq!(u.voci[0].livello, Livello::Rosso);

    let c = da_cap::avviso(&cap("annullamento.xml"), &terr, &[]);
    assert_eq!(c.tipo, registro::Tipo::Cancel);
    assert_eq!(c.riferimenti, std::slice::from_ref(&u.chiave));
    assert!(c.voci.is_empty());

    // A zone geocode means every comune of the zone (its code or the DPC's).
    let mut info = cap("aggiornamento.xml").infos[0].clone();
    info.areas[0].geocodes = vec![piazza_cap::ValuePair {
        value_name: "ZONA_ALLERTA".into(),
        value: "Tosc-A1".into(),
    }];
    assert_eq!(
        da_cap::comuni(&info, &terr, &[]).len(),
        12,
        "Arno-Casentino"
    );
    // An alert for another region touches no comune of Tuscany.
    let lombardia = da_cap::avviso(
        &cap("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml"),
        &terr,
        &[],
    );
    assert!(lombardia.voci.is_empty());
    // MeteoAlarm's EMMA_ID of Tuscany, mapped in the database (seeded by the migration): every
    // comune; Lombardia's still none.
    let mappe = piazza_web::allerte::fonti::mappature(&app.db, &terr)
        .await
        .unwrap();
    assert!(
        da_cap::avviso(
            &cap("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml"),
            &terr,
            &mappe
        )
        .voci
        .is_empty()
    );
    let mut toscana = cap("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml");
    toscana.infos[0].areas[0].geocodes[0].value = "IT009".into();
    let a = da_cap::avviso(&toscana, &terr, &mappe);
    assert_eq!(a.voci.len(), 1);
    assert_eq!(a.voci[0].comuni.len(), 273);
    assert_eq!(
        (a.voci[0].rischio.as_str(), a.voci[0].livello),
        ("neve", Livello::Giallo)
    );
    assert_eq!(
        da_cap::destinazione("zona:S2", &terr).unwrap().len(),
        4,
        "Serchio-Lucca"
    );
    assert!(da_cap::destinazione("zona:ZZ", &terr).is_none());
    assert_eq!(
        da_cap::rischio(&cap("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml").infos[0]),
        "neve"
    );
}

#[test]
fn cap_circles_and_polygons_find_the_comuni_they_touch_on_the_real_boundaries() {
    use piazza_web::allerte::area::{Confine, comuni_toccati};
    let confini: Vec<Confine> = piazza_web::refdata::shipped()
        .confini
        .iter()
        .filter(|c| c.livello == "comune")
        .filter_map(|c| Confine::da_geojson(&c.codice, &c.geometria))
        .collect();
    assert_eq!(confini.len(), 273);
    let a = cap("allerta-toscana-multilingua.xml");
    let area = &a.infos[0].areas[0];
    // 12,5 km around the centre of Firenze: Firenze and the comuni around it, not Pisa.
    let cerchio = piazza_cap::Area {
        polygons: vec![],
        ..area.clone()
    };
    let toccati = comuni_toccati(&cerchio, &confini);
    for c in ["048017", "048015", "048043", "048041", "048001"] {
        assert!(toccati.contains(&c.to_owned()), "{c} in {toccati:?}");
    }
    assert!(!toccati.contains(&"050026".to_owned()));
    // Half a kilometre: Firenze alone.
    let mut piccolo = cerchio.clone();
    piccolo.circles[0].radius_km = 0.5;
    assert_eq!(comuni_toccati(&piccolo, &confini), ["048017"]);
    // The polygon over the lower Valdarno: Empoli, not Firenze's centre far east of it.
    let poligono = piazza_cap::Area {
        circles: vec![],
        ..area.clone()
    };
    let toccati = comuni_toccati(&poligono, &confini);
    assert!(
        toccati.contains(&"048014".to_owned()),
        "Empoli in {toccati:?}"
    );
    assert!(!toccati.contains(&"052032".to_owned()), "not Siena");
}

fn livello_al(
    s: &piazza_web::allerte::store::Stato,
    terr: &piazza_web::territorio::Territorio,
    comune: &str,
    rischio: &str,
) -> Livello {
    let id = terr.comune(comune).unwrap().id;
    s.get(&id)
        .and_then(|m| m.get(rischio).copied())
        .unwrap_or(Livello::Verde)
}

fn contati(s: &piazza_web::allerte::store::Stato, rischio: &str, l: Livello) -> usize {
    s.values().filter(|m| m.get(rischio) == Some(&l)).count()
}

#[tokio::test]
async fn bulletins_stored_set_the_comuni_of_their_zones_and_a_later_one_lowers_them() {
    use piazza_web::allerte::{fonti, store};
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let actor = piazza_db::audit::Actor::system("test");
    let dir = format!("{}/../../data/dpc-bollettini", env!("CARGO_MANIFEST_DIR"));
    // The index: today's file is found next to it; tomorrow's is not in the samples.
    let (giorni, note) = fonti::leggi_file_bollettino(
        std::path::Path::new(&format!("{dir}/20231103_1614.json")),
        &terr,
    )
    .unwrap();
    assert_eq!(giorni.len(), 1);
    assert_eq!(note.len(), 1, "{note:?}");
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, giorni.clone())
        .await
        .unwrap();
    assert_eq!(esiti[0].1, registro::Esito::Nuovo);
    let s = store::stato_al(&app.state.db, t("2023-11-03T18:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 66);
    assert_eq!(
        livello_al(&s, &terr, "047014", "idraulico"),
        Livello::Arancione,
        "Pistoia, in two zones"
    );
    assert_eq!(
        livello_al(&s, &terr, "048017", "idrogeologico"),
        Livello::Giallo
    );
    assert_eq!(livello_al(&s, &terr, "048017", "idraulico"), Livello::Verde);
    // Before the bulletin was issued and the next day: nothing.
    assert!(
        store::stato_al(&app.state.db, t("2023-11-03T10:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::stato_al(&app.state.db, t("2023-11-04T12:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // The same file again changes nothing.
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, giorni)
        .await
        .unwrap();
    assert_eq!(esiti[0].1, registro::Esito::Duplicato);

    // An evening bulletin of the same day lowers Lunigiana to yellow and clears the others.
    let mut v: serde_json::Value = serde_json::from_slice(&data_file(
        "dpc-bollettini/20231103_1614_today.stripped.json",
    ))
    .unwrap();
    let oggetti = v["objects"].as_object_mut().unwrap();
    let mut o = oggetti.remove("20231103_1614_today").unwrap();
    for g in o["geometries"].as_array_mut().unwrap() {
        let p = g["properties"].as_object_mut().unwrap();
        let lunigiana = p["Nome zona"] == "Lunigiana";
        for r in [
            "Per rischio idraulico",
            "Per rischio temporali",
            "Per rischio idrogeologico",
        ] {
            p[r] = if lunigiana && r == "Per rischio idraulico" {
                "Ordinaria / ALLERTA GIALLA".into()
            } else {
                "Assenza di fenomeni significativi prevedibili / NESSUNA ALLERTA".into()
            };
        }
    }
    oggetti.insert("20231103_1914_today".into(), o);
    let sera = piazza_web::allerte::bollettino::documento(&v.to_string(), None, &terr).unwrap();
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, vec![sera])
        .await
        .unwrap();
    assert!(matches!(esiti[0].1, registro::Esito::Sostituisce(ref r) if r.len() == 1));
    let s = store::stato_al(&app.state.db, t("2023-11-03T19:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 0);
    assert_eq!(contati(&s, "idraulico", Livello::Giallo), 14, "Lunigiana");
    assert_eq!(
        livello_al(&s, &terr, "048017", "idrogeologico"),
        Livello::Verde
    );
    // The history still knows the afternoon.
    let s = store::stato_al(&app.state.db, t("2023-11-03T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 66);
}

#[tokio::test]
async fn stored_cap_documents_update_cancel_expire_and_exercises_stay_private() {
    use piazza_web::allerte::{fonti, store};
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let actor = piazza_db::audit::Actor::system("test");
    let db = &app.state.db;
    let fonte = store::fonte(db, "cfr", "Centro funzionale", fonti::tipo::CAP_API)
        .await
        .unwrap();
    let xml = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/{n}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let firenze = |s: &store::Stato| livello_al(s, &terr, "048017", "idrogeologico");
    // The update arrives first: it is in force, and the original, arriving late, never is.
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("aggiornamento.xml"))
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Sostituisce(_)));
    let (e, id) = fonti::ricevi_cap(
        db,
        &terr,
        &fonte,
        &actor,
        &xml("allerta-toscana-multilingua.xml"),
    )
    .await
    .unwrap();
    assert_eq!(e, registro::Esito::GiaSuperato);
    assert_eq!(
        store::per_id(db, id.unwrap()).await.unwrap().stato,
        "sostituita"
    );
    let s = store::stato_al(db, t("2026-10-15T06:00:00Z"))
        .await
        .unwrap();
    assert_eq!(firenze(&s), Livello::Rosso);
    // A copy is a duplicate; the cancel ends the update from its sent time.
    let (e, id) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("aggiornamento.xml"))
        .await
        .unwrap();
    assert_eq!((e, id), (registro::Esito::Duplicato, None));
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("annullamento.xml"))
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Annulla(_)));
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T06:59:00Z"))
                .await
                .unwrap()
        ),
        Livello::Rosso
    );
    assert!(
        store::stato_al(db, t("2026-10-15T07:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // Acknowledgements and errors are kept, never public.
    for n in ["conferma.xml", "errore.xml"] {
        let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml(n))
            .await
            .unwrap();
        assert!(matches!(e, registro::Esito::Ignorato(_)), "{n}");
    }
    // An exercise copy of the alert (new identifier) never reaches the public state.
    let esercitazione = xml("allerta-toscana-multilingua.xml")
        .replace(
            "<cap:status>Actual</cap:status>",
            "<cap:status>Exercise</cap:status>",
        )
        .replace("it.toscana.cfr.2026.0412", "it.toscana.cfr.2026.0500");
    let (e, id) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &esercitazione)
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Ignorato(_)));
    assert!(store::per_id(db, id.unwrap()).await.unwrap().esercitazione);
    // A new alert expires by itself: in force at noon, gone after its expiry.
    let nuova = xml("allerta-toscana-multilingua.xml")
        .replace("it.toscana.cfr.2026.0412", "it.toscana.cfr.2026.0600");
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &nuova)
        .await
        .unwrap();
    assert_eq!(e, registro::Esito::Nuovo);
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T12:00:00Z"))
                .await
                .unwrap()
        ),
        Livello::Arancione
    );
    assert!(
        store::stato_al(db, t("2026-10-15T22:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // Two alerts on the same comune and risk: the highest level wins.
    let rossa = nuova
        .replace("it.toscana.cfr.2026.0600", "it.toscana.cfr.2026.0601")
        .replace("3; orange; Severe", "4; red; Extreme");
    fonti::ricevi_cap(db, &terr, &fonte, &actor, &rossa)
        .await
        .unwrap();
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T12:00:00Z"))
                .await
                .unwrap()
        ),
        Livello::Rosso
    );
    assert_eq!(
        store::attive_al(db, t("2026-10-15T12:00:00Z"))
            .await
            .unwrap()
            .len(),
        2
    );
    // Garbage is refused with a reason, nothing stored.
    let n = store::attive_al(db, t("2026-10-15T12:00:00Z"))
        .await
        .unwrap()
        .len();
    let err = fonti::ricevi_cap(db, &terr, &fonte, &actor, "<alert><oops")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("CAP"), "{err}");
    assert_eq!(
        store::attive_al(db, t("2026-10-15T12:00:00Z"))
            .await
            .unwrap()
            .len(),
        n
    );
    // Every document is in the audit log with its raw text.
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("allerta"))
        .all(db)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| {
        a.azione == "duplicato"
            && a.entita_id.contains("it.toscana.cfr.2026.0413")
            && a.dopo.as_deref().unwrap_or("").contains("sha256")
    }));
    assert!(
        audit.iter().any(|a| a.azione == "annullamento"
            && a.dopo.as_deref().unwrap_or("").contains("<references>"))
    );
}

fn id_da(r: &crate::common::Resp) -> i64 {
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn json_stato(app: &TestApp, q: &str) -> serde_json::Value {
    let r = app.get(Role::Anon, &format!("/allerte.json{q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    serde_json::from_str(&r.text()).unwrap()
}

fn livello_json(v: &serde_json::Value, istat: &str, rischio: &str) -> String {
    v["comuni"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["istat"] == istat)
        .unwrap()["rischi"][rischio]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_alert_composed_by_an_operator_is_public_only_after_a_second_person_approves() {
    let app = TestApp::new().await;
    let corpo = "titolo=Vento+forte+sulla+costa&rischio=vento&livello=arancione&scadenza=01%2F01%2F2099+10%3A00&zone=I&comuni=048017&istruzioni=Fissa+gli+oggetti";
    // A viewer cannot compose; bad input comes back in Italian, nothing saved.
    assert_eq!(
        app.post_form(Role::Viewer, "/allerte/nuova", corpo)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            Role::Editor,
            "/allerte/nuova",
            "titolo=&rischio=boh&livello=verde&scadenza=ieri",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "Scrivi il titolo",
        "Scegli il rischio",
        "Scegli il livello",
        "Indica fino a quando",
        "almeno una zona",
    ] {
        assert!(r.text().contains(m), "{m}");
    }
    assert!(store_vuoto(&app).await);

    let r = app.post_form(Role::Editor, "/allerte/nuova", corpo).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_da(&r);
    // Not public: not in the state, not in the feed, its page only for the staff.
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "vento"),
        "verde"
    );
    assert!(
        !app.get(Role::Anon, "/allerte/cap.atom")
            .await
            .text()
            .contains(&format!("/allerte/cap/{id}"))
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/{id}")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/cap/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Its author cannot approve it; a referente cannot decide on a regional alert.
    let r = app
        .post_form(Role::Editor, &format!("/allerte/{id}/approva"), "")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("persona diversa"));
    assert_eq!(
        app.post_form(Role::Referente, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A second authorised person approves: public at once, on the page and the feeds.
    let r = app
        .post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v = json_stato(&app, "").await;
    assert_eq!(livello_json(&v, "048017", "vento"), "arancione");
    assert_eq!(
        livello_json(&v, "049010", "vento"),
        "arancione",
        "Portoferraio, zone I"
    );
    assert_eq!(livello_json(&v, "050026", "vento"), "verde", "Pisa");
    let pagina = app.get(Role::Anon, "/allerte").await.text();
    assert!(pagina.contains("Vento forte sulla costa"));
    assert!(
        app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("Vento forte sulla costa")
    );
    // Approving twice is refused.
    assert_eq!(
        app.post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::CONFLICT
    );
    // The audit log has the composition and the approval, with the CAP document.
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("allerta"))
        .filter(piazza_db::entities::audit_log::Column::EntitaId.eq(id.to_string()))
        .all(&app.db)
        .await
        .unwrap();
    let azioni: Vec<&str> = audit.iter().map(|a| a.azione.as_str()).collect();
    assert_eq!(azioni, ["componi", "approva"]);
    assert!(
        audit[0]
            .dopo
            .as_deref()
            .unwrap()
            .contains("urn:oasis:names:tc:emergency:cap:1.2")
    );
    // An operator cancels it: gone from the state, still in the history at an earlier instant.
    let prima = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        app.post_form(Role::Editor, &format!("/allerte/{id}/annulla"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "vento"),
        "verde"
    );
    let al = format!(
        "?al={}",
        prima
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            .replace('+', "%2B")
    );
    assert_eq!(
        livello_json(&json_stato(&app, &al).await, "048017", "vento"),
        "arancione"
    );
    let r = app.get(Role::Anon, "/allerte.json?al=ieri").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("RFC 3339"));
}

async fn store_vuoto(app: &TestApp) -> bool {
    piazza_db::entities::allerta::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .is_empty()
}

#[tokio::test]
async fn a_municipal_editor_alerts_only_their_own_comune() {
    let app = TestApp::new().await;
    // The referente of Firenze, for Pisa: refused, nothing saved.
    let pisa = "titolo=Allerta&rischio=idraulico&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&comuni=050026";
    assert_eq!(
        app.post_form(Role::Referente, "/allerte/nuova", pisa)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Nor a whole zone.
    let zona = "titolo=Allerta&rischio=idraulico&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&zone=A3&comuni=048017";
    let r = app.post_form(Role::Referente, "/allerte/nuova", zona).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Solo la sala operativa"));
    assert!(store_vuoto(&app).await);
    // For Firenze: waiting; the regional desk approves it.
    let firenze = "titolo=Esondazione+del+Mugnone&rischio=idraulico&livello=rosso&scadenza=01%2F01%2F2099+10%3A00&comuni=048017";
    let r = app
        .post_form(Role::Referente, "/allerte/nuova", firenze)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_da(&r);
    assert!(
        app.get(Role::Referente, "/allerte/gestione")
            .await
            .text()
            .contains("Esondazione del Mugnone")
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "idraulico"),
        "verde"
    );
    assert_eq!(
        app.post_form(Role::Editor, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        livello_json(&json_stato(&app, "").await, "048017", "idraulico"),
        "rosso"
    );
    // An exercise, approved, never becomes public.
    let esercitazione = format!("{firenze}&esercitazione=1").replace("Esondazione", "Prova");
    let r = app
        .post_form(Role::Editor, "/allerte/nuova", &esercitazione)
        .await;
    let id = id_da(&r);
    assert_eq!(
        app.post_form(Role::Admin, &format!("/allerte/{id}/approva"), "")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.get(Role::Anon, "/allerte")
            .await
            .text()
            .contains("Prova del Mugnone")
    );
    assert_eq!(
        app.get(Role::Anon, &format!("/allerte/{id}")).await.status,
        StatusCode::SEE_OTHER
    );
}

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

#[tokio::test]
async fn the_cap_api_takes_documents_only_with_the_token_of_an_active_source() {
    let app = TestApp::new().await;
    let xml = std::fs::read_to_string(format!(
        "{}/../piazza-cap/tests/documenti/allerta-toscana-multilingua.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let invia = |token: Option<String>, corpo: String| {
        let mut b = axum::http::Request::builder()
            .method("POST")
            .uri("/api/allerte/cap")
            .header("host", "localhost")
            .header("content-type", "application/cap+xml");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        b.body(axum::body::Body::from(corpo)).unwrap()
    };
    // An administrator adds the source and issues its token.
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            "codice=cfr-toscana&nome=Centro+funzionale&tipo=cap_api",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = piazza_db::entities::fonte_allerta::Entity::find()
        .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("cfr-toscana"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.post_form(
            Role::Editor,
            &format!("/allerte/fonti/{}/token", fonte.id),
            ""
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let pagina = app
        .post_form(
            Role::Admin,
            &format!("/allerte/fonti/{}/token", fonte.id),
            "",
        )
        .await
        .text();
    let token = pagina
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    assert!(token.starts_with(&format!("pz_{}_", fonte.id)));
    // Without a token, with a wrong one: 401, nothing stored.
    assert_eq!(
        app.send(invia(None, xml.clone())).await.status,
        StatusCode::UNAUTHORIZED
    );
    let sbagliato = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(
        app.send(invia(Some(sbagliato), xml.clone())).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(store_vuoto(&app).await);
    // With it: stored as the source's, then a copy is a duplicate.
    let r = app.send(invia(Some(token.clone()), xml.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app.send(invia(Some(token.clone()), xml.clone())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("già ricevuto"));
    // Garbage: 400 with the reason in Italian.
    let r = app
        .send(invia(Some(token.clone()), "<alert><broken".into()))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.text().contains("Documento CAP non leggibile"),
        "{}",
        r.text()
    );
    // A source switched off cannot post.
    app.post_form(
        Role::Admin,
        &format!("/allerte/fonti/{}/attiva", fonte.id),
        "attiva=0",
    )
    .await;
    assert_eq!(
        app.send(invia(Some(token), xml)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The sources page shows it to the staff, not to a referente.
    assert!(
        app.get(Role::Viewer, "/allerte/fonti")
            .await
            .text()
            .contains("Centro funzionale")
    );
    assert_eq!(
        app.get(Role::Referente, "/allerte/fonti").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn notices_and_plans_belong_to_the_comune_s_editors() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=050026&tipo=acqua&titolo=Acqua",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not their comune");
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=048017&tipo=viabilita&titolo=&lat=43,77",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Scrivi il titolo"));
    assert!(r.text().contains("sia la latitudine sia la longitudine"));
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/avvisi",
            "comune=048017&tipo=viabilita&titolo=Ponte+Vecchio+chiuso&testo=Per+lavori&lat=43%2C768&lon=11%2C253",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pagina = app.get(Role::Anon, "/comuni/048017").await.text();
    assert!(pagina.contains("Ponte Vecchio chiuso") && pagina.contains("openstreetmap"));
    let feed = app
        .get(Role::Anon, "/comuni/048017/avvisi.atom")
        .await
        .text();
    assert!(feed.contains("Ponte Vecchio chiuso"));
    assert!(
        !app.get(Role::Anon, "/comuni/050026/avvisi.atom")
            .await
            .text()
            .contains("Ponte Vecchio")
    );
    let avviso = piazza_db::entities::avviso_comunale::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.post_form(
            Role::Viewer,
            &format!("/allerte/avvisi/{}/ritira", avviso.id),
            ""
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(
            Role::Referente,
            &format!("/allerte/avvisi/{}/ritira", avviso.id),
            ""
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !app.get(Role::Anon, "/comuni/048017")
            .await
            .text()
            .contains("Ponte Vecchio chiuso")
    );

    // Plans: the referente of Firenze records theirs, not Pisa's; old plans are flagged.
    assert_eq!(
        app.post_form(
            Role::Referente,
            "/allerte/adesioni/050026",
            "adesione=01%2F02%2F2021"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/adesioni/048017",
            "adesione=01%2F02%2F2021&piano_approvato=10%2F05%2F2015",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pagina = app.get(Role::Editor, "/allerte/adesioni").await.text();
    assert!(pagina.contains("1 comuni aderiscono"), "one comune adopted");
    assert!(
        pagina.contains("273 hanno un piano"),
        "Firenze's plan is from 2015: out of date too"
    );
    let r = app
        .post_form(
            Role::Referente,
            "/allerte/adesioni/048017",
            "adesione=01%2F02%2F2099",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("nel futuro"));
}

/// A source on loopback for the poller: an Atom feed of CAP documents with ETag support and a
/// switch to make it fail in the ways real feeds fail; and a national bulletin.
mod peer {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;

    #[derive(Default)]
    pub struct Stato {
        /// 0 normal, 1 HTTP 500, 2 garbage, 3 too slow, 4 gone (404).
        pub modo: AtomicUsize,
        pub richieste: AtomicUsize,
        pub condizionali: AtomicUsize,
        pub documenti: std::sync::Mutex<Vec<String>>,
        pub bollettino: std::sync::Mutex<Vec<(String, String)>>,
    }

    pub async fn avvia(s: Arc<Stato>) -> String {
        let s2 = s.clone();
        let s3 = s.clone();
        let s4 = s.clone();
        let app = Router::new()
            .route(
                "/feed.atom",
                get(move |h: HeaderMap| {
                    let s = s2.clone();
                    async move { feed(&s, &h).await }
                }),
            )
            .route(
                "/cap/{n}",
                get(move |axum::extract::Path(n): axum::extract::Path<usize>| {
                    let s = s3.clone();
                    async move {
                        let d = s.documenti.lock().unwrap().get(n).cloned();
                        match d {
                            Some(d) => {
                                ([(header::CONTENT_TYPE, "application/cap+xml")], d).into_response()
                            }
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                }),
            )
            .route(
                "/dpc/{file}",
                get(move |axum::extract::Path(f): axum::extract::Path<String>| {
                    let s = s4.clone();
                    async move {
                        let b = s
                            .bollettino
                            .lock()
                            .unwrap()
                            .iter()
                            .find(|(n, _)| *n == f)
                            .map(|(_, b)| b.clone());
                        match b {
                            Some(b) => b.into_response(),
                            None => StatusCode::NOT_FOUND.into_response(),
                        }
                    }
                }),
            );
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
        format!("http://{addr}")
    }

    async fn feed(s: &Stato, h: &HeaderMap) -> Response {
        s.richieste.fetch_add(1, Ordering::SeqCst);
        match s.modo.load(Ordering::SeqCst) {
            1 => return (StatusCode::INTERNAL_SERVER_ERROR, "errore").into_response(),
            2 => return "<html><body>Servizio in manutenzione</body></html>".into_response(),
            3 => {
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                return "tardi".into_response();
            }
            4 => return StatusCode::NOT_FOUND.into_response(),
            _ => {}
        }
        let n = s.documenti.lock().unwrap().len();
        let etag = format!("\"v{n}\"");
        if h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            s.condizionali.fetch_add(1, Ordering::SeqCst);
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let entries: String = (0..n)
            .map(|i| format!("<entry><id>urn:{i}</id><title>{i}</title><updated>2026-11-26T10:00:00Z</updated><link rel=\"alternate\" type=\"application/cap+xml\" href=\"/cap/{i}\"/></entry>"))
            .collect();
        (
            [(header::ETAG, etag), (header::CONTENT_TYPE, "application/atom+xml".into())],
            format!("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:feed</id><title>Feed</title><updated>2026-11-26T10:00:00Z</updated>{entries}</feed>"),
        )
            .into_response()
    }
}

#[tokio::test]
async fn polling_a_feed_is_conditional_and_failures_never_touch_the_state() {
    use std::sync::atomic::Ordering;

    use piazza_web::allerte::{poller, store};
    // The peer serving the feed listens on loopback.
    let app = TestApp::with_config(piazza_web::AppConfig {
        allerte: piazza_web::config::Allerte {
            fonti_loopback: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let terr = app.state.territorio.get();
    let s = std::sync::Arc::new(peer::Stato::default());
    let base = peer::avvia(s.clone()).await;
    let oggi = chrono::Utc::now();
    let domani =
        (oggi + chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let xml = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/{n}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .replace("2026-10-15T23:59:00+02:00", &domani)
        .replace("2026-10-16T12:00:00+02:00", &domani)
    };
    s.documenti
        .lock()
        .unwrap()
        .push(xml("allerta-toscana-multilingua.xml"));
    s.documenti.lock().unwrap().push(xml("aggiornamento.xml"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            &format!("codice=meteo&nome=Feed+CAP+di+prova&tipo=cap_feed&url={base}/feed.atom&intervallo=60"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = || async {
        piazza_db::entities::fonte_allerta::Entity::find()
            .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("meteo"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        poller::da_interrogare(&app.db, chrono::Utc::now())
            .await
            .unwrap()
            .len(),
        1,
        "due at once"
    );
    let client = poller::client(
        std::time::Duration::from_secs(1),
        piazza_net::Regole::fonti().loopback(),
    );
    let firenze = || async {
        livello_al(
            &store::stato_al(&app.db, chrono::Utc::now()).await.unwrap(),
            &terr,
            "048017",
            "idrogeologico",
        )
    };

    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.documenti, r.nuovi, r.invariato), (2, 2, false));
    assert_eq!(firenze().await, Livello::Rosso, "the update is in force");
    let f = fonte().await;
    assert_eq!(f.etag.as_deref(), Some("\"v2\""));
    assert!(f.prossimo_tentativo.unwrap() > chrono::Utc::now() + chrono::Duration::seconds(50));
    assert!(
        poller::da_interrogare(&app.db, chrono::Utc::now())
            .await
            .unwrap()
            .is_empty(),
        "not due again yet"
    );

    // Again: a conditional request, 304, nothing to do.
    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert!(r.invariato);
    assert_eq!(s.condizionali.load(Ordering::SeqCst), 1);

    // The feed fails in every way: the state stays, the health says it, the wait grows.
    let mut attese = Vec::new();
    for (modo, messaggio) in [
        (1, "HTTP 500"),
        (2, "atteso un feed Atom"),
        (3, "tempo scaduto"),
        (4, "HTTP 404"),
    ] {
        s.modo.store(modo, Ordering::SeqCst);
        let e = poller::interroga(&app.db, &terr, &client, &fonte().await)
            .await
            .unwrap()
            .unwrap_err();
        assert!(e.contains(messaggio), "{modo}: {e}");
        assert_eq!(
            firenze().await,
            Livello::Rosso,
            "mode {modo} leaves the state alone"
        );
        let f = fonte().await;
        assert_eq!(f.errori_consecutivi as usize, attese.len() + 1);
        attese.push((f.prossimo_tentativo.unwrap() - chrono::Utc::now()).num_seconds());
    }
    assert!(
        attese.windows(2).all(|w| w[1] > w[0]),
        "backoff grows: {attese:?}"
    );
    let pagina = app.get(Role::Editor, "/allerte/gestione").await.text();
    assert!(
        pagina.contains("4 errori di fila") && pagina.contains("HTTP 404"),
        "health on the desk"
    );

    // Back to normal: healthy again, recorded in the audit log.
    s.modo.store(0, Ordering::SeqCst);
    let r = poller::interroga(&app.db, &terr, &client, &fonte().await)
        .await
        .unwrap()
        .unwrap();
    assert!(r.invariato || r.duplicati == 2);
    assert_eq!(fonte().await.errori_consecutivi, 0);
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("fonte_allerta"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.azione == "interrogazione_fallita")
            .count(),
        4
    );
    assert!(audit.iter().any(|a| a.azione == "fonte_ripristinata"));
    assert!(s.richieste.load(Ordering::SeqCst) >= 7);
}

#[tokio::test]
async fn polling_the_national_bulletin_applies_today_and_tomorrow() {
    use piazza_web::allerte::{poller, store};
    // The peer serving the feed listens on loopback.
    let app = TestApp::with_config(piazza_web::AppConfig {
        allerte: piazza_web::config::Allerte {
            fonti_loopback: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let terr = app.state.territorio.get();
    let s = std::sync::Arc::new(peer::Stato::default());
    let base = peer::avvia(s.clone()).await;
    let oggi = String::from_utf8(data_file(
        "dpc-bollettini/20231103_1614_today.stripped.json",
    ))
    .unwrap();
    let domani = oggi.replace("20231103_1614_today", "20231103_1614_tomorrow");
    let indice = String::from_utf8(data_file("dpc-bollettini/20231103_1614.json"))
        .unwrap()
        .replace(
            "https://raw.githubusercontent.com/pcm-dpc/DPC-Bollettini-Criticita-Idrogeologica-Idraulica/master/files/topojson/",
            &format!("{base}/dpc/"),
        );
    *s.bollettino.lock().unwrap() = vec![
        ("indice.json".into(), indice),
        ("20231103_1614_today.json".into(), oggi),
        ("20231103_1614_tomorrow.json".into(), domani),
    ];
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti",
            &format!(
                "codice=dpc-web&nome=Bollettino+DPC&tipo=bollettino_dpc&url={base}/dpc/indice.json"
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let fonte = piazza_db::entities::fonte_allerta::Entity::find()
        .filter(piazza_db::entities::fonte_allerta::Column::Codice.eq("dpc-web"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let client = poller::client(
        std::time::Duration::from_secs(2),
        piazza_net::Regole::fonti().loopback(),
    );
    let r = poller::interroga(&app.db, &terr, &client, &fonte)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.documenti, r.nuovi), (2, 2), "{r:?}");
    for t_ in ["2023-11-03T18:00:00Z", "2023-11-04T12:00:00Z"] {
        let st = store::stato_al(&app.db, t(t_)).await.unwrap();
        assert_eq!(contati(&st, "idraulico", Livello::Arancione), 66, "{t_}");
    }
    // A missing day file: an error, nothing applied (the index is all or nothing).
    s.bollettino
        .lock()
        .unwrap()
        .retain(|(n, _)| !n.contains("tomorrow"));
    let fonte = piazza_db::entities::fonte_allerta::Entity::find_by_id(fonte.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let e = poller::interroga(&app.db, &terr, &client, &fonte)
        .await
        .unwrap()
        .unwrap_err();
    assert!(e.contains("404"), "{e}");
}

#[tokio::test]
async fn geocodes_of_other_systems_are_mapped_by_an_administrator() {
    let app = TestApp::new().await;
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=EMMA_ID&valore=IT999&destinazione=zona%3AZZ",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("non riconosciuta"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=EMMA_ID&valore=IT009&destinazione=regione",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("già mappato"));
    let r = app
        .post_form(
            Role::Admin,
            "/allerte/fonti/geocodici",
            "value_name=NUTS3&valore=ITI12&destinazione=zona%3AS2",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let terr = app.state.territorio.get();
    let mappe = piazza_web::allerte::fonti::mappature(&app.db, &terr)
        .await
        .unwrap();
    let lucca = mappe.iter().find(|m| m.valore == "ITI12").unwrap();
    assert_eq!(lucca.comuni.len(), 4);
    assert!(
        app.get(Role::Viewer, "/allerte/fonti")
            .await
            .text()
            .contains("ITI12")
    );
}
