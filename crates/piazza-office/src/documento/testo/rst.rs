//! reStructuredText, line by line with two lines of lookahead: section titles (underlined, or
//! over- and underlined; levels in the order their styles first appear, as docutils gives
//! them), paragraphs, bullet and enumerated lists nested by indentation, line blocks and block
//! quotes as paragraphs. Directives, comments, targets, substitution definitions, field lists,
//! literal blocks, grid and simple tables are skipped; inline markup is stripped to its text.

use std::collections::VecDeque;

use super::linea::{Cerca, togli_enfasi};
use super::raccolta::{Raccolta, Testo};
use super::{livello_lista_md, rientro};
use crate::Errore;

/// An adornment line: one punctuation character repeated (at least twice), nothing else.
pub(super) fn ornamento(t: &str) -> Option<char> {
    let t = t.trim_end();
    let c = t.chars().next()?;
    if !c.is_ascii_punctuation() || t.len() < 2 || !t.chars().all(|x| x == c) {
        return None;
    }
    Some(c)
}

fn larghezza(t: &str) -> usize {
    t.trim().chars().count()
}

/// The border of a simple table: runs of `=` separated by spaces, at least two.
fn bordo_semplice(t: &str) -> bool {
    let mut n = 0;
    for parte in t.split_whitespace() {
        if !parte.bytes().all(|b| b == b'=') {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// A field list's field: `:Nome: valore` (not a role: `:ref:` followed by a backtick).
fn campo(t: &str) -> bool {
    let Some(resto) = t.strip_prefix(':') else {
        return false;
    };
    match resto.find(':') {
        Some(i) if i > 0 && !resto.starts_with(' ') => {
            let dopo = &resto[i + 1..];
            dopo.is_empty() || dopo.starts_with([' ', '\t'])
        }
        _ => false,
    }
}

/// An enumerator: digits, one letter, a roman numeral (up to 8 letters), or `#`.
fn enumeratore(e: &str) -> bool {
    !e.is_empty()
        && (e == "#"
            || e.len() <= 9 && e.bytes().all(|b| b.is_ascii_digit())
            || e.len() == 1 && e.as_bytes()[0].is_ascii_alphabetic()
            || e.len() <= 8 && e.bytes().all(|b| b"ivxlcdmIVXLCDM".contains(&b)))
}

/// A list marker: numbered or not, the columns up to the content, the content.
fn marcatore(t: &str) -> Option<(bool, usize, &str)> {
    let c = t.chars().next()?;
    let (numerata, n) = if matches!(c, '-' | '*' | '+' | '•' | '‣' | '⁃') {
        (false, c.len_utf8())
    } else if let Some(resto) = t.strip_prefix('(') {
        let f = resto.find(')')?;
        if !enumeratore(&resto[..f]) {
            return None;
        }
        (true, f + 2)
    } else {
        let f = t.find(['.', ')'])?;
        if !enumeratore(&t[..f]) {
            return None;
        }
        (true, f + 1)
    };
    let resto = &t[n..];
    if resto.trim().is_empty() {
        return Some((numerata, n + 1, ""));
    }
    if !resto.starts_with([' ', '\t']) {
        return None;
    }
    let (spazi, contenuto) = rientro(resto);
    Some((numerata, n + spazi, contenuto))
}

#[derive(Clone, Copy, PartialEq)]
enum Tipo {
    Niente,
    Paragrafo { col: usize },
    Voce { livello: usize, numerata: bool },
}

struct Rst<'t, 'r, 'c> {
    r: &'r mut Raccolta<'c>,
    righe: Vec<&'t str>,
    byte: usize,
    tipo: Tipo,
    pila: Vec<(usize, usize)>,
    stili: Vec<(char, bool)>,
    /// Lines indented past this column (and blank ones) are skipped.
    salta: Option<usize>,
}

impl<'t> Rst<'t, '_, '_> {
    fn riga(&mut self, t: &'t str) -> Result<(), Errore> {
        self.byte = self.byte.saturating_add(t.len() + 1);
        let max = self.r.max_blocco();
        if self.byte > max.saturating_mul(2) {
            return Err(Errore::BloccoTroppoLungo { limite: max });
        }
        self.righe.push(t);
        Ok(())
    }

    fn testo(&mut self, righe: &[&str]) -> Result<String, Errore> {
        // Joined first, so that inline markup may span lines (the lines are bounded by `riga`).
        let mut unito = String::new();
        for riga in righe {
            if !unito.is_empty() {
                unito.push(' ');
            }
            unito.push_str(riga.trim());
        }
        let mut t = self.r.testo();
        in_linea(&unito, &mut t)?;
        Ok(t.prendi())
    }

    fn chiudi(&mut self) -> Result<(), Errore> {
        let mut righe = std::mem::take(&mut self.righe);
        self.byte = 0;
        let tipo = std::mem::replace(&mut self.tipo, Tipo::Niente);
        // A paragraph ending in `::` introduces a literal block; the marker itself becomes
        // `:` after text, nothing after a space or alone.
        if let Some(ultima) = righe.last_mut() {
            let t = ultima.trim_end();
            if let Some(senza) = t.strip_suffix("::") {
                *ultima = if senza.ends_with(char::is_whitespace) || senza.trim().is_empty() {
                    senza
                } else {
                    &t[..t.len() - 1]
                };
                self.salta = Some(match tipo {
                    Tipo::Paragrafo { col } => col,
                    _ => self.pila.last().map_or(0, |p| p.1),
                });
            }
        }
        match tipo {
            Tipo::Niente => {}
            Tipo::Paragrafo { .. } => {
                let t = self.testo(&righe)?;
                self.r.paragrafo(t)?;
            }
            Tipo::Voce { livello, numerata } => {
                let t = self.testo(&righe)?;
                self.r.voce(livello, numerata, t)?;
            }
        }
        Ok(())
    }

    fn titolo(&mut self, stile: (char, bool), testo: &str) -> Result<(), Errore> {
        self.pila.clear();
        let livello = match self.stili.iter().position(|s| *s == stile) {
            Some(i) => i + 1,
            None => {
                self.stili.push(stile);
                self.stili.len()
            }
        };
        let t = self.testo(&[testo])?;
        self.r.titolo(livello, t)
    }
}

/// The lines of a text with a lookahead of a few.
struct Righe<'t> {
    righe: std::str::Lines<'t>,
    avanti: VecDeque<&'t str>,
}

impl<'t> Righe<'t> {
    fn guarda(&mut self, k: usize) -> Option<&'t str> {
        while self.avanti.len() <= k {
            self.avanti.push_back(self.righe.next()?);
        }
        Some(self.avanti[k])
    }

    fn prossima(&mut self) -> Option<&'t str> {
        self.avanti.pop_front().or_else(|| self.righe.next())
    }
}

