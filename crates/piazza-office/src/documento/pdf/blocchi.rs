//! From lines in reading order to blocks: paragraphs by vertical gaps and font changes,
//! words broken at line ends joined again, list items by their markers, headings by size and
//! weight relative to the body text.

use super::Lettore;
use super::righe::Riga;
use crate::Errore;
use crate::documento::Blocco;

/// A block being assembled.
struct Bozza {
    voce: Option<Voce>,
    testo: String,
    dimensione: f32,
    grassetto: bool,
    righe: usize,
    pagina: usize,
    sezione: usize,
    x0: f32,
    x1_max: f32,
    ultima: Riga,
}

#[derive(Clone, Copy)]
struct Voce {
    numerata: bool,
    x: f32,
}

/// The blocks of the document's lines.
pub(super) fn blocchi(righe: Vec<Riga>, l: &Lettore) -> Result<Vec<Blocco>, Errore> {
    let corpo = dimensione_corpo(&righe);
    let interlinee = interlinee(&righe);
    let mut bozze: Vec<Bozza> = Vec::new();
    for r in righe {
        l.c.passo()?;
        let marcatore = if r.grassetto || grande(r.dimensione, r.grassetto, corpo) {
            None
        } else {
            marcatore(&r.testo)
        };
        if let Some(b) = bozze.last_mut()
            && marcatore.is_none()
            && continua(b, &r, &interlinee)
        {
            unisci_testo(&mut b.testo, &r.testo);
            b.righe += 1;
            b.x1_max = b.x1_max.max(r.x1);
            b.pagina = r.pagina;
            b.sezione = r.sezione;
            b.ultima = r;
            continue;
        }
        let (voce, testo) = match marcatore {
            Some((numerata, lunghezza)) => (
                Some(Voce { numerata, x: r.x0 }),
                r.testo
                    .get(lunghezza..)
                    .unwrap_or("")
                    .trim_start()
                    .to_owned(),
            ),
            None => (None, r.testo.clone()),
        };
        bozze.push(Bozza {
            voce,
            testo,
            dimensione: r.dimensione,
            grassetto: r.grassetto,
            righe: 1,
            pagina: r.pagina,
            sezione: r.sezione,
            x0: r.x0,
            x1_max: r.x1,
            ultima: r,
        });
    }
    // Heading sizes: those above the body's of short blocks, largest first.
    let mut dimensioni: Vec<f32> = Vec::new();
    for b in &bozze {
        if b.voce.is_none()
            && grande(b.dimensione, b.grassetto, corpo)
            && b.testo.chars().count() <= 200
        {
            dimensioni.push(b.dimensione);
        }
    }
    dimensioni.sort_by(|a, b| b.total_cmp(a));
    dimensioni.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    let livello_grassetto = (dimensioni.len() + 1).min(6) as u8;
    let mut out: Vec<Blocco> = Vec::with_capacity(bozze.len());
    let mut lista: Vec<f32> = Vec::new();
    for b in &bozze {
        l.c.passo()?;
        if b.voce.is_none() {
            lista.clear();
        }
        let testo = b.testo.clone();
        if testo.is_empty() {
            continue;
        }
        let corto = testo.chars().count() <= 200;
        if let Some(v) = b.voce {
            // Levels by the markers' indents within one list, leftmost 1.
            let livello = match lista.iter().position(|x| (x - v.x).abs() < 3.0) {
                Some(i) => i,
                None => {
                    lista.push(v.x);
                    lista.len() - 1
                }
            };
            let mut ordinati = lista.clone();
            ordinati.sort_by(f32::total_cmp);
            let livello = ordinati
                .iter()
                .position(|x| (x - lista[livello]).abs() < 0.01)
                .unwrap_or(0);
            out.push(Blocco::Voce {
                livello: (livello + 1).min(9) as u8,
                numerata: v.numerata,
                testo,
            });
        } else if corto && grande(b.dimensione, b.grassetto, corpo) {
            let livello = dimensioni
                .iter()
                .position(|d| (d - b.dimensione).abs() < 0.5)
                .unwrap_or(dimensioni.len().saturating_sub(1));
            out.push(Blocco::Titolo {
                livello: (livello + 1).min(6) as u8,
                testo,
            });
        } else if b.grassetto
            && (b.dimensione - corpo).abs() <= 0.5
            && b.righe <= 2
            && testo.chars().count() <= 120
            && !testo.ends_with(['.', ';', ','])
        {
            out.push(Blocco::Titolo {
                livello: livello_grassetto,
                testo,
            });
        } else {
            out.push(Blocco::Paragrafo(testo));
        }
    }
    Ok(out)
}

