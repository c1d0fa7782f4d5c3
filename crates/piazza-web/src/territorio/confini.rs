//! The comuni's boundaries, as the territory stores them (GeoJSON, longitude first), read into
//! rings of (lat, lon) with their bounding box: the geometry other domains test against (the
//! CAP areas of Allerte, in `allerte::area`).

/// A comune's boundary: its rings as (lat, lon), with their bounding box.
#[derive(Debug, Clone)]
pub struct Confine {
    pub codice: String,
    /// Rings as (lat, lon); holes count out (even-odd).
    pub(crate) anelli: Vec<Vec<(f64, f64)>>,
    pub(crate) min: (f64, f64),
    pub(crate) max: (f64, f64),
}

impl Confine {
    /// From a GeoJSON Polygon or MultiPolygon geometry; `None` if it is neither.
    pub fn da_geojson(codice: &str, geometria: &str) -> Option<Self> {
        let g: serde_json::Value = serde_json::from_str(geometria).ok()?;
        let coords = g.get("coordinates")?;
        let poligoni: Vec<&serde_json::Value> = match g.get("type")?.as_str()? {
            "Polygon" => vec![coords],
            "MultiPolygon" => coords.as_array()?.iter().collect(),
            _ => return None,
        };
        let mut anelli = Vec::new();
        for p in poligoni {
            for anello in p.as_array()? {
                let punti: Vec<(f64, f64)> = anello
                    .as_array()?
                    .iter()
                    .filter_map(|c| Some((c.get(1)?.as_f64()?, c.get(0)?.as_f64()?)))
                    .collect();
                if punti.len() >= 3 {
                    anelli.push(punti);
                }
            }
        }
        let tutti = anelli.iter().flatten();
        let min = tutti
            .clone()
            .fold((f64::MAX, f64::MAX), |m, p| (m.0.min(p.0), m.1.min(p.1)));
        let max = tutti.fold((f64::MIN, f64::MIN), |m, p| (m.0.max(p.0), m.1.max(p.1)));
        (!anelli.is_empty()).then(|| Self {
            codice: codice.to_owned(),
            anelli,
            min,
            max,
        })
    }

    /// Whether the point (lat, lon) is inside.
    pub fn contiene(&self, p: (f64, f64)) -> bool {
        // Even-odd over all rings: holes count out.
        self.anelli.iter().filter(|a| dentro(a, p)).count() % 2 == 1
    }
}

/// Ray casting, (lat, lon) points.
pub fn dentro(anello: &[(f64, f64)], p: (f64, f64)) -> bool {
    let mut dentro = false;
    let n = anello.len();
    let mut j = n - 1;
    for i in 0..n {
        let (yi, xi) = anello[i];
        let (yj, xj) = anello[j];
        if (yi > p.0) != (yj > p.0) && p.1 < (xj - xi) * (p.0 - yi) / (yj - yi) + xi {
            dentro = !dentro;
        }
        j = i;
    }
    dentro
}
