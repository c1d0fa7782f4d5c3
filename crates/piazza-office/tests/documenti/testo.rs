//! Plain text, and telling Markdown and reStructuredText from it without an extension.

use piazza_office::{FormatoDocumento, formato_documento};

use crate::{leggi, par, titolo, voce};

#[test]
fn paragrafi_e_voci() {
    let d = leggi(
        "note.txt",
        concat!(
            "Primo paragrafo\nsu due righe.\n\n",
            "Obiettivi:\n- uno\n  che continua\n• due\n    – annidato\n● tre\n\n",
            "1. primo\n2) secondo\na) lettera\n1.5 milioni non è una voce\n\n",
            "2020. anno a quattro cifre\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            par("Primo paragrafo su due righe."),
            par("Obiettivi:"),
            voce(1, false, "uno che continua"),
            voce(1, false, "due"),
            voce(2, false, "annidato"),
            voce(1, false, "tre"),
            voce(1, true, "primo"),
            voce(1, true, "secondo"),
            voce(1, true, "lettera 1.5 milioni non è una voce"),
            par("2020. anno a quattro cifre"),
        ]
    );
    let d = leggi("a.txt", "#hashtag e #altro\n\nTitolo\n~~\n");
    assert_eq!(d.blocchi, [par("#hashtag e #altro"), par("Titolo ~~")]);
}

fn formato(nome: &str, testo: &str) -> Option<FormatoDocumento> {
    formato_documento(Some(nome), testo.as_bytes())
}

#[test]
fn riconoscimento_senza_estensione() {
    use FormatoDocumento::*;
    assert_eq!(formato("a.txt", "# Titolo\n\nTesto.\n"), Some(Markdown));
    assert_eq!(
        formato("a.txt", "Titolo\n======\n\n- voce\n"),
        Some(Markdown)
    );
    assert_eq!(formato("a.txt", "Titolo\n---\n\nTesto.\n"), Some(Markdown));
    assert_eq!(formato("a.txt", "Titolo\n~~~~~~\n\nTesto.\n"), Some(Rst));
    assert_eq!(
        formato("a.txt", "=====\nTitolo\n=====\n\nTesto.\n"),
        Some(Rst)
    );
    assert_eq!(
        formato(
            "a.txt",
            "Titolo\n======\n\n.. note::\n\n   Una nota con ``codice``.\n"
        ),
        Some(Rst)
    );
    assert_eq!(formato("a.txt", "Solo testo.\n\n- una voce\n"), Some(Testo));
    assert_eq!(formato("a.txt", "#hashtag\nTesto\n\n***\n"), Some(Testo));
    assert_eq!(formato("a.txt", "Titolo\n~~\n"), Some(Testo));
    // The extension wins over the content.
    assert_eq!(formato("a.md", "Titolo\n~~~~~~\n"), Some(Markdown));
    assert_eq!(formato("a.rst", "# Titolo\n"), Some(Rst));
    assert_eq!(formato("a.RST", "testo"), Some(Rst));
}

/// Modelled on the association's 2020 plan, a `.txt` written as Markdown, its page header
/// repeated on every page.
const PIANO: &str = "\n\n\n\nApprovato dal Consiglio  \nregionale di Ancì Toscana\n\n# Piano attività 2020\n\nCon l'assegnazione delle deleghe politiche è stato definito l'assetto.\n\nNella definizione delle nostre attività, è opportuno ricordare\nche a maggio/giugno 2020 ci saranno le elezioni.\n\n## ● rappresentanza\n\nDal punto di vista della rappresentanza politico – istituzionale, delle\n\n\n\n# Piano attività 2020\n\nconsulte e degli organi dell'Associazione.\n\n## Obiettivi\n\n- Definizione di un documento per il confronto con la Regione 2021 – 2027;\n- Elaborazione documento/manifesto dei comuni per i candidati.\n\n### Obiettivi\n\n- Proseguimento del rapporto con la Regione;\n";

#[test]
fn il_piano_in_txt_e_markdown() {
    assert_eq!(
        formato_documento(Some("piano-attivita-2020.txt"), PIANO.as_bytes()),
        Some(FormatoDocumento::Markdown)
    );
    let d = leggi("piano-attivita-2020.txt", PIANO);
    assert_eq!(
        d.blocchi,
        [
            par("Approvato dal Consiglio regionale di Ancì Toscana"),
            titolo(1, "Piano attività 2020"),
            par("Con l'assegnazione delle deleghe politiche è stato definito l'assetto."),
            par(
                "Nella definizione delle nostre attività, è opportuno ricordare che a maggio/giugno 2020 ci saranno le elezioni."
            ),
            titolo(2, "● rappresentanza"),
            par("Dal punto di vista della rappresentanza politico – istituzionale, delle"),
            titolo(1, "Piano attività 2020"),
            par("consulte e degli organi dell'Associazione."),
            titolo(2, "Obiettivi"),
            voce(
                1,
                false,
                "Definizione di un documento per il confronto con la Regione 2021 – 2027;"
            ),
            voce(
                1,
                false,
                "Elaborazione documento/manifesto dei comuni per i candidati."
            ),
            titolo(3, "Obiettivi"),
            voce(1, false, "Proseguimento del rapporto con la Regione;"),
        ]
    );
    // The same in Windows-1252 (which has no `●`) with CRLF line ends reads the same.
    let windows = PIANO.replace('\n', "\r\n").replace("● ", "");
    let (cp1252, _, errori) = encoding_rs::WINDOWS_1252.encode(&windows);
    assert!(!errori);
    let mut attesi = d.blocchi.clone();
    attesi[4] = titolo(2, "rappresentanza");
    assert_eq!(leggi("piano.txt", &*cp1252).blocchi, attesi);
}
