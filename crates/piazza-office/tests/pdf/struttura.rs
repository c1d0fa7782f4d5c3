//! A four-page document with every structure the reader recognises, read back block by block.

use pdf_writer::{Content, Name, Str};
use piazza_office::{Blocco, Limiti, leggi_documento};

use crate::scrittura::{Opzioni, Pagina, intestazione, pdf, riga, testo_win};

fn titolo(livello: u8, testo: &str) -> Blocco {
    Blocco::Titolo {
        livello,
        testo: testo.into(),
    }
}

fn paragrafo(testo: &str) -> Blocco {
    Blocco::Paragrafo(testo.into())
}

fn voce(livello: u8, numerata: bool, testo: &str) -> Blocco {
    Blocco::Voce {
        livello,
        numerata,
        testo: testo.into(),
    }
}

pub fn pagine() -> Vec<Pagina> {
    let mut v = Vec::new();
    // 1: headings at 18 and 14 pt, a bold line at body size, hyphenated line ends, TJ.
    let mut c = Content::new();
    intestazione(&mut c, 1, 4);
    riga(
        &mut c,
        "F2",
        18.0,
        56.0,
        770.0,
        "Regolamento della partecipazione",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        740.0,
        "La presente delibera disciplina le forme di parte-",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        726.0,
        "cipazione dei cittadini alla vita ammini-",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        712.0,
        "strativa del Comune di Prato.",
    );
    riga(&mut c, "F2", 14.0, 56.0, 680.0, "Art. 1 – Finalità");
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        656.0,
        "Il Comune promuove la collaborazione con l'Emilia-",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        642.0,
        "Romagna e con le città vicine.",
    );
    riga(&mut c, "F2", 11.0, 56.0, 614.0, "Disposizioni generali");
    riga(
        &mut c,
        "F3",
        11.0,
        56.0,
        596.0,
        "Le disposizioni si applicano a tutti gli uffici.",
    );
    c.begin_text();
    c.set_font(Name(b"F1"), 11.0);
    c.next_line(56.0, 570.0);
    c.show_positioned()
        .items()
        .show(Str(b"Testo"))
        .adjust(-300.0)
        .show(Str(b"compo"))
        .adjust(20.0)
        .show(Str(b"sto"))
        .adjust(-280.0)
        .show(Str(b"con"))
        .adjust(-280.0)
        .show(Str(b"TJ."));
    c.end_text();
    v.push(Pagina {
        contenuto: c.finish().to_vec(),
        ..Default::default()
    });

    // 2: bullets (two levels), a numbered list with a wrapped item, a paragraph that goes on
    // onto the next page.
    let mut c = Content::new();
    intestazione(&mut c, 2, 4);
    riga(&mut c, "F1", 11.0, 56.0, 770.0, "Elenco dei servizi:");
    riga(&mut c, "F1", 11.0, 56.0, 752.0, "• sportello al cittadino");
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        738.0,
        "• servizi demografici e di stato civile, con orari",
    );
    riga(&mut c, "F1", 11.0, 66.0, 724.0, "estesi il sabato");
    riga(&mut c, "F1", 11.0, 76.0, 710.0, "– certificati anagrafici");
    riga(&mut c, "F1", 11.0, 56.0, 696.0, "• polizia locale");
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        670.0,
        "1. Presentazione della domanda",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        656.0,
        "2. Esame della domanda da parte dell'ufficio",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        70.0,
        642.0,
        "competente entro trenta giorni",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        628.0,
        "3. Comunicazione dell'esito",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        600.0,
        "Il presente regolamento entra in vigore il giorno",
    );
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        586.0,
        "successivo alla sua pubblicazione e resta valido per",
    );
    v.push(Pagina {
        contenuto: c.finish().to_vec(),
        ..Default::default()
    });

    // 3: the paragraph's end, a Type0 font with ToUnicode, a Form XObject.
    let mut c = Content::new();
    intestazione(&mut c, 3, 4);
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        770.0,
        "tutta la durata del mandato.",
    );
    riga(&mut c, "F2", 14.0, 56.0, 740.0, "Art. 2 – Strumenti");
    riga(
        &mut c,
        "F4",
        11.0,
        56.0,
        716.0,
        "La città è un luogo ﬂessibile.",
    );
    c.save_state();
    c.x_object(Name(b"X1"));
    c.restore_state();
    let mut m = Content::new();
    riga(
        &mut m,
        "F1",
        11.0,
        56.0,
        700.0,
        "Testo disegnato da un modulo.",
    );
    v.push(Pagina {
        contenuto: c.finish().to_vec(),
        modulo: Some(m.finish().to_vec()),
        ..Default::default()
    });

    // 4: a full-width heading over two columns.
    let mut c = Content::new();
    intestazione(&mut c, 4, 4);
    riga(
        &mut c,
        "F2",
        14.0,
        56.0,
        770.0,
        "Art. 3 – Organi della partecipazione e loro funzionamento",
    );
    let sinistra = [
        "La consulta dei cittadini è",
        "composta da dodici membri",
        "nominati dal Consiglio",
        "comunale ogni tre anni e",
        "si riunisce ogni mese.",
    ];
    let destra = [
        "Il garante della partecipazione",
        "vigila sul rispetto delle",
        "regole e riferisce al",
        "Consiglio comunale una",
        "volta l'anno.",
    ];
    // Drawn line by line across the columns, as a word processor does.
    for (i, (s, d)) in sinistra.iter().zip(destra).enumerate() {
        let y = 740.0 - 14.0 * i as f32;
        riga(&mut c, "F1", 11.0, 56.0, y, s);
        riga(&mut c, "F1", 11.0, 310.0, y, d);
    }
    v.push(Pagina {
        contenuto: c.finish().to_vec(),
        ..Default::default()
    });
    v
}

