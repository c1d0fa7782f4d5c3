//! Markdown, reStructuredText and plain text, and telling them apart when the file name does
//! not. The text is already decoded (at most [`crate::Limiti::max_byte_file`] bytes); every line
//! is a step of the [`Controllo`], every block goes through the [`Raccolta`].

mod linea;
mod markdown;
pub(crate) mod raccolta;
mod rst;

use super::{Documento, FormatoDocumento};
use crate::{Controllo, Errore};
use raccolta::Raccolta;

/// Text without a telling extension: Markdown when it has ATX headings (`# Titolo`) or text
/// lines underlined with `===`/`---`; reStructuredText when it has titles underlined (or over-
/// and underlined) with other punctuation, or directives (`.. nome::`), and no ATX heading;
/// plain text otherwise. `===`/`---` underlines alone count as reStructuredText only when they
/// are as long as their titles and the text uses reStructuredText markup (directives,
/// ``` ``letterale`` ```, `:ruolo:`, paragraphs ending in `::`) but no Markdown one.
pub(crate) fn riconosci(testo: &str) -> FormatoDocumento {
    let righe: Vec<&str> = testo.lines().take(20_000).collect();
    let mut atx = 0usize;
    let mut setext = 0usize;
    let mut setext_rst = 0usize;
    let mut titoli_rst = 0usize;
    let mut segni_rst = 0usize;
    let mut segni_md = 0usize;
    let mut recinto = false;
    for (i, riga) in righe.iter().enumerate() {
        let t = riga.trim_end();
        let sotto_testo = i > 0 && !righe[i - 1].trim().is_empty();
        if (t.starts_with("```") || t.starts_with("~~~")) && (recinto || !sotto_testo) {
            recinto = !recinto;
            segni_md += 1;
            continue;
        }
        if recinto {
            continue;
        }
        if markdown::atx(t).is_some() {
            atx += 1;
        }
        if t.starts_with(".. ") && t.contains("::") || t.starts_with(".. _") {
            segni_rst += 1;
        }
        if t.contains("``") || t.contains(":`") || (t.ends_with("::") && t.len() > 2) {
            segni_rst += 1;
        }
        if t.contains("](") || t.contains("**") {
            segni_md += 1;
        }
        let Some(c) = rst::ornamento(t) else {
            continue;
        };
        let prima = i.checked_sub(1).map(|j| righe[j].trim_end()).unwrap_or("");
        let prima_testo = !prima.trim().is_empty() && rst::ornamento(prima).is_none();
        let lungo = t.chars().count() >= prima.trim().chars().count();
        let sopra = i
            .checked_sub(2)
            .map(|j| righe[j].trim_end())
            .is_some_and(|s| rst::ornamento(s) == Some(c) && s.len() == t.len());
        if sopra && prima_testo && t.len() >= 3 {
            titoli_rst += 1;
        } else if prima_testo && (c == '=' || c == '-') && !prima.starts_with(' ') {
            setext += 1;
            if lungo && t.len() >= 3 {
                setext_rst += 1;
            }
        } else if prima_testo && lungo && t.len() >= 3 && !prima.starts_with(' ') {
            titoli_rst += 1;
        }
    }
    if atx > 0 && atx >= titoli_rst {
        return FormatoDocumento::Markdown;
    }
    if titoli_rst > 0 || (segni_rst > 0 && setext_rst > 0 && segni_md == 0) {
        return FormatoDocumento::Rst;
    }
    if setext > 0 {
        return FormatoDocumento::Markdown;
    }
    FormatoDocumento::Testo
}

pub(crate) fn leggi(t: &str, f: FormatoDocumento, c: &Controllo) -> Result<Documento, Errore> {
    let t = t.strip_prefix('\u{feff}').unwrap_or(t);
    let mut r = Raccolta::new(c);
    match f {
        FormatoDocumento::Markdown => markdown::leggi(t, &mut r)?,
        FormatoDocumento::Rst => rst::leggi(t, &mut r)?,
        _ => leggi_semplice(t, &mut r)?,
    }
    Ok(r.documento(None))
}

