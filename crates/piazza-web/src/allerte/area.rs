//! Which comuni a CAP area touches by its geometry: a polygon that intersects a comune's
//! boundary (a vertex of one inside the other, or crossing edges), a circle that reaches it.
//! Boundaries are GeoJSON (longitude, latitude) as the territory stores them; distances use a
//! local equirectangular approximation, good to a few metres at the scale of a region.

use piazza_cap::{Area, Circle, Polygon};

pub use crate::territorio::confini::Confine;
use crate::territorio::confini::dentro;

fn orientamento(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.1 - a.1) * (c.0 - a.0) - (b.0 - a.0) * (c.1 - a.1)
}

fn si_incrociano(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let d1 = orientamento(q1, q2, p1);
    let d2 = orientamento(q1, q2, p2);
    let d3 = orientamento(p1, p2, q1);
    let d4 = orientamento(p1, p2, q2);
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0)
}

fn lati(anello: &[(f64, f64)]) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
    anello
        .iter()
        .zip(anello.iter().cycle().skip(1))
        .map(|(a, b)| (*a, *b))
}

fn poligono_tocca(poly: &Polygon, c: &Confine) -> bool {
    let pts = &poly.0;
    if pts.len() < 3 {
        return false;
    }
    let (pmin, pmax) = pts.iter().fold(
        ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN)),
        |(mn, mx), p| {
            (
                (mn.0.min(p.0), mn.1.min(p.1)),
                (mx.0.max(p.0), mx.1.max(p.1)),
            )
        },
    );
    if pmax.0 < c.min.0 || pmin.0 > c.max.0 || pmax.1 < c.min.1 || pmin.1 > c.max.1 {
        return false;
    }
    // Only what lies in the other's bounding box can be inside it or cross it: a polygon of
    // thousands of points near one comune is not compared edge by edge with all of them.
    let in_box = |p: &(f64, f64), mn: (f64, f64), mx: (f64, f64)| {
        p.0 >= mn.0 && p.0 <= mx.0 && p.1 >= mn.1 && p.1 <= mx.1
    };
    if pts
        .iter()
        .filter(|p| in_box(p, c.min, c.max))
        .any(|p| c.contiene(*p))
    {
        return true;
    }
    if c.anelli
        .iter()
        .flatten()
        .filter(|p| in_box(p, pmin, pmax))
        .any(|p| dentro(pts, *p))
    {
        return true;
    }
    let lato_in = |(a, b): &((f64, f64), (f64, f64)), mn: (f64, f64), mx: (f64, f64)| {
        a.0.max(b.0) >= mn.0 && a.0.min(b.0) <= mx.0 && a.1.max(b.1) >= mn.1 && a.1.min(b.1) <= mx.1
    };
    let lati_confine: Vec<_> = c
        .anelli
        .iter()
        .flat_map(|anello| lati(anello))
        .filter(|l| lato_in(l, pmin, pmax))
        .collect();
    lati(pts)
        .filter(|l| lato_in(l, c.min, c.max))
        .any(|(a, b)| {
            lati_confine
                .iter()
                .any(|(q1, q2)| si_incrociano(a, b, *q1, *q2))
        })
}

/// Kilometres per degree of latitude and of longitude at `lat`.
fn scala(lat: f64) -> (f64, f64) {
    (110.574, 111.320 * lat.to_radians().cos())
}

fn distanza_segmento_km(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (ky, kx) = scala(p.0);
    let (ax, ay) = ((a.1 - p.1) * kx, (a.0 - p.0) * ky);
    let (bx, by) = ((b.1 - p.1) * kx, (b.0 - p.0) * ky);
    let (dx, dy) = (bx - ax, by - ay);
    let l2 = dx * dx + dy * dy;
    let t = if l2 == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / l2).clamp(0.0, 1.0)
    };
    let (x, y) = (ax + t * dx, ay + t * dy);
    (x * x + y * y).sqrt()
}

