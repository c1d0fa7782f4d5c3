//! The cost of placing a CAP polygon on the comuni's boundaries (`allerte::area`), the CPU work
//! behind every CAP document that has polygons and no geocode. Run by `bench/cap.sh`.
//!
//! Polygons of 5 (the baseline), 1,000, 10,000 (the most a document may have: `piazza_cap::
//! MAX_PUNTI_POLIGONO`) and 80,000 points (the attack of issue 14, now refused by the parser;
//! measured here on the geometry alone), each a ring of radius ~30 km around Firenze, matched
//! against the 273 real boundaries of Tuscany. Prints wall and CPU time per document and the
//! ratio to the baseline.

use std::time::{Duration, Instant};

use piazza_cap::{Area, Polygon};
use piazza_web::allerte::area::{Confine, comuni_toccati};

/// CPU time of this thread (Linux `schedstat`, nanoseconds).
fn cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

fn anello(punti: usize) -> Area {
    let pts = (0..punti)
        .map(|i| {
            let a = i as f64 / punti as f64 * std::f64::consts::TAU;
            // A slightly irregular ring, as drawn warning areas are.
            let r = 0.27 + 0.03 * (7.0 * a).sin();
            (43.77 + r * a.sin(), 11.25 + r * 1.38 * a.cos())
        })
        .collect();
    Area {
        area_desc: "prova".into(),
        polygons: vec![Polygon(pts)],
        ..Default::default()
    }
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/comuni-toscana.geojson"
    );
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the boundaries")).unwrap();
    let confini: Vec<Confine> = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Confine::da_geojson(
                f["properties"]["com_istat_code"].as_str()?,
                &f["geometry"].to_string(),
            )
        })
        .collect();
    assert_eq!(confini.len(), 273);
    let misura = |punti: usize, volte: usize| {
        let area = anello(punti);
        let (t0, c0) = (Instant::now(), cpu());
        let mut n = 0;
        for _ in 0..volte {
            n = std::hint::black_box(comuni_toccati(&area, &confini)).len();
        }
        (t0.elapsed() / volte as u32, (cpu() - c0) / volte as u32, n)
    };
    let (base, base_cpu, n) = misura(5, 200);
    println!("polygon points | comuni | wall per document | CPU per document | × baseline (CPU)");
    println!("5 (baseline) | {n} | {base:.2?} | {base_cpu:.2?} | 1");
    for (punti, volte) in [(1_000, 20), (10_000, 5), (80_000, 2)] {
        let (t, c, n) = misura(punti, volte);
        println!(
            "{punti} | {n} | {t:.2?} | {c:.2?} | {:.1}",
            c.as_secs_f64() / base_cpu.as_secs_f64().max(1e-9)
        );
    }
}
