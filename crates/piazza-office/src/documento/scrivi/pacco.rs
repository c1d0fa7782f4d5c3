//! The zip both formats are: entries in the order written, all dated the document's creation,
//! deflated but for those that must be stored (ODT's `mimetype`).

use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDateTime, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

pub(super) struct Pacco {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    opzioni: SimpleFileOptions,
}

impl Pacco {
    pub(super) fn new(creato: NaiveDateTime) -> Self {
        let data = u16::try_from(creato.year())
            .ok()
            .and_then(|anno| {
                DateTime::from_date_and_time(
                    anno,
                    creato.month() as u8,
                    creato.day() as u8,
                    creato.hour() as u8,
                    creato.minute() as u8,
                    creato.second() as u8,
                )
                .ok()
            })
            .unwrap_or_default();
        let opzioni = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(data)
            .system(System::Unix)
            .unix_permissions(0o644);
        Self {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            opzioni,
        }
    }

    /// Adds an entry, deflated unless `memorizzata` (stored as is).
    pub(super) fn parte(&mut self, nome: &str, contenuto: &[u8], memorizzata: bool) {
        let opzioni = if memorizzata {
            self.opzioni.compression_method(CompressionMethod::Stored)
        } else {
            self.opzioni
        }
        .large_file(contenuto.len() as u64 >= u64::from(u32::MAX));
        // Writing into memory fails only on a bug here (a name written twice): never on the
        // document's content, which only ever is the entries' data.
        self.zip
            .start_file(nome, opzioni)
            .and_then(|()| Ok(self.zip.write_all(contenuto)?))
            .expect("writing a zip entry into memory");
    }

    pub(super) fn chiudi(self) -> Vec<u8> {
        self.zip
            .finish()
            .expect("finishing a zip in memory")
            .into_inner()
    }
}
