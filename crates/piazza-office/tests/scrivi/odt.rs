//! ODT: package, headings, lists, tables, metadata, texts.

use std::collections::BTreeMap;

use piazza_office::Documento;
use piazza_office::documento::scrivi::odt;

use crate::comune::{self, Figlio, Nodo, albero, documento, metadati, parti};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

fn scritto() -> BTreeMap<String, String> {
    parti(&odt(&documento(), &metadati()))
}

fn testo_ufficio(parti: &BTreeMap<String, String>) -> Nodo {
    let c = albero(&parti["content.xml"]);
    assert_eq!(c.nome, "office:document-content");
    c.figlio("office:body")
        .and_then(|b| b.figlio("office:text"))
        .expect("office:body/office:text")
        .clone()
}

/// A paragraph's text as an ODF consumer reads it: spaces in text collapse and are dropped at
/// the start and after a tab or line break; `text:s`, `text:tab`, `text:line-break` are
/// spaces, a tab, a line break.
fn leggi(p: &Nodo) -> String {
    fn visita(n: &Nodo, out: &mut String, dopo_spazio: &mut bool) {
        for f in &n.figli {
            match f {
                Figlio::Testo(t) => {
                    for c in t.chars() {
                        if matches!(c, ' ' | '\t' | '\n' | '\r') {
                            if !*dopo_spazio {
                                out.push(' ');
                                *dopo_spazio = true;
                            }
                        } else {
                            out.push(c);
                            *dopo_spazio = false;
                        }
                    }
                }
                Figlio::Nodo(e) => match e.nome.as_str() {
                    "text:s" => {
                        let c: usize = e.attr("text:c").map_or(1, |c| c.parse().unwrap());
                        out.extend(std::iter::repeat_n(' ', c));
                        *dopo_spazio = false;
                    }
                    "text:tab" => {
                        out.push('\t');
                        *dopo_spazio = true;
                    }
                    "text:line-break" => {
                        out.push('\n');
                        *dopo_spazio = true;
                    }
                    _ => visita(e, out, dopo_spazio),
                },
            }
        }
    }
    let mut out = String::new();
    visita(p, &mut out, &mut true);
    out
}

#[test]
fn package_has_mimetype_first_and_stored_and_a_manifest_of_its_parts() {
    let bytes = odt(&documento(), &metadati());
    let voci = comune::apri(&bytes);
    assert_eq!(voci[0].nome, "mimetype");
    assert!(voci[0].memorizzata, "mimetype is stored");
    assert_eq!(voci[0].dati, MIMETYPE.as_bytes());
    assert!(
        voci[1..].iter().all(|v| !v.memorizzata),
        "the XML parts are deflated"
    );
    // As readers sniff it: the first local header, no extra field, the name, the type.
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(&bytes[28..30], [0, 0], "no extra field on mimetype");
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[38..38 + MIMETYPE.len()], MIMETYPE.as_bytes());

    let parti = parti(&bytes);
    for (nome, p) in &parti {
        if nome != "mimetype" {
            albero(p);
        }
    }
    let manifest = albero(&parti["META-INF/manifest.xml"]);
    let voci_manifest: BTreeMap<&str, &str> = manifest
        .figli()
        .map(|e| {
            (
                e.attr("manifest:full-path").unwrap(),
                e.attr("manifest:media-type").unwrap(),
            )
        })
        .collect();
    assert_eq!(voci_manifest["/"], MIMETYPE);
    for parte in ["content.xml", "styles.xml", "meta.xml"] {
        assert_eq!(voci_manifest[parte], "text/xml");
    }
    for nome in parti.keys() {
        if nome != "mimetype" && nome != "META-INF/manifest.xml" {
            assert!(
                voci_manifest.contains_key(nome.as_str()),
                "{nome} not in the manifest"
            );
        }
    }
    for parte in voci_manifest.keys().filter(|p| **p != "/") {
        assert!(parti.contains_key(*parte), "{parte} missing");
    }
    for parte in ["content.xml", "styles.xml", "meta.xml"] {
        assert_eq!(albero(&parti[parte]).attr("office:version"), Some("1.2"));
    }
}

