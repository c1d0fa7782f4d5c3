//! Markdown (CommonMark with GitHub's tables), line by line: ATX and setext headings, lists
//! nested by indentation with their continuation lines, paragraphs, pipe tables. Code blocks,
//! HTML comments, thematic breaks, link definitions and a leading YAML front matter are
//! skipped; inline markup is stripped to its text.

use super::linea::{Cerca, entita, togli_enfasi};
use super::raccolta::{Raccolta, Testo};
use super::{livello_lista_md, rientro};
use crate::Errore;

/// An ATX heading (`## Titolo ##`, at most three spaces before): its level and text.
pub(super) fn atx(riga: &str) -> Option<(usize, &str)> {
    let (col, t) = rientro(riga);
    if col > 3 {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&n) {
        return None;
    }
    let resto = &t[n..];
    if !resto.is_empty() && !resto.starts_with([' ', '\t']) {
        return None;
    }
    let mut testo = resto.trim();
    let senza = testo.trim_end_matches('#');
    if senza.is_empty() || senza.ends_with([' ', '\t']) {
        testo = senza.trim_end();
    }
    Some((n, testo))
}

/// A line of only `c` (at least `min` of them), spaces allowed between when `spazi`.
/// The start of an HTML block of CommonMark's kind 6: a block-level tag.
fn blocco_html(t: &str) -> bool {
    let Some(r) = t.strip_prefix('<') else {
        return false;
    };
    let r = r.strip_prefix('/').unwrap_or(r);
    let nome: String = r
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let dopo = r[nome.len()..].chars().next();
    !nome.is_empty()
        && dopo.is_none_or(|c| c == '>' || c == ' ' || c == '/' || c == '\t')
        && [
            "address",
            "article",
            "aside",
            "blockquote",
            "center",
            "dd",
            "details",
            "div",
            "dl",
            "dt",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "section",
            "summary",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "tr",
            "ul",
        ]
        .contains(&nome.as_str())
}

fn solo(t: &str, c: char, min: usize, spazi: bool) -> bool {
    let mut n = 0;
    for x in t.trim_end().chars() {
        if x == c {
            n += 1;
        } else if !(spazi && (x == ' ' || x == '\t')) {
            return false;
        }
    }
    n >= min
}

fn interruzione(t: &str) -> bool {
    ['-', '*', '_'].iter().any(|&c| solo(t, c, 3, true))
}

/// A list marker: numbered or not, the column its content starts at (relative to the
/// marker's), the content, and for a numbered one its number.
fn marcatore(t: &str) -> Option<(bool, usize, &str, u64)> {
    let b = t.as_bytes();
    let (numerata, n, numero) = match b.first()? {
        b'-' | b'*' | b'+' => (false, 1, 0),
        b'0'..=b'9' => {
            let cifre = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if cifre > 9 || !matches!(b.get(cifre), Some(b'.' | b')')) {
                return None;
            }
            (true, cifre + 1, t[..cifre].parse().unwrap_or(0))
        }
        _ => return None,
    };
    let resto = &t[n..];
    if resto.trim().is_empty() {
        return Some((numerata, n + 1, "", numero));
    }
    if !resto.starts_with([' ', '\t']) {
        return None;
    }
    let (spazi, contenuto) = rientro(resto);
    let spazi = if spazi > 4 { 1 } else { spazi };
    Some((numerata, n + spazi, contenuto, numero))
}

/// Cells of a delimiter row looked at, at most (more is refused as a table too wide).
const MAX_DELIMITATORI: usize = 100_000;