/// A heading's size: a fifth larger than the body text's, or larger and bold.
fn grande(dimensione: f32, grassetto: bool, corpo: f32) -> bool {
    dimensione >= corpo * 1.2 || (grassetto && dimensione > corpo + 0.5)
}

/// Whether line `r` goes on block `b`.
fn continua(b: &Bozza, r: &Riga, interlinee: &[(f32, f32)]) -> bool {
    if (b.dimensione - r.dimensione).abs() > 0.5 || b.grassetto != r.grassetto {
        return false;
    }
    let u = &b.ultima;
    if r.pagina != u.pagina || r.sezione != u.sezione || r.y >= u.y {
        // A new page or column: a paragraph goes on when its sentence does.
        let prima = r.testo.chars().next();
        return b.voce.is_none()
            && !b.testo.ends_with(['.', '!', '?', ':', ';'])
            && prima.is_some_and(char::is_lowercase);
    }
    let passo = u.y - r.y;
    // Beyond 1.3 times the size's usual line distance (1.2 times the size when unknown) a
    // new paragraph begins.
    let interlinea = interlinee
        .iter()
        .find(|(d, _)| (*d - r.dimensione).abs() < 0.25)
        .map_or(r.dimensione * 1.2, |(_, p)| *p);
    // Bold lines spaced widely are labels one under the other (a cover's table), not a
    // heading wrapped onto two lines.
    let interlinea = if r.grassetto {
        interlinea.min(r.dimensione * 1.3)
    } else {
        interlinea
    };
    let soglia = interlinea * 1.3;
    if passo > soglia {
        return false;
    }
    if let Some(v) = b.voce {
        // A list item goes on with lines indented as far as its marker or further.
        return r.x0 >= v.x - 1.0;
    }
    // A line that ends a sentence well before the column's right edge ends its paragraph.
    let destro = b.x1_max.max(u.destro);
    let larghezza = destro - b.x0;
    !(u.testo.ends_with(['.', '!', '?', ':'])
        && u.x1 < destro - larghezza * 0.15
        && r.x0 <= b.x0 + 1.0 + r.dimensione * 3.0)
}

/// Appends a line to a block's text: a word broken by a hyphen at the line's end is joined
/// when the next line starts in lower case; before a capital the hyphen stays.
fn unisci_testo(testo: &mut String, riga: &str) {
    let prima = riga.chars().next();
    let mut caratteri = testo.chars().rev();
    let trattino =
        caratteri.next() == Some('-') && caratteri.next().is_some_and(char::is_alphabetic);
    if trattino && prima.is_some_and(char::is_lowercase) {
        testo.pop();
    } else if trattino && prima.is_some_and(char::is_alphabetic) {
        // A hyphen that belongs to the words (`Emilia-` / `Romagna`) stays, with no space.
    } else if !testo.is_empty() {
        testo.push(' ');
    }
    testo.push_str(riga);
}

/// A list marker at the start of a line: whether numbered, and its length in bytes.
pub(super) fn marcatore(t: &str) -> Option<(bool, usize)> {
    let mut c = t.char_indices();
    let (_, primo) = c.next()?;
    // `get`: an index past a multi-byte character reads as nothing, never panics.
    let dopo = |i: usize| t.get(i..).unwrap_or("").trim_start();
    let spazio_dopo =
        |i: usize| t.get(i..).is_some_and(|r| r.starts_with(' ')) && !dopo(i).is_empty();
    let l = primo.len_utf8();
    match primo {
        '•' | '●' | '▪' | '■' | '◦' | '○' | '◆' | '►' | '➢' | '✓' | '❖' | '□' | '◊' | '→' => {
            (!dopo(l).is_empty()).then_some((false, l))
        }
        '\u{F000}'..='\u{F0FF}' => (!dopo(l).is_empty()).then_some((false, l)),
        '-' | '–' | '—' | '*' | '·' => spazio_dopo(l).then_some((false, l)),
        '0'..='9' => {
            let cifre = t.bytes().take_while(u8::is_ascii_digit).count();
            let segno = t.as_bytes().get(cifre).copied();
            (cifre <= 3 && matches!(segno, Some(b'.' | b')')) && spazio_dopo(cifre + 1))
                .then_some((true, cifre + 1))
        }
        // `a)`, and `a.` before a capital (not the end of a sentence).
        'a'..='z' => {
            let segno = t.as_bytes().get(1).copied();
            let maiuscola = dopo(2).chars().next().is_some_and(char::is_uppercase);
            (spazio_dopo(2) && (segno == Some(b')') || segno == Some(b'.') && maiuscola))
                .then_some((true, 2))
        }
        _ => None,
    }
}

