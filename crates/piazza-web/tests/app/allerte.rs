use chrono::{DateTime, Utc};
use piazza_web::allerte::bollettino::{Livello, leggi_topojson, livelli_per_comune};
use piazza_web::allerte::{da_cap, registro};

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