#[test]
fn headings_are_outline_headings_with_heading_styles() {
    let parti = scritto();
    let testo = testo_ufficio(&parti);
    let titoli: Vec<(&str, &str, String)> = testo
        .figli()
        .filter(|n| n.nome == "text:h")
        .map(|h| {
            (
                h.attr("text:outline-level").unwrap(),
                h.attr("text:style-name").unwrap(),
                h.testo(),
            )
        })
        .collect();
    let attesi: Vec<(&str, String, String)> = [
        ("1", "Verbale"),
        ("2", "Presenze"),
        ("3", "Livello 3"),
        ("4", "Livello 4"),
        ("5", "Livello 5"),
        ("6", "Livello 6"),
        ("6", "Oltre il 6"),
    ]
    .iter()
    .map(|(l, t)| (*l, format!("Heading_20_{l}"), t.to_string()))
    .collect();
    let titoli: Vec<(&str, String, String)> = titoli
        .into_iter()
        .map(|(l, s, t)| (l, s.to_owned(), t))
        .collect();
    assert_eq!(titoli, attesi);

    let stili = albero(&parti["styles.xml"]);
    let comuni = stili.figlio("office:styles").unwrap();
    for n in 1..=6 {
        let s = comuni
            .figli()
            .find(|s| s.attr("style:name") == Some(&format!("Heading_20_{n}")))
            .unwrap_or_else(|| panic!("no Heading_20_{n}"));
        assert_eq!(s.attr("style:family"), Some("paragraph"));
        assert_eq!(
            s.attr("style:default-outline-level"),
            Some(n.to_string().as_str())
        );
        assert_eq!(
            s.attr("style:display-name"),
            Some(format!("Heading {n}").as_str())
        );
    }
    // Every paragraph style used is defined.
    let definiti: Vec<&str> = comuni
        .figli()
        .filter(|s| s.nome == "style:style")
        .filter_map(|s| s.attr("style:name"))
        .collect();
    for p in testo
        .tutti("text:p")
        .into_iter()
        .chain(testo.tutti("text:h"))
    {
        let s = p.attr("text:style-name").unwrap();
        assert!(definiti.contains(&s), "style {s} not defined");
    }
}

