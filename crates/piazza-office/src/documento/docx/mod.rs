//! DOCX: to be written.

use super::Documento;
use crate::{Archivio, Controllo, Errore};

pub(crate) fn leggi(_a: &mut Archivio, _c: &Controllo) -> Result<Documento, Errore> {
    Err(Errore::NonDocumento)
}
