//! The timeline of a year drawn on the server as SVG: one row per project (its bar clipped to
//! the year), its milestones, deliverables and reporting deadlines as marks, today's line and
//! the end-of-legislature lines. Every shape carries a `<title>`; the page lists the same
//! projects in a table for those who do not see the chart.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::kit::text::esc;

#[derive(Debug, Clone)]
pub struct Marcatore {
    pub data: NaiveDate,
    /// `milestone`, `deliverable` or `rendicontazione`.
    pub tipo: &'static str,
    pub titolo: String,
}

#[derive(Debug, Clone)]
pub struct Riga {
    pub etichetta: String,
    pub descrizione: String,
    pub url: String,
    pub inizio: Option<NaiveDate>,
    pub fine: Option<NaiveDate>,
    pub a_rischio: bool,
    pub marcatori: Vec<Marcatore>,
}

const ETICHETTE: f64 = 190.0;
const LARGHEZZA: f64 = 840.0;
const TESTA: f64 = 44.0;
const ALTEZZA_RIGA: f64 = 24.0;
const MESI: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];

fn giorni_anno(anno: i32) -> f64 {
    if NaiveDate::from_ymd_opt(anno, 2, 29).is_some() {
        366.0
    } else {
        365.0
    }
}

/// The x of the start of a day of `anno` (clamped to the year).
fn x(anno: i32, d: NaiveDate) -> f64 {
    let g = if d.year() < anno {
        0.0
    } else if d.year() > anno {
        giorni_anno(anno)
    } else {
        f64::from(d.ordinal0())
    };
    ETICHETTE + g / giorni_anno(anno) * LARGHEZZA
}

fn data(d: NaiveDate) -> String {
    crate::kit::fmt::date(d)
}

