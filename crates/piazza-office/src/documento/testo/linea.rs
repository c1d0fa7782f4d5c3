//! Helpers of the inline-markup strippers: searches that stay linear on hostile text, emphasis
//! marks, entities.

use std::collections::HashMap;

use super::raccolta::Testo;
use crate::Errore;

/// Forward searches in one text, each remembering its last answer, so that the many failed
/// searches of a hostile text (`[[[[…`) cost one scan in all, not one each.
pub(crate) struct Cerca<'s> {
    s: &'s str,
    ultime: Vec<(u8, usize, Option<usize>)>,
    stringhe: Vec<(&'static str, usize, Option<usize>)>,
    /// Backtick runs: their length → their starts, in order.
    corse: Option<HashMap<usize, Vec<usize>>>,
}

impl<'s> Cerca<'s> {
    pub fn new(s: &'s str) -> Self {
        Self {
            s,
            ultime: Vec::new(),
            stringhe: Vec::new(),
            corse: None,
        }
    }

    /// The first `b` at or after `da`.
    pub fn byte(&mut self, da: usize, b: u8) -> Option<usize> {
        let s = self.s.as_bytes();
        if da > s.len() {
            return None;
        }
        if let Some(u) = self.ultime.iter_mut().find(|u| u.0 == b) {
            match u.2 {
                Some(p) if u.1 <= da && da <= p => return Some(p),
                None if u.1 <= da => return None,
                _ => {}
            }
            u.1 = da;
            u.2 = memchr::memchr(b, &s[da..]).map(|p| p + da);
            return u.2;
        }
        let r = memchr::memchr(b, &s[da..]).map(|p| p + da);
        self.ultime.push((b, da, r));
        r
    }

    /// The first `cosa` at or after `da`.
    pub fn stringa(&mut self, da: usize, cosa: &'static str) -> Option<usize> {
        let s = self.s.as_bytes();
        if da > s.len() {
            return None;
        }
        let trova = |da: usize| memchr::memmem::find(&s[da..], cosa.as_bytes()).map(|p| p + da);
        if let Some(u) = self.stringhe.iter_mut().find(|u| u.0 == cosa) {
            match u.2 {
                Some(p) if u.1 <= da && da <= p => return Some(p),
                None if u.1 <= da => return None,
                _ => {}
            }
            u.1 = da;
            u.2 = trova(da);
            return u.2;
        }
        let r = trova(da);
        self.stringhe.push((cosa, da, r));
        r
    }

    /// The start of the first run of exactly `n` backticks at or after `da`.
    pub fn backtick(&mut self, da: usize, n: usize) -> Option<usize> {
        let s = self.s.as_bytes();
        let corse = self.corse.get_or_insert_with(|| {
            let mut m: HashMap<usize, Vec<usize>> = HashMap::new();
            let mut i = 0;
            while let Some(p) = memchr::memchr(b'`', &s[i..]) {
                let inizio = i + p;
                let l = s[inizio..].iter().take_while(|&&b| b == b'`').count();
                m.entry(l).or_default().push(inizio);
                i = inizio + l;
            }
            m
        });
        let v = corse.get(&n)?;
        let k = v.partition_point(|&p| p < da);
        v.get(k).copied()
    }
}

/// A run of `c` (`*`, `_`, `~`) at `i`: dropped when it is an emphasis mark (touching text on
/// one side; for `_` not inside a word; for `~` only `~~`), else kept. Gives the index after it.
pub(crate) fn togli_enfasi(s: &str, i: usize, c: u8, out: &mut Testo) -> Result<usize, Errore> {
    let n = s.as_bytes()[i..].iter().take_while(|&&x| x == c).count();
    let prima = s[..i].chars().next_back();
    let dopo = s[i + n..].chars().next();
    let spazio = |x: Option<char>| x.is_none_or(char::is_whitespace);
    let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    let circondata = spazio(prima) && spazio(dopo);
    let togli = match c {
        b'_' => !(circondata || alnum(prima) && alnum(dopo)),
        b'~' => n == 2 && !circondata,
        _ => !circondata,
    };
    if !togli {
        out.aggiungi(&s[i..i + n])?;
    }
    Ok(i + n)
}

/// An HTML entity at the start of `s` (`&amp;`, `&nbsp;`, `&#39;`, `&#x2014;`): the character
/// and the bytes it takes.
pub(crate) fn entita(s: &str) -> Option<(char, usize)> {
    let fine = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let nome = &s[1..fine];
    let c = match nome {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "egrave" => 'è',
        "eacute" => 'é',
        "agrave" => 'à',
        "igrave" => 'ì',
        "ograve" => 'ò',
        "ugrave" => 'ù',
        "euro" => '€',
        "mdash" => '—',
        "ndash" => '–',
        _ => {
            let n = nome.strip_prefix('#')?;
            let v = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)?
        }
    };
    Some((c, fine + 1))
}