/// Columns of leading white space (a tab to the next multiple of 4) and the rest of the line.
pub(super) fn rientro(riga: &str) -> (usize, &str) {
    let mut col = 0;
    for (i, c) in riga.char_indices() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 4 + 1) * 4,
            _ => return (col, &riga[i..]),
        }
    }
    (col, "")
}

/// The nesting level of a list marker at column `col`, given the columns of the markers of
/// the open lists (updated).
pub(super) fn livello_lista(pila: &mut Vec<usize>, col: usize) -> usize {
    while pila.last().is_some_and(|&l| l > col) {
        pila.pop();
    }
    if pila.last() != Some(&col) {
        pila.push(col);
    }
    pila.len()
}

/// A plain-text list marker at the start of `t`: whether it is numbered, and the item's text.
fn marcatore_semplice(t: &str) -> Option<(bool, &str)> {
    let mut cs = t.char_indices();
    let (_, c) = cs.next()?;
    if matches!(
        c,
        '-' | '*'
            | '•'
            | '●'
            | '▪'
            | '–'
            | '◦'
            | '‣'
            | '○'
            | '■'
            | '□'
            | '►'
            | '➢'
            | '✓'
    ) {
        let resto = &t[c.len_utf8()..];
        return resto
            .starts_with([' ', '\t'])
            .then(|| (false, resto.trim_start()));
    }
    let cifre = t.bytes().take_while(u8::is_ascii_digit).count();
    let (n, chiusura) = if (1..=3).contains(&cifre) {
        (cifre, &[b'.', b')'][..])
    } else if t.as_bytes()[0].is_ascii_alphabetic() {
        (1, &[b')'][..])
    } else {
        return None;
    };
    let b = t.as_bytes();
    if b.len() > n + 1 && chiusura.contains(&b[n]) && matches!(b[n + 1], b' ' | b'\t') {
        return Some((true, t[n + 1..].trim_start()));
    }
    None
}

/// Plain text: blank lines end blocks; the lines of a block are one paragraph, except that a
/// line starting with a bullet or a number/letter marker starts a list item, which the
/// following unmarked lines of the block continue. Indentation nests the items.
fn leggi_semplice(t: &str, r: &mut Raccolta) -> Result<(), Errore> {
    let mut testo = r.testo();
    // The item being read: level and numbering; None for a paragraph.
    let mut voce: Option<(usize, bool)> = None;
    let mut pila: Vec<usize> = Vec::new();
    let chiudi = |r: &mut Raccolta, testo: &mut raccolta::Testo, voce: Option<(usize, bool)>| {
        let s = testo.prendi();
        match voce {
            Some((l, n)) => r.voce(l, n, s),
            None => r.paragrafo(s),
        }
    };
    for riga in t.lines() {
        r.controllo.passo()?;
        if riga.trim().is_empty() {
            chiudi(r, &mut testo, voce)?;
            voce = None;
            continue;
        }
        let (col, resto) = rientro(riga);
        if let Some((numerata, contenuto)) = marcatore_semplice(resto) {
            chiudi(r, &mut testo, voce)?;
            voce = Some((livello_lista(&mut pila, col), numerata));
            testo.aggiungi(contenuto)?;
            continue;
        }
        if voce.is_none() && testo.is_empty() {
            pila.clear();
        }
        testo.spazio();
        testo.aggiungi(resto)?;
    }
    chiudi(r, &mut testo, voce)
}

/// The nesting level of a Markdown list item whose marker is at column `col` and content at
/// `contenuto`, given the open items' (marker, content) columns (updated): a marker at or past
/// the content column of the innermost item opens a nested list.
pub(super) fn livello_lista_md(
    pila: &mut Vec<(usize, usize)>,
    col: usize,
    contenuto: usize,
) -> usize {
    while pila.last().is_some_and(|p| p.1 > col) {
        pila.pop();
    }
    pila.push((col, contenuto));
    pila.len()
}