/// The SVG of the year's timeline. `linee` are the ends of legislature (date, title).
pub fn svg(anno: i32, righe: &[Riga], oggi: NaiveDate, linee: &[(NaiveDate, String)]) -> String {
    let altezza = TESTA + ALTEZZA_RIGA * righe.len().max(1) as f64 + 8.0;
    let totale = ETICHETTE + LARGHEZZA + 12.0;
    let mut s = String::with_capacity(2048 + righe.len() * 600);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" viewBox="0 0 {totale:.0} {altezza:.0}" width="100%" role="group" aria-label="{}" font-family="Titillium Web, sans-serif" font-size="12">"##,
        esc(&format!(
            "Cronoprogramma {anno}: {} progetti, con la linea di oggi e la fine della legislatura",
            righe.len()
        ))
    );
    // Months: shaded alternately, named at the top.
    for (m, nome) in MESI.iter().enumerate() {
        let inizio = NaiveDate::from_ymd_opt(anno, m as u32 + 1, 1).expect("month");
        let fine = if m == 11 {
            ETICHETTE + LARGHEZZA
        } else {
            x(
                anno,
                NaiveDate::from_ymd_opt(anno, m as u32 + 2, 1).expect("month"),
            )
        };
        let x0 = x(anno, inizio);
        if m % 2 == 0 {
            let _ = write!(
                s,
                r##"<rect x="{x0:.1}" y="{:.0}" width="{:.1}" height="{:.0}" fill="#f2f5fa"/>"##,
                TESTA - 6.0,
                fine - x0,
                altezza - TESTA + 6.0
            );
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.0}" text-anchor="middle" fill="#455a64">{nome}</text>"##,
            (x0 + fine) / 2.0,
            TESTA - 12.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="4" y="{:.0}" font-weight="700" fill="#17324d">{anno}</text>"##,
        TESTA - 12.0
    );
    for (i, r) in righe.iter().enumerate() {
        let y = TESTA + ALTEZZA_RIGA * i as f64;
        let _ = write!(
            s,
            r##"<g class="riga"><a href="{}"><text x="4" y="{:.1}" fill="#0066cc">{}</text></a>"##,
            esc(&r.url),
            y + 16.0,
            esc(&troncato(&r.etichetta, 26))
        );
        let inizio = r
            .inizio
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(anno, 1, 1).expect("day"));
        let fine = r
            .fine
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(anno, 12, 31).expect("day"));
        let x0 = x(anno, inizio);
        let x1 = x(anno, fine.succ_opt().unwrap_or(fine)).max(x0 + 2.0);
        let (colore, classe) = if r.a_rischio {
            ("#c25700", "barra rischio")
        } else {
            ("#2a6cb0", "barra")
        };
        let _ = write!(
            s,
            r##"<rect class="{classe}" x="{x0:.1}" y="{:.1}" width="{:.1}" height="12" rx="3" fill="{colore}"><title>{}</title></rect>"##,
            y + 6.0,
            x1 - x0,
            esc(&format!(
                "{}: {} – {}{}",
                r.descrizione,
                r.inizio
                    .map(data)
                    .unwrap_or_else(|| "inizio da definire".into()),
                r.fine
                    .map(data)
                    .unwrap_or_else(|| "fine da definire".into()),
                if r.a_rischio {
                    " (a rischio cambio legislatura)"
                } else {
                    ""
                }
            ))
        );
        for m in r.marcatori.iter().filter(|m| m.data.year() == anno) {
            let cx = x(anno, m.data) + LARGHEZZA / giorni_anno(anno) / 2.0;
            let cy = y + 12.0;
            let (forma, colore) = match m.tipo {
                "milestone" => (
                    format!("M{:.1} {:.1} l6 6 l-6 6 l-6 -6 z", cx, cy - 6.0),
                    "#17324d",
                ),
                "deliverable" => (
                    format!("M{:.1} {:.1} h10 v10 h-10 z", cx - 5.0, cy - 5.0),
                    "#008055",
                ),
                _ => (
                    format!("M{:.1} {:.1} l6 11 h-12 z", cx, cy - 6.0),
                    "#d1344c",
                ),
            };
            let _ = write!(
                s,
                r##"<g class="marcatore {}"><path d="{forma}" fill="{colore}" stroke="#ffffff" stroke-width="1"/><title>{}</title></g>"##,
                m.tipo,
                esc(&format!("{} — {}: {}", r.etichetta, data(m.data), m.titolo))
            );
        }
        s.push_str("</g>");
    }
    let fondo = altezza - 4.0;
    for (d, titolo) in linee.iter().filter(|(d, _)| d.year() == anno) {
        let lx = x(anno, *d);
        let _ = write!(
            s,
            r##"<g class="linea legislatura"><line x1="{lx:.1}" x2="{lx:.1}" y1="{:.0}" y2="{fondo:.0}" stroke="#5c2d91" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.0}" fill="#5c2d91" font-weight="700">{}</text><title>{}</title></g>"##,
            TESTA - 26.0,
            lx + 4.0,
            TESTA - 28.0 + 2.0,
            esc(&format!("Fine legislatura {}", data(*d))),
            esc(&format!("{titolo}: {}", data(*d)))
        );
    }
    if oggi.year() == anno {
        let lx = x(anno, oggi);
        let _ = write!(
            s,
            r##"<g class="linea oggi"><line x1="{lx:.1}" x2="{lx:.1}" y1="{:.0}" y2="{fondo:.0}" stroke="#d1344c" stroke-width="2"/><text x="{:.1}" y="{:.0}" text-anchor="end" fill="#d1344c" font-weight="700">Oggi</text><title>Oggi, {}</title></g>"##,
            TESTA - 26.0,
            lx - 4.0,
            TESTA - 28.0 + 2.0,
            data(oggi)
        );
    }
    s.push_str("</svg>");
    s
}

fn troncato(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, g: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, g).unwrap()
    }

    #[test]
    fn bars_are_clipped_to_the_year_and_lines_drawn_only_inside_it() {
        let r = Riga {
            etichetta: "SALUTE&CO".into(),
            descrizione: "SALUTE&CO".into(),
            url: "/progetti/x".into(),
            inizio: Some(d(2019, 6, 1)),
            fine: Some(d(2021, 3, 31)),
            a_rischio: true,
            marcatori: vec![
                Marcatore {
                    data: d(2020, 7, 1),
                    tipo: "milestone",
                    titolo: "M1 avvio".into(),
                },
                Marcatore {
                    data: d(2021, 1, 1),
                    tipo: "deliverable",
                    titolo: "fuori anno".into(),
                },
            ],
        };
        let s = svg(
            2020,
            &[r],
            d(2026, 11, 26),
            &[(d(2020, 9, 21), "Fine X legislatura".into())],
        );
        assert!(s.contains(r#"class="barra rischio" x="190.0""#), "{s}");
        assert!(s.contains(r#"width="840.0""#), "the whole year");
        assert!(s.contains("SALUTE&amp;CO"));
        assert!(s.contains("M1 avvio") && !s.contains("fuori anno"));
        assert!(s.contains("Fine legislatura 21/09/2020"));
        assert!(!s.contains("Oggi"), "today is not in 2020");
        assert!(svg(2026, &[], d(2026, 11, 26), &[]).contains("Oggi, 26/11/2026"));
    }
}
