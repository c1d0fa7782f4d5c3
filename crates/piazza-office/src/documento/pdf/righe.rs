//! From runs of text placed on pages to lines in reading order: lines by baseline, two
//! columns read one after the other, and the running headers, footers and page numbers taken
//! out.

use super::Lettore;
use super::contenuto::Pezzo;
use crate::Errore;

/// One page's runs of text and its box.
pub(super) struct Pagina {
    pub x0: f32,
    pub y0: f32,
    pub larghezza: f32,
    pub altezza: f32,
    pub pezzi: Vec<Pezzo>,
}

/// A line of text in reading order.
#[derive(Debug, Clone)]
pub(super) struct Riga {
    pub pagina: usize,
    /// Which column or full-width band of the page: changes when reading jumps up.
    pub sezione: usize,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub dimensione: f32,
    pub grassetto: bool,
    pub testo: String,
    /// Among the first or last two lines of the page, in its top or bottom zone.
    pub margine: bool,
    /// The right edge of the text of its page and column (its longest line's end).
    pub destro: f32,
}

/// All the pages' lines in reading order, without running headers, footers and page numbers.
pub(super) fn righe(pagine: Vec<Pagina>, l: &Lettore) -> Result<Vec<Riga>, Errore> {
    let n_pagine = pagine.len();
    let mut tutte: Vec<Riga> = Vec::new();
    for (i, p) in pagine.into_iter().enumerate() {
        l.c.tempo()?;
        tutte.extend(righe_pagina(i, p, l)?);
    }
    // Running headers and footers: the same text, digits aside, in the margin of enough pages.
    let mut conteggi: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for r in tutte.iter().filter(|r| r.margine) {
        l.c.passo()?;
        let e = conteggi
            .entry(normalizza(&r.testo))
            .or_insert((usize::MAX, 0));
        if e.0 != r.pagina {
            *e = (r.pagina, e.1 + 1);
        }
    }
    let soglia = 3.max(n_pagine.div_ceil(2));
    tutte.retain(|r| {
        !(r.margine
            && (numero_pagina(&r.testo)
                || conteggi
                    .get(&normalizza(&r.testo))
                    .is_some_and(|(_, n)| *n >= soglia)))
    });
    Ok(tutte)
}

fn righe_pagina(indice: usize, p: Pagina, l: &Lettore) -> Result<Vec<Riga>, Errore> {
    let Pagina {
        x0,
        y0,
        larghezza,
        altezza,
        pezzi,
    } = p;
    let mut righe = match gronda(&pezzi, x0, larghezza, l)? {
        None => unisci(indice, pezzi, l)?,
        Some(g) => {
            let (mut sinistra, mut destra, mut larghi) = (Vec::new(), Vec::new(), Vec::new());
            for pz in pezzi {
                if pz.x1 <= g + 1.0 {
                    sinistra.push(pz);
                } else if pz.x0 >= g - 1.0 {
                    destra.push(pz);
                } else {
                    larghi.push(pz);
                }
            }
            let larghi = unisci(indice, larghi, l)?;
            let mut chiave: Vec<((usize, usize), Riga)> = Vec::new();
            let sopra = |y: f32| larghi.iter().filter(|r| r.y > y).count();
            for (colonna, parte) in [(0, sinistra), (1, destra)] {
                for r in unisci(indice, parte, l)? {
                    chiave.push(((sopra(r.y) * 3 + colonna, 0), r));
                }
            }
            for (j, r) in larghi.iter().enumerate() {
                chiave.push(((j * 3 + 2, 0), r.clone()));
            }
            // Stable: within a band and a column, lines are already top to bottom.
            chiave.sort_by_key(|(k, _)| *k);
            let mut v = Vec::with_capacity(chiave.len());
            for ((banda, _), mut r) in chiave {
                r.sezione = banda;
                v.push(r);
            }
            v
        }
    };
    let mut destri: Vec<(usize, f32)> = Vec::new();
    for r in &righe {
        match destri.iter_mut().find(|(s, _)| *s == r.sezione) {
            Some(e) => e.1 = e.1.max(r.x1),
            None => destri.push((r.sezione, r.x1)),
        }
    }
    for r in &mut righe {
        r.destro = destri
            .iter()
            .find(|(s, _)| *s == r.sezione)
            .map_or(r.x1, |e| e.1);
    }
    // The margin: the first and last two lines, when in the top or bottom 15 % of the page.
    let n = righe.len();
    let (alto, basso) = (y0 + altezza * 0.85, y0 + altezza * 0.15);
    let mut per_altezza: Vec<usize> = (0..n).collect();
    per_altezza.sort_by(|a, b| righe[*b].y.total_cmp(&righe[*a].y));
    for (k, &i) in per_altezza.iter().enumerate() {
        let r = &mut righe[i];
        r.margine = (k < 2 && r.y >= alto) || (k + 2 >= n && r.y <= basso);
    }
    Ok(righe)
}