/// The list items: depth, kind of the level's list style, the number a numbered item shows
/// (lists restart unless told to continue), text.
fn voci(parti: &BTreeMap<String, String>) -> Vec<(usize, String, Option<usize>, String)> {
    let stili = albero(&parti["styles.xml"]);
    let stili_elenco: BTreeMap<&str, &Nodo> = stili
        .figlio("office:styles")
        .unwrap()
        .figli()
        .filter(|s| s.nome == "text:list-style")
        .map(|s| (s.attr("style:name").unwrap(), s))
        .collect();
    fn visita(
        n: &Nodo,
        profondita: usize,
        stile: Option<&str>,
        stili: &BTreeMap<&str, &Nodo>,
        out: &mut Vec<(usize, String, Option<usize>, String)>,
    ) {
        let mut numero = 0;
        for (i, f) in n.figli().enumerate() {
            match f.nome.as_str() {
                "text:list-header" => {
                    assert_eq!(i, 0, "a list's header comes first");
                    assert!(f.figlio("text:p").is_none());
                    visita(f, profondita, stile, stili, out)
                }
                "text:list" => {
                    assert!(f.attr("text:continue-numbering").is_none());
                    let stile = f.attr("text:style-name").or(stile);
                    visita(f, profondita + 1, stile, stili, out)
                }
                "text:list-item" => {
                    numero += 1;
                    let s = stili[stile.expect("a list style")];
                    let livello = s
                        .figli()
                        .find(|l| l.attr("text:level") == Some(&profondita.to_string()))
                        .expect("the level is defined");
                    let tipo = livello
                        .nome
                        .trim_start_matches("text:list-level-style-")
                        .to_owned();
                    if let Some(p) = f.figlio("text:p") {
                        let n = (tipo == "number").then_some(numero);
                        out.push((profondita, tipo, n, p.testo()));
                    }
                    visita(f, profondita, stile, stili, out)
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    visita(&testo_ufficio(parti), 0, None, &stili_elenco, &mut out);
    out
}

#[test]
fn list_items_are_nested_lists_bullet_or_number_restarting_per_list() {
    let parti = scritto();
    let b = |l, t: &str| (l, "bullet".to_owned(), None, t.to_owned());
    let d = |l, n, t: &str| (l, "number".to_owned(), Some(n), t.to_owned());
    assert_eq!(
        voci(&parti),
        vec![
            b(1, "Prato"),
            b(2, "Vaiano"),
            b(1, "Pistoia"),
            d(1, 1, "Bilancio"),
            d(1, 2, "Nomine"),
            d(2, 1, "Presidente"),
            d(2, 2, "Vice"),
            d(1, 3, "Varie"),
            d(1, 1, "Di nuovo uno"),
        ]
    );
    // List items hold only paragraphs and lists, lists only items.
    let testo = testo_ufficio(&parti);
    for l in testo.tutti("text:list") {
        assert!(
            l.figli()
                .all(|i| i.nome == "text:list-item" || i.nome == "text:list-header")
        );
    }
    for i in testo
        .tutti("text:list-item")
        .into_iter()
        .chain(testo.tutti("text:list-header"))
    {
        assert!(
            i.figli()
                .all(|f| f.nome == "text:p" || f.nome == "text:list")
        );
    }
}

#[test]
fn skipped_levels_and_kind_changes_make_well_nested_lists() {
    let doc = Documento {
        titolo: None,
        blocchi: vec![
            comune::voce(1, true, "uno"),
            comune::voce(3, true, "profondo"),
            comune::voce(2, true, "medio"),
            comune::voce(1, false, "punto"),
            comune::voce(1, true, "ancora uno"),
            comune::voce(0, true, "livello 0 è 1"),
            comune::voce(12, false, "livello 9"),
        ],
    };
    let parti = parti(&odt(&doc, &metadati()));
    let voci = voci(&parti);
    let livelli: Vec<(usize, &str, &str)> = voci
        .iter()
        .map(|(l, tipo, _, t)| (*l, tipo.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        livelli,
        [
            (1, "number", "uno"),
            (3, "number", "profondo"),
            (2, "number", "medio"),
            (1, "bullet", "punto"),
            (1, "number", "ancora uno"),
            (1, "number", "livello 0 è 1"),
            (9, "bullet", "livello 9"),
        ]
    );
    // The kind changing at level 1 starts a new list, numbered from 1 again. (How a skipped
    // level counts is the office's own: LibreOffice counts it as 1, so "medio" shows 2.)
    let numeri: Vec<Option<usize>> = voci.iter().map(|v| v.2).collect();
    assert_eq!(
        (numeri[0], numeri[4], numeri[5]),
        (Some(1), Some(1), Some(2))
    );
    let testo = testo_ufficio(&parti);
    assert_eq!(testo.figli().filter(|n| n.nome == "text:list").count(), 3);
}

#[test]
fn tables_have_their_cells_a_header_row_and_borders() {
    let parti = scritto();
    let testo = testo_ufficio(&parti);
    let tabelle: Vec<&Nodo> = testo.figli().filter(|n| n.nome == "table:table").collect();
    assert_eq!(tabelle.len(), 2, "the table without cells is left out");
    let righe = |r: Vec<&Nodo>| -> Vec<Vec<String>> {
        r.iter()
            .map(|r| {
                r.figli()
                    .filter(|c| c.nome == "table:table-cell")
                    .map(Nodo::testo)
                    .collect()
            })
            .collect()
    };
    let intestazione = |t: &Nodo| {
        righe(
            t.figlio("table:table-header-rows")
                .unwrap()
                .tutti("table:table-row"),
        )
    };
    let corpo = |t: &Nodo| righe(t.figli().filter(|r| r.nome == "table:table-row").collect());
    assert_eq!(intestazione(tabelle[0]), [["Comune", "Abitanti"]]);
    assert_eq!(corpo(tabelle[0]), [["Prato", "195000"], ["Vaiano", ""]]);
    assert_eq!(intestazione(tabelle[1]), [["A & B"]]);
    assert_eq!(corpo(tabelle[1]), [["<c>"]]);

    let contenuto = albero(&parti["content.xml"]);
    let automatici = contenuto.figlio("office:automatic-styles").unwrap();
    let nomi: Vec<&str> = testo
        .tutti("table:table")
        .iter()
        .filter_map(|t| t.attr("table:name"))
        .collect();
    assert_eq!(nomi.len(), 2);
    assert_ne!(nomi[0], nomi[1], "table names are unique");
    for t in &tabelle {
        let colonne: usize = t
            .figli()
            .filter(|c| c.nome == "table:table-column")
            .map(|c| {
                c.attr("table:number-columns-repeated")
                    .map_or(1, |n| n.parse().unwrap())
            })
            .sum();
        assert!(
            t.tutti("table:table-row").iter().all(|r| r
                .figli()
                .filter(|c| c.nome == "table:table-cell")
                .count()
                == colonne)
        );
        for c in t.tutti("table:table-cell") {
            let stile = c.attr("table:style-name").unwrap();
            let s = automatici
                .figli()
                .find(|s| s.attr("style:name") == Some(stile))
                .expect("the cell style is defined");
            let bordo = s
                .figlio("style:table-cell-properties")
                .unwrap()
                .attr("fo:border");
            assert!(bordo.is_some_and(|b| b.contains("solid")));
            assert!(c.figlio("text:p").is_some());
        }
        let prima = t.tutti("table:table-row")[0];
        assert!(
            prima
                .tutti("text:p")
                .iter()
                .all(|p| p.attr("text:style-name") == Some("Table_20_Heading"))
        );
    }
}

#[test]
fn metadata_and_language() {
    let parti = scritto();
    let meta = albero(&parti["meta.xml"]);
    let m = meta.figlio("office:meta").unwrap();
    let campo = |n: &str| m.figlio(n).map(Nodo::testo);
    assert_eq!(campo("dc:title"), Some(metadati().titolo));
    assert_eq!(campo("dc:subject").as_deref(), Some("Assemblea"));
    assert_eq!(
        campo("meta:initial-creator").as_deref(),
        Some("Segreteria ANCI Toscana")
    );
    assert_eq!(
        campo("dc:creator").as_deref(),
        Some("Segreteria ANCI Toscana")
    );
    assert_eq!(campo("dc:language").as_deref(), Some("it-IT"));
    assert_eq!(
        campo("meta:creation-date").as_deref(),
        Some("2026-03-14T09:26:53Z")
    );

    let stili = albero(&parti["styles.xml"]);
    let predefinito = stili
        .tutti("style:default-style")
        .into_iter()
        .find(|s| s.attr("style:family") == Some("paragraph"))
        .unwrap();
    let t = predefinito.figlio("style:text-properties").unwrap();
    assert_eq!(t.attr("fo:language"), Some("it"));
    assert_eq!(t.attr("fo:country"), Some("IT"));

    let mut altra = metadati();
    altra.lingua = "de-ch".to_owned();
    altra.titolo.clear();
    let parti = comune::parti(&odt(&documento(), &altra));
    let stili = albero(&parti["styles.xml"]);
    let t = stili.tutti("style:default-style")[0]
        .figlio("style:text-properties")
        .unwrap()
        .clone();
    assert_eq!(
        (t.attr("fo:language"), t.attr("fo:country")),
        (Some("de"), Some("CH"))
    );
    let meta = albero(&parti["meta.xml"]);
    let titolo = meta.tutti("dc:title")[0].testo();
    assert_eq!(titolo, "Titolo del documento");

    let mut sporchi = metadati();
    sporchi.autore = format!("Uff{}icio", comune::VIETATI);
    let parti = comune::parti(&odt(&documento(), &sporchi));
    let meta = albero(&parti["meta.xml"]);
    assert_eq!(meta.tutti("dc:creator")[0].testo(), "Ufficio");
    assert_eq!(meta.tutti("meta:initial-creator")[0].testo(), "Ufficio");
}

#[test]
fn texts_are_escaped_and_keep_spaces_tabs_and_line_breaks() {
    let parti = scritto();
    assert!(
        !parti["content.xml"]
            .chars()
            .any(|c| comune::VIETATI.contains(c))
    );
    let testo = testo_ufficio(&parti);
    let ps = testo.tutti("text:p");
    let trova = |t: &str| {
        *ps.iter()
            .find(|p| leggi(p).starts_with(t))
            .unwrap_or_else(|| panic!("no paragraph {t}"))
    };
    assert_eq!(
        leggi(trova("Comuni")),
        "Comuni <associati> & \"soci\": Prato"
    );
    assert_eq!(
        leggi(trova("Ordine")),
        "Ordine   del giorno:\tpunti\nseconda riga"
    );
    let spazi = trova(" due");
    assert_eq!(leggi(spazi), " due  spazi ");
    // Leading and trailing spaces are all `text:s`, those inside one literal space and the rest.
    let forma: Vec<String> = spazi
        .figli
        .iter()
        .map(|f| match f {
            Figlio::Testo(t) => t.clone(),
            Figlio::Nodo(n) => format!("<{}>", n.nome),
        })
        .collect();
    assert_eq!(forma, ["<text:s>", "due ", "<text:s>", "spazi", "<text:s>"]);
    for p in &ps {
        for f in &p.figli {
            if let Figlio::Testo(t) = f {
                assert!(
                    !t.contains("  ") && !t.contains(['\t', '\n', '\r']),
                    "{t:?}"
                );
            }
        }
    }
}

#[test]
fn same_input_same_bytes_dated_as_created() {
    let doc = documento();
    let meta = metadati();
    let a = odt(&doc, &meta);
    assert_eq!(a, odt(&doc, &meta));
    let mut dopo = meta.clone();
    dopo.creato += chrono::Duration::seconds(2);
    assert_ne!(a, odt(&doc, &dopo));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    for i in 0..z.len() {
        let t = z.by_index(i).unwrap().last_modified().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2026, 3, 14, 9, 26, 52)
        );
    }
}

#[test]
fn an_empty_document_is_still_a_valid_package() {
    let parti = parti(&odt(&Documento::default(), &metadati()));
    assert_eq!(testo_ufficio(&parti).figli().count(), 0);
    for (nome, p) in &parti {
        if nome != "mimetype" {
            albero(p);
        }
    }
}
