//! Reading the sources: the national bulletin, CAP documents, circles and polygons.

use piazza_web::allerte::bollettino::{Livello, livelli_per_comune};
use piazza_web::allerte::{da_cap, registro};

use super::{cap, livello, t, topojson};
use crate::common::TestApp;

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
