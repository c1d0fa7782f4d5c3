//! Real PDFs of Italian public bodies (see `file/SOURCES.md`), with hand-checked expectations.

use piazza_office::{Blocco, Limiti, leggi_documento};

fn leggi(nome: &str) -> piazza_office::Documento {
    let percorso = format!("{}/tests/pdf/file/{nome}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(percorso).unwrap();
    leggi_documento(&bytes, Some(nome), &Limiti::default()).unwrap()
}

fn titolo(livello: u8, testo: &str) -> Blocco {
    Blocco::Titolo {
        livello,
        testo: testo.into(),
    }
}

/// Word 2019, nine pages, Type0 fonts with ToUnicode, a date and page number in every footer.
#[test]
fn manuale_della_firma_remota() {
    let doc = leggi("manuale-firma-remota.pdf");
    assert_eq!(
        doc.titolo.as_deref(),
        Some("Manuale Utente Servizio di Firma digitale remota")
    );
    let b = &doc.blocchi;
    // The cover at 36 and 28 pt, then the sections at 15 pt.
    assert_eq!(b[0], titolo(1, "AREA VASTA METROPOLI TERRA DI BARI"));
    assert_eq!(
        b[1],
        titolo(2, "Manuale Utente Servizio di Firma digitale remota")
    );
    assert_eq!(b[2], titolo(3, "PANORAMICA DEL DOCUMENTO"));
    for t in ["STORIA DEL DOCUMENTO", "INDICE DEI CONTENUTI"] {
        assert!(b.contains(&titolo(3, t)), "{t}");
    }
    assert!(b.contains(&titolo(4, "1. SCOPO DEL DOCUMENTO")));
    assert!(b.contains(&titolo(5, "CENSIMENTO DI UN NUOVO OPERATORE")));
    assert!(
        b.contains(&Blocco::Paragrafo(
            "Lo scopo di questa guida è quello di fornire una guida agli utenti Comunali \
         nell’utilizzo della componente applicativa per la Gestione della Firma Digitale Remota \
         Area, descrivendo in dettaglio funzionalità e modalità d’uso."
                .into()
        ))
    );
    // A numbered list with a lettered sublist, wrapped items, and bullets continued onto the
    // next page.
    let i = b
        .iter()
        .position(|x| x.testo() == "Censimento di un nuovo operatore;")
        .unwrap();
    assert_eq!(
        b[i],
        Blocco::Voce {
            livello: 1,
            numerata: true,
            testo: "Censimento di un nuovo operatore;".into()
        }
    );
    assert!(
        b.contains(&Blocco::Voce {
            livello: 1,
            numerata: true,
            testo:
                "Ciascun Ente deve identificare una risorsa cd. “referente” che deve raccogliere i \
                nominativi dei soggetti che necessitano di attivazione della firma;"
                    .into()
        })
    );
    assert!(b.contains(&Blocco::Voce {
        livello: 2,
        numerata: true,
        testo: "Firma Digitale Remota con OTP;".into()
    }));
    assert!(
        b.contains(&Blocco::Voce {
            livello: 2,
            numerata: false,
            testo:
                "Se non è possessore di firma digitale, dovrà firmarli manualmente, allegando un \
                doc. di identità e dovrà reinviare i moduli al mittente. Successivamente ARUBA \
                provvederà a contattare l’utente per il riconoscimento in modalità DVO."
                    .into()
        })
    );
    // Paragraphs without spacing between them: told apart by the short line that ends one.
    let i = b
        .iter()
        .position(|x| {
            x == &Blocco::Paragrafo(
            "Per ogni utente censito a sistema sarà disponibile dal menu laterale la funzione di \
             “Gestione Firmatari”."
                .into(),
        )
        })
        .unwrap();
    assert!(
        b[i + 1]
            .testo()
            .starts_with("Attraverso questa funzione l'utente potrà censire")
    );
    assert!(b.contains(&Blocco::Paragrafo(
        "L'accesso al sistema avviene attraverso il portale \"http://egov.ba.it/timbro-digitale\" \
         cliccando in alto a destra sull'icona ACCEDI come riportato nella Figura 1."
            .into()
    )));
    // A cover's bold labels one under the other stay apart.
    assert!(b.contains(&titolo(5, "DATA VALIDAZIONE")));
    // The footers ("27.07.2021 … 3") are gone.
    assert!(
        b.iter()
            .all(|x| !x.testo().contains("27.07.2021   ") && !x.testo().starts_with("27.07.2021"))
    );
    assert_eq!(
        b.last(),
        Some(&titolo(5, "Figura 5: Disabilita Firmatario"))
    );
}

/// Acrobat Distiller 7, linearised, with a cross-reference stream.
#[test]
fn esempio_di_distiller() {
    let doc = leggi("esempio.pdf");
    assert_eq!(doc.titolo.as_deref(), Some("Esempio pdf"));
    assert_eq!(doc.blocchi, vec![Blocco::Paragrafo("Esempio pdf".into())]);
}
