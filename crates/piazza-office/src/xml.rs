//! XML reading within bounds: decompressed bytes, bytes of one event, nesting, wall time.
//!
//! quick-xml keeps a whole event (a tag, a run of text) in its buffer, so an unbounded event is
//! an unbounded allocation. [`Flusso`] sits between the decompressor and quick-xml and counts
//! what quick-xml consumes since the current event began: past the bound it fails the read,
//! and [`Xml::prossimo`] turns that failure back into the Italian error it stands for.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};

use crate::Errore;
use crate::limiti::Controllo;

const BLOCCO: usize = 64 * 1024;

/// A buffered reader that accounts for every byte it hands out.
pub(crate) struct Flusso<'c, R> {
    interno: R,
    buf: Box<[u8]>,
    pos: usize,
    fine: usize,
    /// Bytes consumed since the current event began, and the first of them.
    evento: usize,
    primo: Option<u8>,
    limite_testo: usize,
    limite_markup: usize,
    controllo: &'c Controllo<'c>,
    parte: String,
    /// Why the last read failed, when the failure is ours (quick-xml only sees an I/O error).
    errore: Option<Errore>,
}

impl<'c, R: Read> Flusso<'c, R> {
    fn new(interno: R, parte: &str, controllo: &'c Controllo<'c>) -> Self {
        let cella = controllo.limiti.max_byte_cella;
        Self {
            interno,
            buf: vec![0; BLOCCO].into_boxed_slice(),
            pos: 0,
            fine: 0,
            evento: 0,
            primo: None,
            // A text event never holds `&` (references are events of their own), so its bytes
            // are its characters; a tag may hold a cell's text in an attribute, escaped.
            limite_testo: cella.saturating_add(16),
            limite_markup: cella.saturating_mul(6).saturating_add(4096),
            controllo,
            parte: parte.to_owned(),
            errore: None,
        }
    }

    fn nuovo_evento(&mut self) {
        self.evento = 0;
        self.primo = None;
    }

    fn fallisci(&mut self, e: Errore) -> io::Error {
        self.errore = Some(e);
        io::Error::other("limite")
    }
}

impl<R: Read> Read for Flusso<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let disponibili = self.fill_buf()?;
        let n = disponibili.len().min(out.len());
        out[..n].copy_from_slice(&disponibili[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Flusso<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let limite = if self.primo == Some(b'<') {
            self.limite_markup
        } else {
            self.limite_testo
        };
        if self.evento > limite {
            let e = if self.primo == Some(b'<') {
                Errore::Danneggiato(format!("un elemento XML di {} è troppo grande", self.parte))
            } else {
                Errore::TestoTroppoLungo {
                    limite: self.controllo.limiti.max_byte_cella,
                }
            };
            return Err(self.fallisci(e));
        }
        if self.pos == self.fine {
            if let Err(e) = self.controllo.tempo() {
                return Err(self.fallisci(e));
            }
            let n = loop {
                match self.interno.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => {
                        let e = Errore::Danneggiato(format!(
                            "i dati compressi di {} non sono validi",
                            self.parte
                        ));
                        return Err(self.fallisci(e));
                    }
                }
            };
            if let Err(e) = self.controllo.decompressi(n as u64) {
                return Err(self.fallisci(e));
            }
            self.pos = 0;
            self.fine = n;
        }
        Ok(&self.buf[self.pos..self.fine])
    }

    fn consume(&mut self, n: usize) {
        if n > 0 && self.primo.is_none() {
            self.primo = Some(self.buf[self.pos]);
        }
        self.pos = (self.pos + n).min(self.fine);
        self.evento = self.evento.saturating_add(n);
    }
}

