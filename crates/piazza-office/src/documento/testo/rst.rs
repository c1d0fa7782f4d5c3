//! reStructuredText: to be written.

use super::raccolta::Raccolta;
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

pub(super) fn leggi(_t: &str, _r: &mut Raccolta) -> Result<(), Errore> {
    Err(Errore::NonDocumento)
}