/// The body text's size: the most frequent, weighted by characters.
fn dimensione_corpo(righe: &[Riga]) -> f32 {
    let mut conteggi: Vec<(f32, usize)> = Vec::new();
    for r in righe {
        let d = (r.dimensione * 2.0).round() / 2.0;
        let n = r.testo.chars().count();
        match conteggi.iter_mut().find(|(x, _)| *x == d) {
            Some(e) => e.1 += n,
            None => conteggi.push((d, n)),
        }
    }
    conteggi
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(10.0, |(d, _)| *d)
}

/// Each size's usual distance between baselines: the whole number of points that, with its
/// two neighbours, counts most distances between lines of that size and weight (the smaller
/// on a tie: paragraph gaps are the larger ones).
fn interlinee(righe: &[Riga]) -> Vec<(f32, f32)> {
    let mut conteggi: Vec<(f32, i32, usize)> = Vec::new();
    for w in righe.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.pagina != b.pagina
            || a.sezione != b.sezione
            || a.grassetto != b.grassetto
            || (a.dimensione - b.dimensione).abs() > 0.25
        {
            continue;
        }
        let d = a.y - b.y;
        if d <= a.dimensione * 0.8 || d > a.dimensione * 3.0 {
            continue;
        }
        let k = d.round() as i32;
        match conteggi
            .iter_mut()
            .find(|(x, kk, _)| (*x - a.dimensione).abs() < 0.25 && *kk == k)
        {
            Some(e) => e.2 += 1,
            None => conteggi.push((a.dimensione, k, 1)),
        }
    }
    let mut out: Vec<(f32, f32, usize)> = Vec::new();
    for &(d, k, _) in &conteggi {
        let punteggio: usize = conteggi
            .iter()
            .filter(|(x, kk, _)| (*x - d).abs() < 0.25 && (kk - k).abs() <= 1)
            .map(|(_, _, n)| n)
            .sum();
        let passo = k as f32 + 0.5;
        match out.iter_mut().find(|(x, _, _)| (*x - d).abs() < 0.25) {
            Some(e) if punteggio > e.2 || (punteggio == e.2 && passo < e.1) => {
                *e = (e.0, passo, punteggio)
            }
            Some(_) => {}
            None => out.push((d, passo, punteggio)),
        }
    }
    out.into_iter().map(|(d, p, _)| (d, p)).collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn marcatori() {
        assert_eq!(marcatore("• voce"), Some((false, 3)));
        assert_eq!(marcatore("•voce"), Some((false, 3)));
        assert_eq!(marcatore("- voce"), Some((false, 1)));
        assert_eq!(marcatore("\u{F0B7} voce"), Some((false, 3)));
        assert_eq!(marcatore("12. voce"), Some((true, 3)));
        assert_eq!(marcatore("3) voce"), Some((true, 2)));
        assert_eq!(marcatore("b) voce"), Some((true, 2)));
        assert_eq!(marcatore("a. Voce"), Some((true, 2)));
        for t in [
            "-5 gradi",
            "1234. voce",
            "a. voce",
            "e’ vero",
            "•",
            "1.",
            "Art. 1",
            "*",
            "l’anno",
        ] {
            assert_eq!(marcatore(t), None, "{t}");
        }
    }

    #[test]
    fn trattini_a_fine_riga() {
        let mut t = "parte-".to_owned();
        unisci_testo(&mut t, "cipazione");
        assert_eq!(t, "partecipazione");
        let mut t = "Emilia-".to_owned();
        unisci_testo(&mut t, "Romagna");
        assert_eq!(t, "Emilia-Romagna");
        let mut t = "anni 2020 -".to_owned();
        unisci_testo(&mut t, "2024");
        assert_eq!(t, "anni 2020 - 2024");
    }

    fn riga(y: f32, grassetto: bool) -> Riga {
        Riga {
            pagina: 0,
            sezione: 0,
            x0: 56.0,
            x1: 500.0,
            y,
            dimensione: 12.0,
            grassetto,
            testo: String::new(),
            margine: false,
            destro: 500.0,
        }
    }

    #[test]
    fn interlinea_piu_frequente() {
        // 19.2 and 18.8 count together; the two paragraph gaps of 30 do not win.
        let ys = [700.0, 680.8, 662.0, 642.8, 612.8, 594.0, 564.0, 545.2];
        let righe: Vec<Riga> = ys.iter().map(|y| riga(*y, false)).collect();
        let v = interlinee(&righe);
        assert_eq!(v.len(), 1);
        assert!((v[0].1 - 19.5).abs() < 0.01, "{v:?}");
    }
}