pub(super) fn leggi(t: &str, r: &mut Raccolta) -> Result<(), Errore> {
    let mut righe = Righe {
        righe: t.lines(),
        avanti: VecDeque::new(),
    };
    let mut rst = Rst {
        r,
        righe: Vec::new(),
        byte: 0,
        tipo: Tipo::Niente,
        pila: Vec::new(),
        stili: Vec::new(),
        salta: None,
    };
    let mut griglia = false;
    let mut semplice = false;
    let mut dopo_vuota = false;
    while let Some(riga) = righe.prossima() {
        rst.r.controllo.passo()?;
        let (col, resto) = rientro(riga);
        let resto = resto.trim_end();
        let vuota = resto.is_empty();
        if let Some(n) = rst.salta {
            if vuota || col > n {
                continue;
            }
            rst.salta = None;
        }
        if griglia {
            griglia = !vuota;
            continue;
        }
        if semplice {
            if bordo_semplice(resto) || ornamento(resto) == Some('=') {
                semplice = righe.guarda(0).is_some_and(|l| !l.trim().is_empty());
            }
            continue;
        }
        if vuota {
            match rst.tipo {
                Tipo::Voce { .. } => dopo_vuota = true,
                _ => rst.chiudi()?,
            }
            continue;
        }
        let dopo = std::mem::replace(&mut dopo_vuota, false);
        let inizio = rst.tipo == Tipo::Niente || dopo;
        if inizio && col == 0 {
            let prossima = righe.guarda(0).map(str::trim_end);
            let testo_dopo = prossima.filter(|p| !p.trim().is_empty() && ornamento(p).is_none());
            if let Some(c) = ornamento(resto) {
                if let Some(titolo) = testo_dopo
                    && let Some(sotto) = righe.guarda(1)
                    && ornamento(sotto) == Some(c)
                    && larghezza(titolo) <= resto.len()
                {
                    rst.chiudi()?;
                    righe.prossima();
                    righe.prossima();
                    rst.titolo((c, true), titolo)?;
                    continue;
                }
                if resto.len() >= 4 && prossima.is_none_or(|p| p.trim().is_empty()) {
                    // A transition.
                    rst.chiudi()?;
                    continue;
                }
            } else if let Some(sotto) = prossima
                && let Some(c) = ornamento(sotto)
                && (sotto.len() >= larghezza(resto) || sotto.len() >= 4)
            {
                rst.chiudi()?;
                righe.prossima();
                rst.titolo((c, false), resto)?;
                continue;
            }
        }
        if inizio && bordo_semplice(resto) {
            rst.chiudi()?;
            semplice = true;
            continue;
        }
        if inizio && (resto.starts_with("+-") || resto.starts_with("+=")) && resto.ends_with('+') {
            rst.chiudi()?;
            griglia = true;
            continue;
        }
        if resto == ".." || resto.starts_with(".. ") || resto == "__" || resto.starts_with("__ ") {
            rst.chiudi()?;
            rst.salta = Some(col);
            continue;
        }
        if inizio && campo(resto) {
            rst.chiudi()?;
            rst.salta = Some(col);
            continue;
        }
        if matches!(rst.tipo, Tipo::Paragrafo { .. }) && ornamento(resto).is_some() {
            continue;
        }
        if resto == "|" || resto.starts_with("| ") {
            if !matches!(rst.tipo, Tipo::Paragrafo { .. }) {
                rst.chiudi()?;
                rst.tipo = Tipo::Paragrafo { col };
            }
            rst.riga(&resto[1..])?;
            continue;
        }
        // Inside an item's text, with no blank line before, a `- ` goes on with that text (a
        // nested list needs a blank line before it).
        let nel_testo = matches!(rst.tipo, Tipo::Voce { .. })
            && !dopo
            && rst.pila.last().is_some_and(|p| col >= p.1);
        if !matches!(rst.tipo, Tipo::Paragrafo { .. })
            && !nel_testo
            && let Some((numerata, n, contenuto)) = marcatore(resto)
        {
            rst.chiudi()?;
            let livello = livello_lista_md(&mut rst.pila, col, col + n);
            rst.tipo = Tipo::Voce { livello, numerata };
            rst.riga(contenuto)?;
            continue;
        }
        match rst.tipo {
            Tipo::Voce { .. } => {
                let contenuto = rst.pila.last().map_or(0, |p| p.1);
                let marcatore = rst.pila.last().map_or(0, |p| p.0);
                if col < contenuto && (dopo || col <= marcatore) {
                    rst.chiudi()?;
                    while rst.pila.last().is_some_and(|p| p.1 > col) {
                        rst.pila.pop();
                    }
                    rst.tipo = Tipo::Paragrafo { col };
                }
            }
            Tipo::Paragrafo { col: c } if col > c => {
                rst.chiudi()?;
                rst.tipo = Tipo::Paragrafo { col };
            }
            Tipo::Paragrafo { .. } => {}
            Tipo::Niente => {
                while rst.pila.last().is_some_and(|p| p.1 > col) {
                    rst.pila.pop();
                }
                rst.tipo = Tipo::Paragrafo { col };
            }
        }
        rst.riga(resto)?;
    }
    rst.chiudi()
}