/// An XML event as the readers of this crate need it.
pub(crate) enum Ev<'b> {
    Apre(BytesStart<'b>),
    Vuoto(BytesStart<'b>),
    Chiude,
    /// Text or CDATA, line ends normalised.
    Testo(Cow<'b, str>),
    /// A character or predefined entity reference, resolved.
    Carattere(char),
    Fine,
}

/// A bounded XML reader over one part of the archive.
pub(crate) struct Xml<'c, R> {
    reader: quick_xml::Reader<Flusso<'c, R>>,
    buf: Vec<u8>,
    profondita: usize,
    controllo: &'c Controllo<'c>,
}

impl<'c, R: Read> Xml<'c, R> {
    pub fn new(interno: R, parte: &str, controllo: &'c Controllo<'c>) -> Self {
        let reader = quick_xml::Reader::from_reader(Flusso::new(interno, parte, controllo));
        Self {
            reader,
            buf: Vec::new(),
            profondita: 0,
            controllo,
        }
    }

    /// Why the last read failed: our own limit, or else XML that is not well formed.
    fn errore(reader: &mut quick_xml::Reader<Flusso<'c, R>>) -> Errore {
        let flusso = reader.get_mut();
        match flusso.errore.take() {
            Some(e) => e,
            None => {
                Errore::Danneggiato(format!("il contenuto XML di {} non è valido", flusso.parte))
            }
        }
    }

    /// The next event, and its level: an element's own (the root is 1), or for text the level
    /// of the element holding it.
    pub fn prossimo(&mut self) -> Result<(Ev<'_>, usize), Errore> {
        self.controllo.passo()?;
        self.reader.get_mut().nuovo_evento();
        self.buf.clear();
        let evento = match self.reader.read_event_into(&mut self.buf) {
            Ok(e) => e,
            Err(_) => return Err(Self::errore(&mut self.reader)),
        };
        let livello = self.profondita;
        Ok(match evento {
            Event::Start(e) => {
                if livello >= self.controllo.limiti.max_profondita_xml {
                    return Err(Errore::XmlTroppoProfondo {
                        limite: self.controllo.limiti.max_profondita_xml,
                    });
                }
                self.profondita += 1;
                (Ev::Apre(e), livello + 1)
            }
            Event::Empty(e) => (Ev::Vuoto(e), livello + 1),
            Event::End(_) => {
                self.profondita = livello.saturating_sub(1);
                (Ev::Chiude, livello)
            }
            Event::Text(t) => (Ev::Testo(t.xml10_content()), livello),
            Event::CData(t) => (Ev::Testo(t.into_inner()), livello),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match c {
                    Some(c) => (Ev::Carattere(c), livello),
                    None => {
                        return Err(Errore::Danneggiato(format!(
                            "{} contiene un riferimento XML sconosciuto",
                            self.reader.get_ref().parte
                        )));
                    }
                }
            }
            Event::Eof => {
                if livello > 0 {
                    return Err(Errore::Danneggiato(format!(
                        "{} è troncato",
                        self.reader.get_ref().parte
                    )));
                }
                (Ev::Fine, 0)
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {
                (Ev::Testo(Cow::Borrowed("")), livello)
            }
        })
    }
}

/// The attributes of a tag, without quick-xml's duplicate check (quadratic in their number).
pub(crate) fn attributi<'x>(
    e: &'x BytesStart<'_>,
) -> impl Iterator<Item = Result<Attribute<'x>, Errore>> {
    let mut a = e.attributes();
    a.with_checks(false);
    a.map(|a| a.map_err(|_| Errore::Danneggiato("un attributo XML non è valido".to_owned())))
}

/// An attribute's value, entities resolved.
pub(crate) fn valore<'x>(a: &Attribute<'x>) -> Result<Cow<'x, str>, Errore> {
    a.normalized_value(XmlVersion::Implicit1_0)
        .map_err(|_| Errore::Danneggiato("un attributo XML non è valido".to_owned()))
}

/// Appends `s` to a text being collected, failing once it would pass `limite` bytes.
pub(crate) fn aggiungi(testo: &mut String, s: &str, limite: usize) -> Result<(), Errore> {
    if testo.len().saturating_add(s.len()) > limite {
        return Err(Errore::TestoTroppoLungo { limite });
    }
    testo.push_str(s);
    Ok(())
}

/// Appends one character, like [`aggiungi`].
pub(crate) fn aggiungi_carattere(testo: &mut String, c: char, limite: usize) -> Result<(), Errore> {
    let mut b = [0u8; 4];
    aggiungi(testo, c.encode_utf8(&mut b), limite)
}
