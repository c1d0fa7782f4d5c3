//! Small SVG charts of the plan, drawn on the server so they show without JavaScript.

use chrono::{Datelike, NaiveDate};

use crate::kit::fmt;

const W: f64 = 160.0;
const H: f64 = 40.0;
const PAD: f64 = 4.0;

/// The trend of an indicator over its plan's year: the target as a dashed line, the baseline at
/// 1 January, then every measurement. The chart carries its own accessible description.
pub fn sparkline(
    nome: &str,
    base: f64,
    obiettivo: f64,
    punti: &[(NaiveDate, f64)],
    anno: i32,
) -> String {
    let inizio = NaiveDate::from_ymd_opt(anno, 1, 1).expect("valid year");
    let fine = NaiveDate::from_ymd_opt(anno, 12, 31).expect("valid year");
    let mut serie: Vec<(NaiveDate, f64)> = vec![(inizio, base)];
    serie.extend(punti.iter().copied());
    let primo = serie
        .iter()
        .map(|p| p.0)
        .min()
        .unwrap_or(inizio)
        .min(inizio);
    let ultimo = serie.iter().map(|p| p.0).max().unwrap_or(fine).max(fine);
    let giorni = ((ultimo - primo).num_days()).max(1) as f64;
    let (mut lo, mut hi) = (base.min(obiettivo), base.max(obiettivo));
    for (_, v) in &serie {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if hi == lo {
        hi = lo + 1.0;
    }
    let x = |d: NaiveDate| PAD + (d - primo).num_days() as f64 / giorni * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD - (v - lo) / (hi - lo) * (H - 2.0 * PAD);
    let path: Vec<String> = serie
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
        .collect();
    let (ud, uv) = *serie.last().expect("at least the baseline");
    let desc = format!(
        "{}: base {} a inizio {}, obiettivo {}, {}",
        nome,
        fmt::numero(base),
        inizio.year(),
        fmt::numero(obiettivo),
        if punti.is_empty() {
            "nessuna misura".to_owned()
        } else {
            format!("ultima misura {} il {}", fmt::numero(uv), fmt::date(ud))
        }
    );
    format!(
        r##"<svg class="sparkline" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{desc}"><title>{desc}</title><line x1="{PAD}" x2="{x2:.1}" y1="{ty:.1}" y2="{ty:.1}" stroke="#5d7083" stroke-dasharray="3 2" stroke-width="1"/><polyline fill="none" stroke="#0066cc" stroke-width="2" points="{pts}"/><circle cx="{cx:.1}" cy="{cy:.1}" r="3" fill="#0066cc"/></svg>"##,
        desc = crate::kit::text::esc(&desc),
        x2 = W - PAD,
        ty = y(obiettivo),
        pts = path.join(" "),
        cx = x(ud),
        cy = y(uv),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_draws_baseline_measurements_and_target() {
        let d = |m, g| NaiveDate::from_ymd_opt(2020, m, g).unwrap();
        let svg = sparkline(
            "Comuni <app>",
            145.0,
            180.0,
            &[(d(4, 1), 150.0), (d(9, 1), 166.0)],
            2020,
        );
        assert!(svg.starts_with("<svg"));
        // Baseline + two measurements.
        let pts = svg
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(pts.split(' ').count(), 3);
        // The baseline sits at the bottom-left, the target line at the top.
        assert!(pts.starts_with("4.0,36.0"), "{pts}");
        assert!(svg.contains("y1=\"4.0\""), "{svg}");
        assert!(svg.contains("ultima misura 166 il 01/09/2020"));
        assert!(svg.contains("Comuni &lt;app&gt;"), "escaped");
        let vuoto = sparkline("X", 0.0, 10.0, &[], 2020);
        assert!(vuoto.contains("nessuna misura"));
    }
}
