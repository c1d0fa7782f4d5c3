use chrono::{DateTime, Utc};
use piazza_web::allerte::bollettino::{Livello, leggi_topojson, livelli_per_comune};
use piazza_web::allerte::{da_cap, registro};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{TestApp, data_file};

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
async fn cap_documents_alert_update_cancel_drive_the_state_of_a_comune() {
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let mut r = registro::Registro::default();
    let a = da_cap::avviso(&cap("allerta-toscana-multilingua.xml"), &terr);
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
    assert_eq!(r.applica(a), registro::Esito::Nuovo);
    let durante = t("2026-10-15T10:00:00Z");
    assert_eq!(
        r.livelli(durante)["048017"]["idrogeologico"],
        Livello::Arancione
    );
    assert!(
        r.livelli(t("2026-10-14T12:00:00Z")).is_empty(),
        "before its onset"
    );

    let u = da_cap::avviso(&cap("aggiornamento.xml"), &terr);
    assert!(matches!(r.applica(u), registro::Esito::Sostituisce(_)));
    assert_eq!(
        r.livelli(durante)["048017"]["idrogeologico"],
        Livello::Rosso,
        "the update replaces"
    );
    assert_eq!(r.livelli(durante).len(), 1);

    let c = da_cap::avviso(&cap("annullamento.xml"), &terr);
    assert!(matches!(r.applica(c), registro::Esito::Annulla(_)));
    assert!(r.livelli(durante).is_empty(), "the cancel ends it");

    // A zone geocode means every comune of the zone (its code or the DPC's).
    let mut info = cap("aggiornamento.xml").infos[0].clone();
    info.areas[0].geocodes = vec![piazza_cap::ValuePair {
        value_name: "ZONA_ALLERTA".into(),
        value: "Tosc-A1".into(),
    }];
    assert_eq!(da_cap::comuni(&info, &terr).len(), 12, "Arno-Casentino");
    // An alert for another region touches no comune of Tuscany.
    let lombardia = da_cap::avviso(
        &cap("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml"),
        &terr,
    );
    assert!(lombardia.voci.is_empty());
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
            && a.dopo
                .as_deref()
                .unwrap_or("")
                .contains("it.toscana.cfr.2026.0413")
    }));
    assert!(
        audit.iter().any(|a| a.azione == "annullamento"
            && a.dopo.as_deref().unwrap_or("").contains("<references>"))
    );
}
