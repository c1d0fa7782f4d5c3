//! The zip container of XLSX and ODS, opened without trusting what it declares.

use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

use crate::Errore;
use crate::limiti::Controllo;
use crate::xml::Xml;

/// Entries a spreadsheet's zip may hold. A workbook has a few dozen; an archive with more is
/// refused before its central directory is decoded, so that decoding it costs little.
pub(crate) const MAX_PARTI: usize = 10_000;

const FIRMA_LOCALE: &[u8; 4] = b"PK\x03\x04";
const FIRMA_VUOTO: &[u8; 4] = b"PK\x05\x06";
const FIRMA_CENTRALE: &[u8; 4] = b"PK\x01\x02";

/// Whether the bytes start like a zip archive.
pub(crate) fn sembra_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(FIRMA_LOCALE) || bytes.starts_with(FIRMA_VUOTO)
}

fn danneggiato(cosa: &str) -> Errore {
    Errore::Danneggiato(cosa.to_owned())
}

/// An opened zip over the received bytes (nothing is copied).
pub(crate) struct Archivio<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Archivio<'a> {
    pub fn apri(bytes: &'a [u8]) -> Result<Self, Errore> {
        // Every central-directory record starts with its signature, so their count bounds the
        // entries the zip reader can decode.
        let firme = memchr::memmem::find_iter(bytes, FIRMA_CENTRALE)
            .take(MAX_PARTI + 1)
            .count();
        if firme > MAX_PARTI {
            return Err(Errore::TroppeParti { limite: MAX_PARTI });
        }
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| danneggiato("l'archivio ZIP non è leggibile"))?;
        if zip.len() > MAX_PARTI {
            return Err(Errore::TroppeParti { limite: MAX_PARTI });
        }
        Ok(Self { zip })
    }

    /// The index of the entry named `nome`: exactly, or else ignoring case and `\` for `/`
    /// (part names are case-insensitive in OPC, and some writers use backslashes).
    pub fn indice(&self, nome: &str) -> Option<usize> {
        if let Some(i) = self.zip.index_for_name(nome) {
            return Some(i);
        }
        let uguale = |altro: &[u8]| {
            altro.len() == nome.len()
                && altro.iter().zip(nome.as_bytes()).all(|(&a, &b)| {
                    let a = if a == b'\\' { b'/' } else { a };
                    a.eq_ignore_ascii_case(&b)
                })
        };
        self.zip.file_names_raw().position(uguale)
    }

    pub fn contiene(&self, nome: &str) -> bool {
        self.indice(nome).is_some()
    }

    fn apri_voce(
        &mut self,
        indice: usize,
    ) -> Result<zip::read::ZipFile<'_, Cursor<&'a [u8]>>, Errore> {
        let voce = self
            .zip
            .by_index_data(indice)
            .map_err(|_| danneggiato("una parte dell'archivio ZIP non è leggibile"))?;
        if voce.encrypted() {
            return Err(Errore::Cifrato);
        }
        if !matches!(
            voce.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(Errore::CompressioneNonSupportata);
        }
        self.zip.by_index(indice).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => Errore::CompressioneNonSupportata,
            _ => danneggiato("una parte dell'archivio ZIP non è leggibile"),
        })
    }

    /// An XML reader over entry `indice`, bounded by the reading's limits. `parte` names it in
    /// messages.
    pub fn xml<'s, 'c>(
        &'s mut self,
        indice: usize,
        parte: &str,
        controllo: &'c Controllo<'c>,
    ) -> Result<Xml<'c, impl Read + 's>, Errore> {
        controllo.tempo()?;
        let voce = self.apri_voce(indice)?;
        // One byte over what may still be read, to tell "exactly at the limit" from "over it".
        let voce = voce.take(controllo.decompressi_rimasti().saturating_add(1));
        Ok(Xml::new(voce, parte, controllo))
    }

    /// The first `max` bytes of a small entry (ODS `mimetype`).
    pub fn inizio(
        &mut self,
        indice: usize,
        max: usize,
        controllo: &Controllo,
    ) -> Result<Vec<u8>, Errore> {
        let voce = self.apri_voce(indice)?;
        let mut v = Vec::with_capacity(max.min(256));
        voce.take(max as u64)
            .read_to_end(&mut v)
            .map_err(|_| danneggiato("una parte dell'archivio ZIP non è leggibile"))?;
        controllo.decompressi(v.len() as u64)?;
        Ok(v)
    }
}