/// Whether the character before an inline markup start allows it (start, space, punctuation).
fn apre(prima: Option<char>) -> bool {
    prima.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation() && c != '\\')
}

/// reStructuredText inline markup stripped to its text: emphasis and strong marks dropped,
/// literals kept, interpreted text and roles to their text, hyperlink references to their
/// text (`` `testo <url>`_ `` → `testo`, `nome_` → `nome`), substitution references to their
/// name, footnote and citation references dropped.
fn in_linea(s: &str, out: &mut Testo) -> Result<(), Errore> {
    let mut cerca = Cerca::new(s);
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().expect("inside the text");
        let prima = s[..i].chars().next_back();
        match c {
            '\\' => {
                i += 1;
                if let Some(x) = s[i..].chars().next() {
                    if x != ' ' {
                        out.carattere(x)?;
                    }
                    i += x.len_utf8();
                }
            }
            '`' if s[i..].starts_with("``") => match cerca.stringa(i + 2, "``") {
                Some(f) if f > i + 2 => {
                    out.aggiungi(&s[i + 2..f])?;
                    i = f + 2;
                }
                _ => {
                    out.aggiungi("``")?;
                    i += 2;
                }
            },
            '`' => match cerca.byte(i + 1, b'`') {
                Some(f) if f > i + 1 => {
                    let dentro = &s[i + 1..f];
                    let testo = match dentro.rfind('<') {
                        Some(a) if dentro.ends_with('>') && a > 0 => dentro[..a].trim_end(),
                        Some(a) if dentro.ends_with('>') => &dentro[a + 1..dentro.len() - 1],
                        _ => dentro,
                    };
                    out.aggiungi(testo)?;
                    i = f + 1;
                    let resto = &s[i..];
                    if resto.starts_with("__") {
                        i += 2;
                    } else if resto.starts_with('_') {
                        i += 1;
                    } else if resto.starts_with(':')
                        && let Some(n) = ruolo(resto)
                    {
                        i += n;
                    }
                }
                _ => {
                    out.carattere('`')?;
                    i += 1;
                }
            },
            ':' if apre(prima)
                && let Some(n) = ruolo(&s[i..])
                && b.get(i + n) == Some(&b'`') =>
            {
                i += n;
            }
            '*' => i = togli_enfasi(s, i, b'*', out)?,
            '|' if apre(prima)
                && b.get(i + 1).is_some_and(|x| !x.is_ascii_whitespace())
                && let Some(f) = cerca.byte(i + 1, b'|') =>
            {
                out.aggiungi(&s[i + 1..f])?;
                i = f + 1;
                i += s[i..].bytes().take(2).take_while(|&x| x == b'_').count();
            }
            '[' if apre(prima)
                && let Some(f) = cerca.byte(i + 1, b']')
                && b.get(f + 1) == Some(&b'_')
                && !s[i + 1..f].contains(char::is_whitespace) =>
            {
                i = f + 2;
                if b.get(i).is_some_and(|x| b".,;:!?)".contains(x)) {
                    out.senza_spazio();
                }
            }
            '_' if prima.is_some_and(char::is_alphanumeric)
                && s[i..]
                    .trim_start_matches('_')
                    .chars()
                    .next()
                    .is_none_or(|x| !x.is_alphanumeric()) =>
            {
                i += s[i..].bytes().take(2).take_while(|&x| x == b'_').count();
            }
            '_' if b.get(i + 1) == Some(&b'`') => i += 1,
            _ => {
                out.carattere(c)?;
                i += c.len_utf8();
            }
        }
    }
    Ok(())
}

/// A role `:nome:` at the start of `s`: its length.
fn ruolo(s: &str) -> Option<usize> {
    let resto = s.strip_prefix(':')?;
    let f = resto.find(':')?;
    let nome = &resto[..f];
    (!nome.is_empty()
        && nome.as_bytes()[0].is_ascii_alphabetic()
        && nome
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+.:".contains(&b)))
    .then_some(f + 2)
}
