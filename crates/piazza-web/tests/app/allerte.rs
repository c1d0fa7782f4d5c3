use piazza_web::allerte::bollettino::{Livello, leggi_topojson, livelli_per_comune};

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
