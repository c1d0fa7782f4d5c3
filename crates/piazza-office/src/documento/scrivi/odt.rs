//! ODT: to be written.

use super::{Documento, Metadati};

/// The document as an ODT file.
pub fn odt(_doc: &Documento, _meta: &Metadati) -> Vec<u8> {
    Vec::new()
}
