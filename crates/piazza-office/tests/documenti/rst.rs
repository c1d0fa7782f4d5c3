//! reStructuredText: title levels in order of appearance, lists, what is skipped, inline markup.

use crate::{leggi, par, titolo, voce};

#[test]
fn livelli_dei_titoli_in_ordine_di_apparizione() {
    let d = leggi(
        "piano.rst",
        concat!(
            "==============\n Piano attività\n==============\n\n",
            "Premessa\n--------\n\nTesto della premessa\nsu due righe.\n\n",
            "Dettaglio\n~~~~~~~~~\nSubito il testo.\n\n",
            "Obiettivi\n---------\n\n",
            "Troppo corto\n===\n\n",
            "Corto ma accettato\n=====\n\n",
            "Un altro sopra e sotto\n======================\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            titolo(1, "Piano attività"),
            titolo(2, "Premessa"),
            par("Testo della premessa su due righe."),
            titolo(3, "Dettaglio"),
            par("Subito il testo."),
            titolo(2, "Obiettivi"),
            par("Troppo corto"),
            titolo(4, "Corto ma accettato"),
            titolo(4, "Un altro sopra e sotto"),
        ]
    );
}

#[test]
fn elenchi_e_blocchi_saltati() {
    let d = leggi(
        "a.rst",
        concat!(
            ":Autore: Anci Toscana\n:Data: 2020\n\n",
            ".. contents:: Indice\n   :depth: 2\n\n",
            ".. commento\n   che continua\n\n",
            ".. _obiettivi:\n\n",
            ".. |logo| image:: logo.png\n\n",
            "- primo\n  continua\n- secondo\n\n  * annidato\n  * altro\n\n- terzo\n\n",
            "1. uno\n2. due\n\n(a) lettera\n#. automatico\n\n",
            "Esempio::\n\n    codice letterale\n    # altro\n\nDopo.\n\n",
            "+-----+-----+\n| a   | b   |\n+=====+=====+\n| 1   | 2   |\n+-----+-----+\n\n",
            "=====  =====\nA      B\n=====  =====\n1      2\n\n3      4\n=====  =====\n\n",
            "| riga uno\n| riga due\n\n",
            "    Citazione rientrata.\n\n",
            "----------\n\n",
            "Fine.\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [
            voce(1, false, "primo continua"),
            voce(1, false, "secondo"),
            voce(2, false, "annidato"),
            voce(2, false, "altro"),
            voce(1, false, "terzo"),
            voce(1, true, "uno"),
            voce(1, true, "due"),
            voce(1, true, "lettera"),
            voce(1, true, "automatico"),
            par("Esempio:"),
            par("Dopo."),
            par("riga uno riga due"),
            par("Citazione rientrata."),
            par("Fine."),
        ]
    );
}

#[test]
fn markup_in_linea() {
    let d = leggi(
        "a.rst",
        concat!(
            "Un **forte**, un *corsivo*, ``letterale *così*``, `interpretato`, ",
            "`Anci Toscana\n<https://ancitoscana.it>`_, `anonimo`__, riferimento_ e ",
            ":ref:`obiettivi`, :term:`voce <v>`, |logo|, nota [1]_ e [#]_, 2 * 3, \\*escape\\*, nome_file_.\n",
        ),
    );
    assert_eq!(
        d.blocchi,
        [par(
            "Un forte, un corsivo, letterale *così*, interpretato, Anci Toscana, anonimo, riferimento e obiettivi, voce, logo, nota e, 2 * 3, *escape*, nome_file."
        )]
    );
}

/// A `- ` inside an item's text with no blank line before it goes on with the text (AgID's
/// three-year plan writes "aggregatore\n   - come meglio precisato di seguito - nella…").
#[test]
fn un_trattino_nel_testo_di_una_voce_non_apre_un_elenco() {
    let d = leggi(
        "piano.rst",
        "-  Accompagnare le PA\n   - come precisato - nelle attività.\n\n-  Seconda voce.\n\n   - una sotto-voce\n",
    );
    assert_eq!(
        d.blocchi,
        [
            voce(
                1,
                false,
                "Accompagnare le PA - come precisato - nelle attività."
            ),
            voce(1, false, "Seconda voce."),
            voce(2, false, "una sotto-voce"),
        ]
    );
}
