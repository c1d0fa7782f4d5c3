//! Markdown, reStructuredText and plain text: to be written.

use super::{Documento, FormatoDocumento};
use crate::{Controllo, Errore};

/// Text without a telling extension: Markdown or reStructuredText when it looks like one.
pub(crate) fn riconosci(_testo: &str) -> FormatoDocumento {
    FormatoDocumento::Testo
}

pub(crate) fn leggi(_t: &str, _f: FormatoDocumento, _c: &Controllo) -> Result<Documento, Errore> {
    Err(Errore::NonDocumento)
}
