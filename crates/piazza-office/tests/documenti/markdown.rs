//! Markdown: headings, lists, tables, what is skipped, inline markup.

use crate::{leggi, par, tabella, titolo, voce};

#[test]
fn titoli_atx_e_setext() {
    let d = leggi(
        "a.md",
        "# Uno #\n\n## Due\n### Tre ###   \n#### \n####### sette\n#senza spazio\n\nTitolo setext\n===\n\nSotto\ntitolo\n---\n",
    );
    assert_eq!(
        d.blocchi,
        [
            titolo(1, "Uno"),
            titolo(2, "Due"),
            titolo(3, "Tre"),
            par("####### sette #senza spazio"),
            titolo(1, "Titolo setext"),
            titolo(2, "Sotto titolo"),
        ]
    );
    assert_eq!(d.titolo, None);
}

#[test]
fn elenchi_annidati_e_continuazioni() {
    let d = leggi(
        "a.md",
        concat!(
            "Premessa su\ndue righe.\n",
            "- uno\n  continua\n- due\ncontinua pigra\n  - due.a\n    * due.a.i\n  - due.b\n",
            "- tre\n\n  secondo paragrafo di tre\n\n",
            "Fuori.\n\n",
            "1. primo\n2) secondo\n   1. annidato\n10. decimo\n\n",
            "+ [x] fatto\n+ [ ] da fare\n\n",
            "Testo\n2. non interrompe\n- ma questa sì\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            par("Premessa su due righe."),
            voce(1, false, "uno continua"),
            voce(1, false, "due continua pigra"),
            voce(2, false, "due.a"),
            voce(3, false, "due.a.i"),
            voce(2, false, "due.b"),
            voce(1, false, "tre secondo paragrafo di tre"),
            par("Fuori."),
            voce(1, true, "primo"),
            voce(1, true, "secondo"),
            voce(2, true, "annidato"),
            voce(1, true, "decimo"),
            voce(1, false, "fatto"),
            voce(1, false, "da fare"),
            par("Testo 2. non interrompe"),
            voce(1, false, "ma questa sì"),
        ]
    );
}

#[test]
fn tabelle_e_blocchi_saltati() {
    let d = leggi(
        "a.md",
        concat!(
            "---\ntitle: Piano\nautore: x\n---\n",
            "Intro\n| Comune | Abitanti |\n|:-------|---------:|\n| Prato | 195.000 |\n| **Siena** | 53\\|000 |\n| Solo |\n\n",
            "```rust\n# non un titolo\n- non una voce\n```\n",
            "<!-- commento\n# nascosto\n-->\n",
            "Testo\n\n    codice rientrato\n    # anche questo\n\n",
            "***\n\n",
            "[rif]: https://example.org\n",
            "~~~\nrecinto\n~~~\nFine.\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            par("Intro"),
            tabella(&[
                &["Comune", "Abitanti"],
                &["Prato", "195.000"],
                &["Siena", "53|000"],
                &["Solo", ""],
            ]),
            par("Testo"),
            par("Fine."),
        ]
    );
}

#[test]
fn markup_in_linea() {
    let d = leggi(
        "a.md",
        concat!(
            "Un **grassetto**, un *corsivo*, un _altro_, `codice *vero*`, ~~barrato~~, file_con_trattini, 2 * 3.\n\n",
            "Un [collegamento](https://example.org \"t\") e ![immagine](a.png) e [![badge](b.svg)](https://ci) fine.\n\n",
            "Riferimento [testo][rif], automatico <https://anci.toscana.it>, <b>html</b> &amp; &egrave; \\*non corsivo\\* <!-- via --> ok\n\n",
            "[[[[ parentesi ]] aperte ( e `` doppi ` apici\n\n",
            "Un [collegamento\nspezzato](https://x) e **forte\nsu due**.\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            par(
                "Un grassetto, un corsivo, un altro, codice *vero*, barrato, file_con_trattini, 2 * 3."
            ),
            par("Un collegamento e e fine."),
            par("Riferimento testo, automatico https://anci.toscana.it, html & è *non corsivo* ok"),
            par("[[[[ parentesi ]] aperte ( e `` doppi ` apici"),
            par("Un collegamento spezzato e forte su due."),
        ]
    );
}

#[test]
fn interruzioni_non_sono_titoli() {
    let d = leggi("a.md", "Sopra\n\n---\n\nSotto\n\n* * *\n- voce\n---\n___\n");
    assert_eq!(
        d.blocchi,
        [par("Sopra"), par("Sotto"), voce(1, false, "voce")]
    );
}

/// An HTML block (a `<table>` up to the blank line) is text, not Markdown: its lone `-`
/// lines are not headings' underlines (the Comune di Palermo's plan has such tables).
#[test]
fn un_blocco_html_non_fa_titoli() {
    let d = leggi(
        "piano.md",
        "## Sezione\n\n<table>\n <tr><td><p>\nAgenzia\n<p>\n-\n<p>\nRegione</td></tr>\n</table>\n\nDopo.\n",
    );
    assert_eq!(d.blocchi.len(), 3, "{:?}", d.blocchi);
    assert_eq!(d.blocchi[0], titolo(2, "Sezione"));
    assert!(
        matches!(&d.blocchi[1], piazza_office::Blocco::Paragrafo(t) if t.contains("Agenzia") && t.contains("Regione")),
        "{:?}",
        d.blocchi[1]
    );
    assert_eq!(d.blocchi[2], par("Dopo."));
}
