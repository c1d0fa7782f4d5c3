//! PDF with a text layer: to be written.

use super::Documento;
use crate::{Controllo, Errore};

pub(crate) fn leggi(_bytes: &[u8], _c: &Controllo) -> Result<Documento, Errore> {
    Err(Errore::NonDocumento)
}