pub fn attesi() -> Vec<Blocco> {
    vec![
        titolo(1, "Regolamento della partecipazione"),
        paragrafo(
            "La presente delibera disciplina le forme di partecipazione dei cittadini alla vita \
             amministrativa del Comune di Prato.",
        ),
        titolo(2, "Art. 1 – Finalità"),
        paragrafo(
            "Il Comune promuove la collaborazione con l'Emilia-Romagna e con le città vicine.",
        ),
        titolo(3, "Disposizioni generali"),
        paragrafo("Le disposizioni si applicano a tutti gli uffici."),
        paragrafo("Testo composto con TJ."),
        paragrafo("Elenco dei servizi:"),
        voce(1, false, "sportello al cittadino"),
        voce(
            1,
            false,
            "servizi demografici e di stato civile, con orari estesi il sabato",
        ),
        voce(2, false, "certificati anagrafici"),
        voce(1, false, "polizia locale"),
        voce(1, true, "Presentazione della domanda"),
        voce(
            1,
            true,
            "Esame della domanda da parte dell'ufficio competente entro trenta giorni",
        ),
        voce(1, true, "Comunicazione dell'esito"),
        paragrafo(
            "Il presente regolamento entra in vigore il giorno successivo alla sua pubblicazione \
             e resta valido per tutta la durata del mandato.",
        ),
        titolo(2, "Art. 2 – Strumenti"),
        paragrafo("La città è un luogo flessibile."),
        paragrafo("Testo disegnato da un modulo."),
        titolo(
            2,
            "Art. 3 – Organi della partecipazione e loro funzionamento",
        ),
        paragrafo(
            "La consulta dei cittadini è composta da dodici membri nominati dal Consiglio \
             comunale ogni tre anni e si riunisce ogni mese.",
        ),
        paragrafo(
            "Il garante della partecipazione vigila sul rispetto delle regole e riferisce al \
             Consiglio comunale una volta l'anno.",
        ),
    ]
}

fn leggi(pdf: &[u8]) -> piazza_office::Documento {
    leggi_documento(pdf, Some("regolamento.pdf"), &Limiti::default()).unwrap()
}

#[test]
fn blocchi_del_documento() {
    let opzioni = Opzioni {
        titolo: Some("Regolamento della partecipazione".into()),
        ..Default::default()
    };
    let doc = leggi(&pdf(pagine(), &opzioni));
    let attesi = attesi();
    for (i, (letto, atteso)) in doc.blocchi.iter().zip(&attesi).enumerate() {
        assert_eq!(letto, atteso, "blocco {i}");
    }
    assert_eq!(doc.blocchi, attesi);
    assert_eq!(
        doc.titolo.as_deref(),
        Some("Regolamento della partecipazione")
    );
}

#[test]
fn flussi_non_compressi_si_leggono_uguali() {
    let opzioni = Opzioni {
        titolo: None,
        compresso: false,
    };
    let doc = leggi(&pdf(pagine(), &opzioni));
    assert_eq!(doc.blocchi, attesi());
    assert_eq!(doc.titolo, None);
}

#[test]
fn titolo_che_e_un_nome_di_file_non_vale() {
    for nome in ["Microsoft Word - bozza.docx", "delibera_12.pdf", "   "] {
        let opzioni = Opzioni {
            titolo: Some(nome.into()),
            ..Default::default()
        };
        assert_eq!(leggi(&pdf(pagine(), &opzioni)).titolo, None, "{nome:?}");
    }
}

#[test]
fn winansi_accentate() {
    let mut c = Content::new();
    riga(
        &mut c,
        "F1",
        11.0,
        56.0,
        700.0,
        "Perché è già così: più «qualità» – “sì” … € 5",
    );
    let doc = leggi(&pdf(
        vec![Pagina {
            contenuto: c.finish().to_vec(),
            ..Default::default()
        }],
        &Opzioni::default(),
    ));
    assert_eq!(
        doc.blocchi,
        vec![paragrafo("Perché è già così: più «qualità» – “sì” … € 5")]
    );
    assert!(!testo_win("È").is_empty());
}