/// The x of a gutter between two columns, when the page has one: a vertical line in the
/// middle of the page that runs of at most a quarter of the characters cross (full-width
/// headings, a centred page number), with a fifth of them and five lines on each side.
fn gronda(pezzi: &[Pezzo], x0: f32, larghezza: f32, l: &Lettore) -> Result<Option<f32>, Errore> {
    let caratteri = |p: &Pezzo| p.testo.chars().count();
    let totale: usize = pezzi.iter().map(caratteri).sum();
    if totale == 0 || larghezza <= 0.0 {
        return Ok(None);
    }
    let mut migliore: Option<(usize, f32)> = None;
    let passi = 41;
    for k in 0..passi {
        l.c.passo()?;
        let g = x0 + larghezza * (0.3 + 0.4 * k as f32 / (passi - 1) as f32);
        let (mut attraverso, mut sx, mut dx) = (0, 0, 0);
        for p in pezzi {
            if p.x1 <= g + 1.0 {
                sx += caratteri(p);
            } else if p.x0 >= g - 1.0 {
                dx += caratteri(p);
            } else {
                attraverso += caratteri(p);
            }
        }
        if attraverso * 4 > totale || sx * 5 < totale || dx * 5 < totale {
            continue;
        }
        let linee = |sinistra: bool| {
            let mut ys: Vec<i32> = pezzi
                .iter()
                .filter(|p| {
                    if sinistra {
                        p.x1 <= g + 1.0
                    } else {
                        p.x0 >= g - 1.0
                    }
                })
                .map(|p| p.y.round() as i32)
                .collect();
            ys.sort_unstable();
            ys.dedup();
            ys.len()
        };
        if linee(true) < 5 || linee(false) < 5 {
            continue;
        }
        if migliore.is_none_or(|(a, _)| attraverso < a) {
            migliore = Some((attraverso, g));
        }
    }
    Ok(migliore.map(|(_, g)| g))
}

/// Runs grouped into lines by baseline, each line's runs by x with spaces at the gaps.
fn unisci(pagina: usize, mut pezzi: Vec<Pezzo>, l: &Lettore) -> Result<Vec<Riga>, Errore> {
    pezzi.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut gruppi: Vec<Vec<Pezzo>> = Vec::new();
    for p in pezzi {
        l.c.passo()?;
        if let Some(g) = gruppi.last_mut() {
            let y = g[0].y;
            let d = g.iter().map(|p| p.dimensione).fold(p.dimensione, f32::max);
            if (y - p.y).abs() <= d * 0.35 {
                g.push(p);
                continue;
            }
        }
        gruppi.push(vec![p]);
    }
    let mut righe = Vec::with_capacity(gruppi.len());
    for mut g in gruppi {
        g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut testo = String::new();
        let mut ultimo: Option<&Pezzo> = None;
        let (mut peso_grassetto, mut peso) = (0usize, 0usize);
        let mut per_dimensione: Vec<(f32, usize)> = Vec::new();
        for p in &g {
            l.c.passo()?;
            if let Some(u) = ultimo {
                // The same text drawn twice a hair apart (fake bold, shadows): once.
                if u.testo == p.testo && (u.x0 - p.x0).abs() < p.dimensione * 0.3 {
                    continue;
                }
                let spazio = p.x0 - u.x1 > p.dimensione.min(u.dimensione) * 0.15;
                if spazio && !testo.ends_with(' ') && !p.testo.starts_with(' ') {
                    testo.push(' ');
                }
            }
            testo.push_str(&p.testo);
            let n = p.testo.chars().filter(|c| !c.is_whitespace()).count();
            peso += n;
            if p.grassetto {
                peso_grassetto += n;
            }
            match per_dimensione
                .iter_mut()
                .find(|(d, _)| (*d - p.dimensione).abs() < 0.25)
            {
                Some(e) => e.1 += n,
                None => per_dimensione.push((p.dimensione, n)),
            }
            ultimo = Some(p);
        }
        let testo = testo.split_whitespace().collect::<Vec<_>>().join(" ");
        if testo.is_empty() {
            continue;
        }
        let dimensione = per_dimensione
            .iter()
            .max_by_key(|(_, n)| *n)
            .map_or(0.0, |(d, _)| *d);
        righe.push(Riga {
            pagina,
            sezione: 0,
            x0: g.first().map_or(0.0, |p| p.x0),
            x1: g.iter().map(|p| p.x1).fold(f32::MIN, f32::max),
            y: g[0].y,
            dimensione,
            grassetto: peso_grassetto * 2 > peso,
            testo,
            margine: false,
            destro: 0.0,
        });
    }
    Ok(righe)
}

/// A header's text as compared across pages: lower case, no digits, spaces normalised.
fn normalizza(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_ascii_digit())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page number: `3`, `- 3 -`, `Pagina 3`, `pag. 3 di 12`, `3/12`, `Page 3 of 12`, `iv`.
pub(super) fn numero_pagina(t: &str) -> bool {
    let t = t.to_lowercase();
    let t = t.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    let mut parole: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(p) = parole.first()
        && ["pagina", "pag.", "pag", "page", "p.", "pg."].contains(p)
    {
        parole.remove(0);
    }
    let numero = |p: &str| {
        (p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            || (p.len() <= 6 && p.chars().all(|c| "ivxlc".contains(c)))
    };
    match parole.as_slice() {
        [n] => numero(n),
        [n, m] => numero(n) && numero(m) && t.contains('/'),
        [n, "di" | "of" | "de", m] => numero(n) && numero(m),
        _ => false,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn numeri_di_pagina() {
        for t in [
            "3",
            "- 3 -",
            "Pagina 3",
            "pag. 3 di 12",
            "Pag. 3/12",
            "3/12",
            "3 di 12",
            "Page 3 of 12",
            "iv",
            "XII",
            "– 7 –",
        ] {
            assert!(numero_pagina(t), "{t}");
        }
        for t in [
            "Art. 3",
            "3 marzo 2024",
            "Comune di Prato",
            "12345",
            "pagina",
            "3.5",
            "civile",
        ] {
            assert!(!numero_pagina(t), "{t}");
        }
    }

    #[test]
    fn intestazioni_normalizzate() {
        assert_eq!(
            normalizza("Delibera  n. 12 del 2024"),
            normalizza("delibera n. 7 del 2024")
        );
        assert_ne!(normalizza("Delibera n. 12"), normalizza("Determina n. 12"));
    }
}