/// A GFM delimiter row (`| --- | :-: |`): its number of cells.
fn delimitatori(t: &str) -> Option<usize> {
    let t = t.trim();
    if !t.contains('-') || !t.bytes().all(|b| b"|:- \t".contains(&b)) {
        return None;
    }
    let celle = celle(t, MAX_DELIMITATORI);
    celle
        .iter()
        .all(|c| {
            let c = c.trim().trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
        .then_some(celle.len())
}

/// The cells of a table row, at most `max`: outer pipes dropped, `\|` not a separator.
fn celle(t: &str, max: usize) -> Vec<&str> {
    let mut t = t.trim();
    t = t.strip_prefix('|').unwrap_or(t);
    if t.ends_with('|') && !t.ends_with("\\|") {
        t = &t[..t.len() - 1];
    }
    let mut v = Vec::new();
    let mut inizio = 0;
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() && v.len() < max {
        match b[i] {
            b'\\' => i += 1,
            b'|' => {
                v.push(&t[inizio..i]);
                inizio = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if v.len() < max {
        v.push(&t[inizio.min(t.len())..]);
    }
    v
}

#[derive(Clone, Copy, PartialEq)]
enum Tipo {
    Niente,
    Paragrafo,
    Voce { livello: usize, numerata: bool },
}

struct Md<'t, 'r, 'c> {
    r: &'r mut Raccolta<'c>,
    righe: Vec<&'t str>,
    byte: usize,
    tipo: Tipo,
    /// Open list items: the column of their marker and of their content.
    pila: Vec<(usize, usize)>,
    dopo_vuota: bool,
    tabella: Option<(Vec<Vec<String>>, usize)>,
}

impl<'t> Md<'t, '_, '_> {
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
            let riga = riga.trim();
            let riga = riga.strip_suffix('\\').unwrap_or(riga);
            if !unito.is_empty() {
                unito.push(' ');
            }
            unito.push_str(riga);
        }
        let mut t = self.r.testo();
        in_linea(&unito, &mut t)?;
        Ok(t.prendi())
    }

    fn chiudi(&mut self) -> Result<(), Errore> {
        let righe = std::mem::take(&mut self.righe);
        self.byte = 0;
        match self.tipo {
            Tipo::Niente => {}
            Tipo::Paragrafo => {
                let t = self.testo(&righe)?;
                self.r.paragrafo(t)?;
            }
            Tipo::Voce { livello, numerata } => {
                let t = self.testo(&righe)?;
                let t = ["[ ] ", "[x] ", "[X] "]
                    .iter()
                    .find_map(|p| t.strip_prefix(p))
                    .map(str::to_owned)
                    .unwrap_or(t);
                self.r.voce(livello, numerata, t)?;
            }
        }
        self.tipo = Tipo::Niente;
        Ok(())
    }

    fn chiudi_tabella(&mut self) -> Result<(), Errore> {
        if let Some((righe, _)) = self.tabella.take() {
            self.r.tabella(righe)?;
        }
        Ok(())
    }

    fn riga_tabella(&mut self, t: &str, n: usize) -> Result<Vec<String>, Errore> {
        let mut riga = Vec::with_capacity(n);
        for c in celle(t, n) {
            let c = self.testo(&[c])?;
            self.r.conta_cella(&c)?;
            riga.push(c);
        }
        riga.resize(n, String::new());
        Ok(riga)
    }
}

pub(super) fn leggi(t: &str, r: &mut Raccolta) -> Result<(), Errore> {
    let mut righe = t.lines().peekable();
    // YAML front matter: `---` on the first line, up to the next `---` or `...`.
    if t.lines().next().map(str::trim_end) == Some("---")
        && let Some(fine) = t
            .lines()
            .skip(1)
            .position(|l| matches!(l.trim_end(), "---" | "..."))
    {
        for _ in 0..fine + 2 {
            righe.next();
        }
    }
    let mut md = Md {
        r,
        righe: Vec::new(),
        byte: 0,
        tipo: Tipo::Niente,
        pila: Vec::new(),
        dopo_vuota: false,
        tabella: None,
    };
    let mut recinto: Option<(u8, usize)> = None;
    let mut commento = false;
    let mut codice = false;
    // Inside an HTML block (`<table>` … up to a blank line): its text is one paragraph, and
    // none of its lines is Markdown (a lone `-` there is not a heading's underline).
    let mut html = false;
    for riga in righe {
        md.r.controllo.passo()?;
        if let Some((c, n)) = recinto {
            let t = riga.trim();
            if t.len() >= n && t.bytes().all(|b| b == c) {
                recinto = None;
            }
            continue;
        }
        if commento {
            commento = !riga.contains("-->");
            continue;
        }
        let (mut col, mut resto) = rientro(riga);
        while col < 4 && resto.starts_with('>') {
            let (c, r) = rientro(&resto[1..]);
            (col, resto) = (c.saturating_sub(1), r);
        }
        let vuota = resto.trim().is_empty();
        if html {
            if vuota {
                html = false;
                md.chiudi()?;
            } else {
                md.riga(resto)?;
            }
            continue;
        }
        if col < 4 && blocco_html(resto) {
            md.chiudi()?;
            md.pila.clear();
            md.tipo = Tipo::Paragrafo;
            md.riga(resto)?;
            html = true;
            continue;
        }
        if let Some((_, n)) = md.tabella {
            if !vuota && resto.contains('|') {
                let riga = md.riga_tabella(resto, n)?;
                md.tabella.as_mut().expect("open").0.push(riga);
                continue;
            }
            md.chiudi_tabella()?;
        }
        if vuota {
            match md.tipo {
                Tipo::Voce { .. } => md.dopo_vuota = true,
                _ => md.chiudi()?,
            }
            continue;
        }
        let contenuto = md.pila.last().map(|p| p.1);
        let in_lista = contenuto.is_some_and(|c| col >= c);
        let dopo_vuota = std::mem::replace(&mut md.dopo_vuota, false);
        if codice {
            if col >= 4 {
                continue;
            }
            codice = false;
        }
        let rel = if in_lista {
            col - contenuto.unwrap_or(0)
        } else {
            col
        };
        if rel < 4 && (resto.starts_with("```") || resto.starts_with("~~~")) {
            md.chiudi()?;
            let c = resto.as_bytes()[0];
            recinto = Some((c, resto.bytes().take_while(|&b| b == c).count()));
            continue;
        }
        if rel < 4 && resto.starts_with("<!--") {
            md.chiudi()?;
            commento = !resto[4..].contains("-->");
            continue;
        }
        if col >= 4 && !in_lista && md.tipo == Tipo::Niente {
            md.pila.clear();
            codice = true;
            continue;
        }
        if rel < 4
            && let Some((livello, testo)) = atx(resto)
        {
            md.chiudi()?;
            md.pila.clear();
            let t = md.testo(&[testo])?;
            md.r.titolo(livello, t)?;
            continue;
        }
        if md.tipo == Tipo::Paragrafo
            && col < 4
            && (solo(resto, '=', 1, false) || solo(resto, '-', 1, false))
        {
            let livello = if resto.starts_with('=') { 1 } else { 2 };
            let righe = std::mem::take(&mut md.righe);
            md.tipo = Tipo::Niente;
            let t = md.testo(&righe)?;
            md.r.titolo(livello, t)?;
            continue;
        }
        if rel < 4 && interruzione(resto) {
            md.chiudi()?;
            md.pila.clear();
            continue;
        }
        if md.tipo == Tipo::Paragrafo
            && let Some(n) = delimitatori(resto)
            && let Some(&testa) = md.righe.last()
            && testa.contains('|')
            && celle(testa, n + 1).len() == n
        {
            md.righe.pop();
            md.chiudi()?;
            let max = md.r.controllo.limiti.max_colonne;
            if n > max as usize {
                return Err(Errore::TabellaTroppoLarga { limite: max });
            }
            let testa = md.riga_tabella(testa, n)?;
            md.tabella = Some((vec![testa], n));
            continue;
        }
        if (rel < 4 || md.tipo != Tipo::Paragrafo)
            && let Some((numerata, larghezza, testo, numero)) = marcatore(resto)
            && (md.tipo != Tipo::Paragrafo || !testo.is_empty() && (!numerata || numero == 1))
        {
            md.chiudi()?;
            let livello = livello_lista_md(&mut md.pila, col, col + larghezza);
            md.tipo = Tipo::Voce { livello, numerata };
            md.riga(testo)?;
            continue;
        }
        if md.tipo == Tipo::Niente
            && col < 4
            && resto.starts_with('[')
            && resto
                .find("]:")
                .is_some_and(|i| i > 1 && !resto[..i].contains(']'))
        {
            continue;
        }
        match md.tipo {
            Tipo::Voce { .. } if dopo_vuota && !in_lista => {
                md.chiudi()?;
                md.pila.clear();
                md.tipo = Tipo::Paragrafo;
            }
            Tipo::Niente => {
                if !in_lista {
                    md.pila.clear();
                }
                md.tipo = Tipo::Paragrafo;
            }
            _ => {}
        }
        md.riga(resto)?;
    }
    md.chiudi_tabella()?;
    md.chiudi()
}

/// Markdown inline markup stripped to its text: code spans kept as written, links to their
/// text, images and HTML tags and comments dropped, emphasis marks removed, escapes and the
/// common entities resolved.
fn in_linea(s: &str, out: &mut Testo) -> Result<(), Errore> {
    let mut cerca = Cerca::new(s);
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().expect("inside the text");
        match c {
            '\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                out.carattere(b[i + 1] as char)?;
                i += 2;
            }
            '`' => {
                let n = b[i..].iter().take_while(|&&x| x == b'`').count();
                match cerca.backtick(i + n, n) {
                    Some(fine) => {
                        out.aggiungi(&s[i + n..fine])?;
                        i = fine + n;
                    }
                    None => {
                        out.aggiungi(&s[i..i + n])?;
                        i += n;
                    }
                }
            }
            '!' if b.get(i + 1) == Some(&b'[') => match collegamento(&mut cerca, s, i + 1) {
                Some((_, fine)) => i = fine,
                None => {
                    out.carattere('!')?;
                    i += 1;
                }
            },
            '[' => {
                // A badge: `[![alt](img)](url)`, dropped with its image.
                if b.get(i + 1) == Some(&b'!')
                    && let Some((_, fine)) = collegamento(&mut cerca, s, i + 2)
                    && b.get(fine) == Some(&b']')
                    && b.get(fine + 1) == Some(&b'(')
                    && let Some(chiusa) = cerca.byte(fine + 2, b')')
                {
                    i = chiusa + 1;
                    continue;
                }
                match collegamento(&mut cerca, s, i) {
                    Some((testo, fine)) => {
                        in_linea(testo, out)?;
                        i = fine;
                    }
                    None => {
                        out.carattere('[')?;
                        i += 1;
                    }
                }
            }
            '<' => {
                if s[i..].starts_with("<!--") {
                    i = cerca.stringa(i + 4, "-->").map_or(s.len(), |f| f + 3);
                    continue;
                }
                let chiusa = cerca.byte(i + 1, b'>');
                let aperta = cerca.byte(i + 1, b'<');
                match chiusa {
                    Some(f) if aperta.is_none_or(|a| a > f) && f > i + 1 => {
                        let dentro = &s[i + 1..f];
                        let primo = dentro.as_bytes()[0];
                        if !dentro.contains(' ')
                            && (dentro.contains("://")
                                || dentro.contains('@') && !dentro.starts_with('/'))
                        {
                            out.aggiungi(dentro)?;
                            i = f + 1;
                        } else if primo.is_ascii_alphabetic() || primo == b'/' && dentro.len() > 1 {
                            i = f + 1;
                        } else {
                            out.carattere('<')?;
                            i += 1;
                        }
                    }
                    _ => {
                        out.carattere('<')?;
                        i += 1;
                    }
                }
            }
            '*' | '_' | '~' => i = togli_enfasi(s, i, c as u8, out)?,
            '&' => match entita(&s[i..]) {
                Some((c, n)) => {
                    out.carattere(c)?;
                    i += n;
                }
                None => {
                    out.carattere('&')?;
                    i += 1;
                }
            },
            _ => {
                out.carattere(c)?;
                i += c.len_utf8();
            }
        }
    }
    Ok(())
}

/// `[testo](url)`, `[testo][rif]` or `[testo][]` starting at `i`: the text and where it ends.
fn collegamento<'s>(cerca: &mut Cerca, s: &'s str, i: usize) -> Option<(&'s str, usize)> {
    let chiusa = cerca.byte(i + 1, b']')?;
    let testo = &s[i + 1..chiusa];
    match s.as_bytes().get(chiusa + 1) {
        Some(b'(') => Some((testo, cerca.byte(chiusa + 2, b')')? + 1)),
        Some(b'[') => Some((testo, cerca.byte(chiusa + 2, b']')? + 1)),
        _ => None,
    }
}
