//! The bounds a reading must stay within, and the running account of one reading against them.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::Errore;

/// The bounds of one reading. Every one is checked while reading, never trusted from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limiti {
    /// Size of the file as received (checked before anything else). Default 20 MiB.
    pub max_byte_file: usize,
    /// Decompressed bytes, per zip entry and over all the entries read. Default 200 MiB.
    pub max_byte_decompressi: u64,
    /// Highest row number holding a non-empty cell. Default 100 000.
    pub max_righe: u32,
    /// Highest column number holding a non-empty cell. Default 512.
    pub max_colonne: u32,
    /// Cells kept, counting the empty ones that pad a row up to its last non-empty one.
    /// Default 2 000 000.
    pub max_celle: u64,
    /// Bytes of one cell's text (and of any single text in the file's XML). Default 32 KiB.
    pub max_byte_cella: usize,
    /// Entries in an XLSX shared-string table. Default 1 000 000.
    pub max_stringhe_condivise: usize,
    /// Bytes of text kept: the shared-string table, and separately the text of the sheet's
    /// cells (a shared string used by many cells counts once per cell). Default 32 MiB.
    pub max_byte_testi: usize,
    /// Nesting of XML elements. Default 64.
    pub max_profondita_xml: usize,
    /// Blocks of a document (headings, paragraphs, list items, tables). Default 200 000.
    pub max_blocchi: usize,
    /// Pages of a PDF. Default 2 000.
    pub max_pagine: usize,
    /// Wall time of the whole reading. Default 10 s.
    pub tempo: Duration,
}

impl Default for Limiti {
    fn default() -> Self {
        Self {
            max_byte_file: 20 * 1024 * 1024,
            max_byte_decompressi: 200 * 1024 * 1024,
            max_righe: 100_000,
            max_colonne: 512,
            max_celle: 2_000_000,
            max_byte_cella: 32 * 1024,
            max_stringhe_condivise: 1_000_000,
            max_byte_testi: 32 * 1024 * 1024,
            max_profondita_xml: 64,
            max_blocchi: 200_000,
            max_pagine: 2_000,
            tempo: Duration::from_secs(10),
        }
    }
}

/// How many calls of [`Controllo::passo`] between two looks at the clock.
const PASSI_TRA_CONTROLLI: u32 = 1024;

/// One reading's account: the limits, the deadline, the decompressed bytes so far.
pub(crate) struct Controllo<'l> {
    pub limiti: &'l Limiti,
    scadenza: Option<Instant>,
    decompressi: Cell<u64>,
    passi: Cell<u32>,
}

impl<'l> Controllo<'l> {
    pub fn new(limiti: &'l Limiti) -> Self {
        Self {
            limiti,
            scadenza: Instant::now().checked_add(limiti.tempo),
            decompressi: Cell::new(0),
            passi: Cell::new(0),
        }
    }

    /// Fails once the deadline has passed.
    pub fn tempo(&self) -> Result<(), Errore> {
        match self.scadenza {
            Some(s) if Instant::now() > s => Err(Errore::Tempo {
                limite: self.limiti.tempo,
            }),
            _ => Ok(()),
        }
    }

    /// One unit of work (a cell, an XML event, a record): looks at the clock now and then.
    pub fn passo(&self) -> Result<(), Errore> {
        let n = self.passi.get().wrapping_add(1);
        self.passi.set(n);
        if n.is_multiple_of(PASSI_TRA_CONTROLLI) {
            self.tempo()
        } else {
            Ok(())
        }
    }

    /// Decompressed bytes that may still be read, over all entries.
    pub fn decompressi_rimasti(&self) -> u64 {
        self.limiti
            .max_byte_decompressi
            .saturating_sub(self.decompressi.get())
    }

    /// Accounts for `n` more decompressed bytes; fails past the limit.
    pub fn decompressi(&self, n: u64) -> Result<(), Errore> {
        let totale = self.decompressi.get().saturating_add(n);
        self.decompressi.set(totale);
        if totale > self.limiti.max_byte_decompressi {
            Err(Errore::Decompressione {
                limite: self.limiti.max_byte_decompressi,
            })
        } else {
            Ok(())
        }
    }
}
