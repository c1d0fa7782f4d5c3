//! Files that are not readable PDFs with text, and hostile ones.

use std::time::{Duration, Instant};

use pdf_writer::{Content, Name};
use piazza_office::{Errore, Limiti, leggi_documento};

use crate::scrittura::{Opzioni, Pagina, comprimi, pdf, riga};

fn leggi(pdf: &[u8], limiti: &Limiti) -> Result<piazza_office::Documento, Errore> {
    leggi_documento(pdf, Some("file.pdf"), limiti)
}

fn una_pagina(testo: &str) -> Vec<u8> {
    let mut c = Content::new();
    riga(&mut c, "F1", 11.0, 56.0, 700.0, testo);
    pdf(
        vec![Pagina {
            contenuto: c.finish().to_vec(),
            ..Default::default()
        }],
        &Opzioni::default(),
    )
}

#[test]
fn scansione_senza_testo() {
    let mut c = Content::new();
    c.save_state();
    c.transform([500.0, 0.0, 0.0, 700.0, 50.0, 50.0]);
    c.x_object(Name(b"Im1"));
    c.restore_state();
    let file = pdf(
        vec![Pagina {
            contenuto: c.finish().to_vec(),
            immagine: true,
            ..Default::default()
        }],
        &Opzioni::default(),
    );
    assert_eq!(
        leggi(&file, &Limiti::default()).unwrap_err(),
        Errore::PdfSenzaTesto
    );
}

#[test]
fn spazzatura_e_file_troncati() {
    let e = leggi(b"%PDF-1.7\nquesto non e un pdf\n", &Limiti::default()).unwrap_err();
    assert!(matches!(e, Errore::Danneggiato(_)), "{e:?}");
    assert!(e.to_string().starts_with("Il file è danneggiato"), "{e}");
    let buono = una_pagina("Testo della pagina.");
    let e = leggi(&buono[..40], &Limiti::default()).unwrap_err();
    assert!(matches!(e, Errore::Danneggiato(_)), "{e:?}");
}

#[test]
fn troppe_pagine() {
    let pagine = (0..5)
        .map(|i| {
            let mut c = Content::new();
            riga(
                &mut c,
                "F1",
                11.0,
                56.0,
                700.0,
                &format!("Pagina numero {i}."),
            );
            Pagina {
                contenuto: c.finish().to_vec(),
                ..Default::default()
            }
        })
        .collect();
    let file = pdf(pagine, &Opzioni::default());
    let limiti = Limiti {
        max_pagine: 4,
        ..Limiti::default()
    };
    assert_eq!(
        leggi(&file, &limiti).unwrap_err(),
        Errore::TroppePagine { limite: 4 }
    );
    let limiti = Limiti {
        max_pagine: 5,
        ..Limiti::default()
    };
    assert_eq!(leggi(&file, &limiti).unwrap().blocchi.len(), 5);
}

/// A content stream of a few KB that inflates to 64 MB of spaces.
#[test]
fn bomba_di_compressione() {
    let mut contenuto = b"BT /F1 11 Tf 56 700 Td (Testo) Tj ET\n".to_vec();
    contenuto.resize(64 * 1024 * 1024, b' ');
    let z = comprimi(&contenuto);
    assert!(z.len() < 1024 * 1024);
    // Written by hand: pdf-writer's pages compress their own content.
    let file = pdf_con_flusso_grezzo(&z);
    let limiti = Limiti {
        max_byte_decompressi: 8 * 1024 * 1024,
        ..Limiti::default()
    };
    let inizio = Instant::now();
    let e = leggi(&file, &limiti).unwrap_err();
    assert_eq!(
        e,
        Errore::Decompressione {
            limite: 8 * 1024 * 1024
        }
    );
    assert!(
        inizio.elapsed() < Duration::from_secs(3),
        "{:?}",
        inizio.elapsed()
    );
    assert!(e.to_string().contains("decompresso"), "{e}");
}

fn pdf_con_flusso_grezzo(z: &[u8]) -> Vec<u8> {
    use pdf_writer::{Filter, Pdf, Rect, Ref};
    let mut pdf = Pdf::new();
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2)).kids([Ref::new(3)]).count(1);
    let mut p = pdf.page(Ref::new(3));
    p.parent(Ref::new(2))
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(Ref::new(4));
    p.resources().fonts().pair(Name(b"F1"), Ref::new(5));
    drop(p);
    pdf.stream(Ref::new(4), z).filter(Filter::FlateDecode);
    pdf.type1_font(Ref::new(5)).base_font(Name(b"Helvetica"));
    pdf.finish()
}

fn cifrato(utente: &str) -> Vec<u8> {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = lopdf::Document::load_mem(&una_pagina("Testo riservato del Comune.")).unwrap();
    let id = lopdf::Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let stato = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "proprietario",
        user_password: utente,
        key_length: 128,
        permissions: Permissions::empty(),
    })
    .unwrap();
    doc.encrypt(&stato).unwrap();
    let mut v = Vec::new();
    doc.save_to(&mut v).unwrap();
    v
}

#[test]
fn protetto_da_password() {
    let file = cifrato("utente");
    assert_eq!(
        leggi(&file, &Limiti::default()).unwrap_err(),
        Errore::PdfProtetto
    );
}

#[test]
fn cifrato_con_la_sola_password_del_proprietario_si_legge() {
    let file = cifrato("");
    assert!(
        !file.windows(8).any(|w| w == b"riservat"),
        "il testo è in chiaro"
    );
    let doc = leggi(&file, &Limiti::default()).unwrap();
    assert_eq!(
        doc.blocchi,
        vec![piazza_office::Blocco::Paragrafo(
            "Testo riservato del Comune.".into()
        )]
    );
}

#[test]
fn testi_oltre_il_limite() {
    let file = una_pagina("Un testo di qualche decina di byte, oltre il limite.");
    let limiti = Limiti {
        max_byte_testi: 20,
        ..Limiti::default()
    };
    assert_eq!(
        leggi(&file, &limiti).unwrap_err(),
        Errore::TestiTroppoGrandi { limite: 20 }
    );
}

/// Truncations and corrupted bytes of a real fixture: every reading ends, with a document or
/// an error, never a panic, and quickly.
#[test]
fn file_rovinati_non_fanno_panico() {
    let buono = pdf(
        crate::struttura::pagine(),
        &Opzioni {
            titolo: None,
            compresso: false,
        },
    );
    let limiti = Limiti::default();
    let inizio = Instant::now();
    let mut letti = 0;
    for fine in (0..buono.len()).step_by(buono.len() / 60 + 1) {
        if leggi(&buono[..fine], &limiti).is_ok() {
            letti += 1;
        }
    }
    // A small deterministic generator: corrupted bytes at scattered places.
    let mut stato: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..150 {
        let mut rovinato = buono.clone();
        for _ in 0..8 {
            stato ^= stato << 13;
            stato ^= stato >> 7;
            stato ^= stato << 17;
            let i = (stato % rovinato.len() as u64) as usize;
            rovinato[i] = (stato >> 32) as u8;
        }
        let _ = leggi(&rovinato, &limiti);
    }
    assert!(letti < 60, "troppi file troncati letti come buoni: {letti}");
    assert!(
        inizio.elapsed() < Duration::from_secs(20),
        "{:?}",
        inizio.elapsed()
    );
}
