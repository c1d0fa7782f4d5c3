//! Reading the written files back: the zip's entries, each XML part parsed whole into a tree.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use piazza_office::documento::scrivi::Metadati;
use piazza_office::{Blocco, Documento};
use quick_xml::Reader;
use quick_xml::events::Event;

/// One zip entry as written.
pub struct Voce {
    pub nome: String,
    pub dati: Vec<u8>,
    pub memorizzata: bool,
}

/// The entries of a zip in their order.
pub fn apri(bytes: &[u8]) -> Vec<Voce> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("an entry");
            let mut dati = Vec::new();
            f.read_to_end(&mut dati).expect("entry readable");
            Voce {
                nome: f.name().expect("a UTF-8 name").into_owned(),
                memorizzata: f.compression() == zip::CompressionMethod::Stored,
                dati,
            }
        })
        .collect()
}

/// The entries by name, their texts.
pub fn parti(bytes: &[u8]) -> BTreeMap<String, String> {
    apri(bytes)
        .into_iter()
        .map(|v| (v.nome, String::from_utf8(v.dati).expect("UTF-8 part")))
        .collect()
}

/// An element: its qualified name, attributes (qualified names, unescaped values), children.
#[derive(Debug, Clone)]
pub struct Nodo {
    pub nome: String,
    pub attributi: Vec<(String, String)>,
    pub figli: Vec<Figlio>,
}

#[derive(Debug, Clone)]
pub enum Figlio {
    Nodo(Nodo),
    Testo(String),
}

impl Nodo {
    pub fn attr(&self, nome: &str) -> Option<&str> {
        self.attributi
            .iter()
            .find(|(n, _)| n == nome)
            .map(|(_, v)| v.as_str())
    }

    pub fn figli(&self) -> impl Iterator<Item = &Nodo> {
        self.figli.iter().filter_map(|f| match f {
            Figlio::Nodo(n) => Some(n),
            Figlio::Testo(_) => None,
        })
    }

    pub fn figlio(&self, nome: &str) -> Option<&Nodo> {
        self.figli().find(|n| n.nome == nome)
    }

    /// Every element named `nome` below (and including) this one, in document order.
    pub fn tutti<'a>(&'a self, nome: &str) -> Vec<&'a Nodo> {
        let mut out = Vec::new();
        self.visita(&mut |n| {
            if n.nome == nome {
                out.push(n)
            }
        });
        out
    }

    fn visita<'a>(&'a self, f: &mut impl FnMut(&'a Nodo)) {
        f(self);
        for n in self.figli() {
            n.visita(f);
        }
    }

    /// The text of all text nodes below, in order.
    pub fn testo(&self) -> String {
        let mut s = String::new();
        for f in &self.figli {
            match f {
                Figlio::Testo(t) => s.push_str(t),
                Figlio::Nodo(n) => s.push_str(&n.testo()),
            }
        }
        s
    }
}

/// Parses a whole XML part (a failure anywhere, mismatched tags included, panics) into its
/// root element. Text outside the root may only be whitespace.
pub fn albero(xml: &str) -> Nodo {
    let mut r = Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let mut pila: Vec<Nodo> = Vec::new();
    let mut radice = None;
    let apri = |e: &quick_xml::events::BytesStart| Nodo {
        nome: e.name().as_ref().to_owned(),
        attributi: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("attribute value")
                    .into_owned();
                (a.key.as_ref().to_owned(), v)
            })
            .collect(),
        figli: Vec::new(),
    };
    let testo = |pila: &mut Vec<Nodo>, t: String| {
        let n = pila.last_mut().expect("text inside the root");
        if let Some(Figlio::Testo(prima)) = n.figli.last_mut() {
            prima.push_str(&t);
        } else {
            n.figli.push(Figlio::Testo(t));
        }
    };
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => pila.push(apri(&e)),
            Event::Empty(e) => {
                let n = apri(&e);
                match pila.last_mut() {
                    Some(p) => p.figli.push(Figlio::Nodo(n)),
                    None => radice = Some(n),
                }
            }
            Event::End(_) => {
                let n = pila.pop().expect("an open element");
                match pila.last_mut() {
                    Some(p) => p.figli.push(Figlio::Nodo(n)),
                    None => {
                        assert!(radice.is_none(), "one root");
                        radice = Some(n)
                    }
                }
            }
            Event::Text(t) => {
                let t = t.xml10_content().into_owned();
                if pila.is_empty() {
                    assert!(t.trim().is_empty(), "text outside the root: {t:?}");
                } else {
                    testo(&mut pila, t)
                }
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().expect("valid reference") {
                    Some(c) => c,
                    None => match g.xml10_content().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        e => panic!("unknown entity {e}"),
                    },
                };
                testo(&mut pila, c.to_string())
            }
            Event::CData(c) => testo(&mut pila, c.xml10_content().into_owned()),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    assert!(pila.is_empty(), "unclosed elements");
    radice.expect("a root element")
}

/// Characters XML 1.0 cannot hold, all of which must be gone from the written texts.
pub const VIETATI: &str = "\u{0}\u{1}\u{8}\u{C}\u{1B}\u{1F}\u{7F}\u{85}\u{FFFE}\u{FFFF}";

pub fn metadati() -> Metadati {
    let creato = chrono::NaiveDate::from_ymd_opt(2026, 3, 14)
        .unwrap()
        .and_hms_opt(9, 26, 53)
        .unwrap();
    Metadati {
        titolo: "Verbale dell'assemblea & <dei> \"sindaci\"".to_owned(),
        autore: "Segreteria ANCI Toscana".to_owned(),
        lingua: "it-IT".to_owned(),
        creato,
        soggetto: Some("Assemblea".to_owned()),
    }
}

pub fn titolo(livello: u8, testo: &str) -> Blocco {
    Blocco::Titolo {
        livello,
        testo: testo.to_owned(),
    }
}

pub fn voce(livello: u8, numerata: bool, testo: &str) -> Blocco {
    Blocco::Voce {
        livello,
        numerata,
        testo: testo.to_owned(),
    }
}

pub fn tabella(righe: &[&[&str]]) -> Blocco {
    Blocco::Tabella(
        righe
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    )
}

/// A document with everything the writers know: headings of every level, paragraphs with
/// special characters, spaces, tabs and line breaks, bulleted and numbered nested lists, two
/// lists in a row separated by a paragraph, two tables in a row.
pub fn documento() -> Documento {
    Documento {
        titolo: Some("Titolo del documento".to_owned()),
        blocchi: vec![
            titolo(1, "Verbale"),
            Blocco::Paragrafo(format!("Comuni <associati> & \"soci\"{VIETATI}: Prato")),
            titolo(2, "Presenze"),
            voce(1, false, "Prato"),
            voce(2, false, "Vaiano"),
            voce(1, false, "Pistoia"),
            Blocco::Paragrafo("Ordine   del giorno:\tpunti\nseconda riga".to_owned()),
            voce(1, true, "Bilancio"),
            voce(1, true, "Nomine"),
            voce(2, true, "Presidente"),
            voce(2, true, "Vice"),
            voce(1, true, "Varie"),
            Blocco::Paragrafo(" due  spazi ".to_owned()),
            voce(1, true, "Di nuovo uno"),
            titolo(3, "Livello 3"),
            titolo(4, "Livello 4"),
            titolo(5, "Livello 5"),
            titolo(6, "Livello 6"),
            titolo(9, "Oltre il 6"),
            tabella(&[&["Comune", "Abitanti"], &["Prato", "195000"], &["Vaiano"]]),
            tabella(&[&["A & B"], &["<c>"]]),
            tabella(&[&[]]),
        ],
    }
}