fn cerchio_tocca(k: &Circle, c: &Confine) -> bool {
    let (ky, kx) = scala(k.lat);
    let (dlat, dlon) = (k.radius_km / ky, k.radius_km / kx);
    if k.lat + dlat < c.min.0
        || k.lat - dlat > c.max.0
        || k.lon + dlon < c.min.1
        || k.lon - dlon > c.max.1
    {
        return false;
    }
    c.contiene((k.lat, k.lon))
        || c.anelli.iter().any(|anello| {
            lati(anello).any(|(a, b)| distanza_segmento_km((k.lat, k.lon), a, b) <= k.radius_km)
        })
}

/// The comuni (codes) that the polygons and circles of an area touch, sorted.
pub fn comuni_toccati(area: &Area, confini: &[Confine]) -> Vec<String> {
    let mut out: Vec<String> = confini
        .iter()
        .filter(|c| {
            area.polygons.iter().any(|p| poligono_tocca(p, c))
                || area.circles.iter().any(|k| cerchio_tocca(k, c))
        })
        .map(|c| c.codice.clone())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 × 2 square (lat 0–2, lon 0–2) with a 0.5 hole in the middle.
    fn quadrato() -> Confine {
        Confine::da_geojson(
            "X",
            r#"{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]],[[0.75,0.75],[1.25,0.75],[1.25,1.25],[0.75,1.25],[0.75,0.75]]]}"#,
        )
        .unwrap()
    }

    fn area(polygons: Vec<Polygon>, circles: Vec<Circle>) -> Area {
        Area {
            area_desc: "t".into(),
            polygons,
            circles,
            ..Default::default()
        }
    }

    #[test]
    fn polygons_touch_by_vertex_inside_containment_or_crossing_edges() {
        let c = [quadrato()];
        let box_ =
            |a: f64, b: f64, d: f64, e: f64| Polygon(vec![(a, b), (a, e), (d, e), (d, b), (a, b)]);
        assert_eq!(
            comuni_toccati(&area(vec![box_(1.9, 1.9, 3.0, 3.0)], vec![]), &c),
            ["X"],
            "a corner inside"
        );
        assert_eq!(
            comuni_toccati(&area(vec![box_(-1.0, -1.0, 3.0, 3.0)], vec![]), &c),
            ["X"],
            "contains it"
        );
        assert_eq!(
            comuni_toccati(&area(vec![box_(0.5, -1.0, 1.5, 3.0)], vec![]), &c),
            ["X"],
            "crosses it"
        );
        assert!(
            comuni_toccati(&area(vec![box_(3.0, 3.0, 4.0, 4.0)], vec![]), &c).is_empty(),
            "apart"
        );
        assert!(
            comuni_toccati(&area(vec![box_(0.9, 0.9, 1.1, 1.1)], vec![]), &c).is_empty(),
            "inside the hole"
        );
    }

    #[test]
    fn circles_reach_a_boundary_or_lie_inside() {
        let c = [quadrato()];
        let k = |lat: f64, lon: f64, r: f64| Circle {
            lat,
            lon,
            radius_km: r,
        };
        assert_eq!(
            comuni_toccati(&area(vec![], vec![k(0.5, 0.5, 1.0)]), &c),
            ["X"],
            "inside"
        );
        // 0.1° of latitude is about 11 km.
        assert_eq!(
            comuni_toccati(&area(vec![], vec![k(2.1, 1.0, 12.0)]), &c),
            ["X"],
            "reaches the edge"
        );
        assert!(
            comuni_toccati(&area(vec![], vec![k(2.1, 1.0, 10.0)]), &c).is_empty(),
            "falls short"
        );
    }

    #[test]
    fn bad_geometries_are_refused() {
        assert!(Confine::da_geojson("X", r#"{"type":"Point","coordinates":[1,2]}"#).is_none());
        assert!(Confine::da_geojson("X", "not json").is_none());
    }
}
