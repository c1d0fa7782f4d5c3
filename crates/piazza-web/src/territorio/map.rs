//! Maps drawn server-side as SVG from the real boundaries: the geometry is projected and
//! simplified once when the territory is loaded; each map then only assigns a class per comune.
//! Any module can draw its own per-comune indicator with [`Layer`] and [`render`].

use std::collections::HashMap;
use std::fmt::Write;

use piazza_db::entities::confine;

use crate::kit::text::esc;

/// Width of the SVG coordinate space; the height follows the region's shape.
const WIDTH: f64 = 1000.0;
/// Douglas–Peucker tolerance, in SVG units (about 1 px on a 1000 px wide map).
const TOLERANCE: f64 = 1.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct BBox {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl BBox {
    fn empty() -> Self {
        Self {
            min_x: f64::MAX,
            min_y: f64::MAX,
            max_x: f64::MIN,
            max_y: f64::MIN,
        }
    }
    fn add(&mut self, x: f64, y: f64) {
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }
    fn union(&mut self, o: &BBox) {
        self.add(o.min_x, o.min_y);
        self.add(o.max_x, o.max_y);
    }
    fn is_empty(&self) -> bool {
        self.min_x > self.max_x
    }
}

/// A projected, simplified shape ready to be written as an SVG path.
#[derive(Debug, Clone)]
pub struct Shape {
    pub d: String,
    pub bbox: BBox,
}

/// The projected geometry of a region: one shape per comune and per province.
#[derive(Debug, Default)]
pub struct MapBase {
    pub width: f64,
    pub height: f64,
    pub comuni: HashMap<String, Shape>,
    pub province: Vec<(String, Shape)>,
    /// Comuni that share a border, by ISTAT code (sorted).
    pub confinanti: HashMap<String, Vec<String>>,
}

type Ring = Vec<(f64, f64)>;

fn polygons(geom: &geojson::Geometry) -> Vec<Vec<Ring>> {
    let to_ring = |r: &Vec<geojson::Position>| {
        r.iter()
            .filter(|p| p.len() >= 2)
            .map(|p| (p[0], p[1]))
            .collect::<Ring>()
    };
    match &geom.value {
        geojson::GeometryValue::Polygon { coordinates: p } => vec![p.iter().map(to_ring).collect()],
        geojson::GeometryValue::MultiPolygon { coordinates: mp } => {
            mp.iter().map(|p| p.iter().map(to_ring).collect()).collect()
        }
        _ => Vec::new(),
    }
}

impl MapBase {
    /// Projects (equirectangular, scaled by the cosine of the mean latitude) and simplifies.
    pub fn build(confini: &[confine::Model]) -> Self {
        let parsed: Vec<(&confine::Model, Vec<Vec<Ring>>)> = confini
            .iter()
            .filter_map(|c| {
                c.geometria
                    .parse::<geojson::Geometry>()
                    .ok()
                    .map(|g| (c, polygons(&g)))
            })
            .collect();
        let mut ll = BBox::empty();
        for (c, polys) in &parsed {
            if c.livello != "comune" {
                continue;
            }
            for ring in polys.iter().flatten() {
                for (x, y) in ring {
                    ll.add(*x, *y);
                }
            }
        }
        if ll.is_empty() {
            return MapBase::default();
        }
        let k_lon = ((ll.min_y + ll.max_y) / 2.0).to_radians().cos();
        let scale = WIDTH / ((ll.max_x - ll.min_x) * k_lon);
        let height = ((ll.max_y - ll.min_y) * scale).ceil();
        let project =
            |(lon, lat): (f64, f64)| ((lon - ll.min_x) * k_lon * scale, (ll.max_y - lat) * scale);
        let mut base = MapBase {
            width: WIDTH,
            height,
            ..Default::default()
        };
        base.confinanti = neighbours(&parsed);
        for (c, polys) in parsed {
            let mut d = String::new();
            let mut bbox = BBox::empty();
            let mut largest: Option<Ring> = None;
            for ring in polys.iter().flatten() {
                let pts: Ring = ring.iter().copied().map(project).collect();
                let simplified = simplify(&pts, TOLERANCE);
                if (simplified.len() < 4 || !write_ring(&mut d, &simplified, &mut bbox))
                    && largest.as_ref().is_none_or(|l| l.len() < pts.len())
                {
                    largest = Some(pts);
                }
            }
            if d.is_empty() {
                // Every ring is below the resolution: keep the largest, unsimplified, so the
                // comune is still drawn and clickable.
                if let Some(pts) = largest.filter(|p| p.len() >= 4) {
                    let _ = write_ring(&mut d, &pts, &mut bbox);
                }
                if d.is_empty() {
                    continue;
                }
            }
            let shape = Shape { d, bbox };
            if c.livello == "comune" {
                base.comuni.insert(c.codice.clone(), shape);
            } else {
                base.province.push((c.codice.clone(), shape));
            }
        }
        base
    }
}

/// Comuni sharing at least two boundary vertices (the boundaries come from one topology, so
/// neighbours have identical vertices along their common border).
fn neighbours(parsed: &[(&confine::Model, Vec<Vec<Ring>>)]) -> HashMap<String, Vec<String>> {
    let key = |(x, y): (f64, f64)| ((x * 1e6).round() as i64, (y * 1e6).round() as i64);
    let mut owners: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    let comuni: Vec<_> = parsed
        .iter()
        .filter(|(c, _)| c.livello == "comune")
        .collect();
    for (i, (_, polys)) in comuni.iter().enumerate() {
        for p in polys.iter().flatten().flatten() {
            let v = owners.entry(key(*p)).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    let mut shared: HashMap<(usize, usize), u32> = HashMap::new();
    for v in owners.values().filter(|v| v.len() > 1) {
        for a in 0..v.len() {
            for b in a + 1..v.len() {
                *shared.entry((v[a].min(v[b]), v[a].max(v[b]))).or_default() += 1;
            }
        }
    }
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for ((a, b), n) in shared {
        if n >= 2 {
            let (ca, cb) = (&comuni[a].0.codice, &comuni[b].0.codice);
            out.entry(ca.clone()).or_default().push(cb.clone());
            out.entry(cb.clone()).or_default().push(ca.clone());
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// Colours for a categorical map such that neighbouring groups differ: greedy colouring of the
/// groups' adjacency graph, most connected first. `group_of` gives the group of a comune.
pub fn colour_groups(
    base: &MapBase,
    groups: usize,
    group_of: &dyn Fn(&str) -> Option<usize>,
) -> Vec<&'static str> {
    let mut adj = vec![std::collections::BTreeSet::new(); groups];
    for (c, ns) in &base.confinanti {
        let Some(a) = group_of(c) else { continue };
        for n in ns {
            if let Some(b) = group_of(n).filter(|b| *b != a) {
                adj[a].insert(b);
                adj[b].insert(a);
            }
        }
    }
    let mut order: Vec<usize> = (0..groups).collect();
    order.sort_by_key(|g| std::cmp::Reverse(adj[*g].len()));
    let mut colour: Vec<Option<usize>> = vec![None; groups];
    for g in order {
        let used: std::collections::BTreeSet<usize> =
            adj[g].iter().filter_map(|n| colour[*n]).collect();
        colour[g] = Some((0..).find(|c| !used.contains(c)).unwrap_or(0));
    }
    colour
        .into_iter()
        .map(|c| CATEGORICAL[c.unwrap_or(0) % CATEGORICAL.len()])
        .collect()
}

/// Writes a ring as `M x y l dx dy ... z` in whole units (1 unit ≈ 1 px of a 1000 px map),
/// with relative moves to keep it small. Returns false when the ring collapses to a line.
fn write_ring(d: &mut String, pts: &[(f64, f64)], bbox: &mut BBox) -> bool {
    let r = |v: f64| v.round() as i64;
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(pts.len());
    for p in &pts[..pts.len() - 1] {
        let q = (r(p.0), r(p.1));
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    if out.len() < 3 {
        return false;
    }
    let _ = write!(d, "M{} {}l", out[0].0, out[0].1);
    for (i, w) in out.windows(2).enumerate() {
        if i > 0 {
            d.push(' ');
        }
        let _ = write!(d, "{} {}", w[1].0 - w[0].0, w[1].1 - w[0].1);
    }
    d.push('z');
    for p in pts {
        bbox.add(p.0, p.1);
    }
    true
}

/// Douglas–Peucker simplification of a closed ring (first point kept, last equals first).
pub fn simplify(pts: &[(f64, f64)], tol: f64) -> Vec<(f64, f64)> {
    if pts.len() < 4 {
        return pts.to_vec();
    }
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    // Split the ring at the point farthest from the first, so both halves are open polylines.
    let far = (1..pts.len() - 1)
        .max_by(|&a, &b| dist2(pts[0], pts[a]).total_cmp(&dist2(pts[0], pts[b])))
        .unwrap_or(1);
    keep[far] = true;
    let mut stack = vec![(0, far), (far, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut idx, mut max) = (a, 0.0);
        for i in a + 1..b {
            let dd = seg_dist(pts[i], pts[a], pts[b]);
            if dd > max {
                max = dd;
                idx = i;
            }
        }
        if max > tol {
            keep[idx] = true;
            stack.push((a, idx));
            stack.push((idx, b));
        }
    }
    pts.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

fn seg_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let l2 = dist2(a, b);
    if l2 == 0.0 {
        return dist2(p, a).sqrt();
    }
    let t = (((p.0 - a.0) * (b.0 - a.0) + (p.1 - a.1) * (b.1 - a.1)) / l2).clamp(0.0, 1.0);
    dist2(p, (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))).sqrt()
}

/// A class of a map legend.
#[derive(Debug, Clone)]
pub struct Classe {
    pub etichetta: String,
    pub colore: &'static str,
}

/// What a map shows: a title, the legend classes and, per comune (ISTAT code), its class and the
/// text of its tooltip. Comuni with no entry are drawn grey as "nessun dato".
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub titolo: String,
    pub classi: Vec<Classe>,
    pub valori: HashMap<String, (usize, String)>,
    /// Text drawn over the map at the centre of a group of comuni (e.g. the code of an alert zone).
    pub etichette: Vec<(String, Vec<String>)>,
}

pub const NO_DATA: &str = "#e6e9f2";
pub const SEQUENTIAL: [&str; 5] = ["#dbe9f6", "#a6c8e8", "#5d9bd2", "#2a6cb0", "#0b3f7a"];
pub const CATEGORICAL: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
];

/// Draws the whole region (or the comuni in `only`, zoomed to them) as SVG.
/// `names` gives the display name of each comune for links and tooltips.
pub fn render(
    base: &MapBase,
    layer: &Layer,
    names: &dyn Fn(&str) -> Option<String>,
    only: Option<&[&str]>,
) -> String {
    let mut codes: Vec<&String> = match only {
        Some(list) => base
            .comuni
            .keys()
            .filter(|k| list.contains(&k.as_str()))
            .collect(),
        None => base.comuni.keys().collect(),
    };
    codes.sort();
    let mut view = BBox::empty();
    for c in &codes {
        view.union(&base.comuni[*c].bbox);
    }
    if view.is_empty() {
        view = BBox {
            min_x: 0.0,
            min_y: 0.0,
            max_x: base.width.max(1.0),
            max_y: base.height.max(1.0),
        };
    }
    let pad = ((view.max_x - view.min_x).max(view.max_y - view.min_y) * 0.02).max(2.0);
    let mut s = String::with_capacity(codes.len() * 400 + 1024);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="piazza-map" viewBox="{:.0} {:.0} {:.0} {:.0}" role="group" aria-label="{}"><g class="comuni" stroke="#ffffff" stroke-width="0.4">"##,
        view.min_x - pad,
        view.min_y - pad,
        view.max_x - view.min_x + 2.0 * pad,
        view.max_y - view.min_y + 2.0 * pad,
        esc(&format!("Mappa: {}", layer.titolo)),
    );
    for code in codes {
        let shape = &base.comuni[code];
        let name = names(code).unwrap_or_else(|| code.clone());
        let (fill, label) = match layer.valori.get(code.as_str()) {
            Some((cls, text)) => (
                layer.classi.get(*cls).map(|c| c.colore).unwrap_or(NO_DATA),
                format!("{name}: {text}"),
            ),
            None => (NO_DATA, format!("{name}: nessun dato")),
        };
        let label = esc(&label);
        let _ = write!(
            s,
            r#"<a href="/comuni/{code}" aria-label="{label}"><path d="{}" fill="{fill}"><title>{label}</title></path></a>"#,
            shape.d
        );
    }
    s.push_str(r##"</g><g class="province" fill="none" stroke="#1a1a1a" stroke-width="1.1" pointer-events="none" aria-hidden="true">"##);
    if only.is_none() {
        for (_, shape) in &base.province {
            let _ = write!(s, r#"<path d="{}"/>"#, shape.d);
        }
    }
    s.push_str("</g>");
    if !layer.etichette.is_empty() {
        s.push_str(r##"<g class="etichette" font-size="26" font-weight="700" text-anchor="middle" fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke" pointer-events="none" aria-hidden="true">"##);
        for (text, members) in &layer.etichette {
            if let Some((x, y)) = centre(base, members) {
                let _ = write!(
                    s,
                    r#"<text x="{x:.0}" y="{y:.0}" dominant-baseline="middle">{}</text>"#,
                    esc(text)
                );
            }
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// The area-weighted centre of the bounding boxes of some comuni: where to put their label.
fn centre(base: &MapBase, codes: &[String]) -> Option<(f64, f64)> {
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    for b in codes
        .iter()
        .filter_map(|c| base.comuni.get(c))
        .map(|s| s.bbox)
    {
        let w = ((b.max_x - b.min_x) * (b.max_y - b.min_y)).max(1.0);
        sx += w * (b.min_x + b.max_x) / 2.0;
        sy += w * (b.min_y + b.max_y) / 2.0;
        sw += w;
    }
    (sw > 0.0).then(|| (sx / sw, sy / sw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_keeps_corners_and_drops_collinear_points() {
        let square = vec![
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        let s = simplify(&square, 0.5);
        assert_eq!(
            s,
            vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 10.0),
                (0.0, 10.0),
                (0.0, 0.0)
            ]
        );
    }

    #[test]
    fn rings_are_written_in_whole_relative_units() {
        let mut d = String::new();
        let mut bbox = BBox::empty();
        assert!(write_ring(
            &mut d,
            &[(0.2, 0.0), (10.4, 0.0), (10.0, 9.6), (0.0, 0.0)],
            &mut bbox
        ));
        assert_eq!(d, "M0 0l10 0 0 10z");
        let mut d = String::new();
        assert!(
            !write_ring(
                &mut d,
                &[(0.0, 0.0), (0.2, 0.1), (0.1, 0.3), (0.0, 0.0)],
                &mut bbox
            ),
            "collapses"
        );
        assert!(d.is_empty());
    }
}
