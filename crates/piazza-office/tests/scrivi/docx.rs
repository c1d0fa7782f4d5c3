//! DOCX: package, headings, lists, tables, metadata, texts.

use std::collections::BTreeMap;

use piazza_office::Documento;
use piazza_office::documento::scrivi::{Metadati, docx};

use crate::comune::{self, Nodo, albero, documento, metadati, parti};

const W_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

fn scritto() -> BTreeMap<String, String> {
    parti(&docx(&documento(), &metadati()))
}

fn corpo(parti: &BTreeMap<String, String>) -> Nodo {
    let d = albero(&parti["word/document.xml"]);
    assert_eq!(d.nome, "w:document");
    d.figlio("w:body").expect("w:body").clone()
}

/// A paragraph's style, if any.
fn stile(p: &Nodo) -> Option<&str> {
    p.figlio("w:pPr")?.figlio("w:pStyle")?.attr("w:val")
}

/// The paragraphs directly in the body (not in tables).
fn paragrafi(body: &Nodo) -> Vec<&Nodo> {
    body.figli().filter(|n| n.nome == "w:p").collect()
}

#[test]
fn package_has_its_parts_with_their_content_types_all_well_formed() {
    let bytes = docx(&documento(), &metadati());
    let voci = comune::apri(&bytes);
    assert_eq!(voci[0].nome, "[Content_Types].xml");
    assert!(
        voci.iter().all(|v| !v.memorizzata),
        "DOCX parts are deflated"
    );
    let parti = parti(&bytes);
    for p in parti.values() {
        albero(p);
    }
    let tipi = albero(&parti["[Content_Types].xml"]);
    let tipo = |parte: &str| {
        tipi.figli()
            .find(|n| n.nome == "Override" && n.attr("PartName") == Some(parte))
            .and_then(|n| n.attr("ContentType"))
            .unwrap_or_else(|| panic!("no content type for {parte}"))
            .to_owned()
    };
    assert_eq!(tipo("/word/document.xml"), W_MAIN);
    for (parte, fine) in [
        ("/word/styles.xml", "wordprocessingml.styles+xml"),
        ("/word/numbering.xml", "wordprocessingml.numbering+xml"),
        ("/word/settings.xml", "wordprocessingml.settings+xml"),
        ("/docProps/core.xml", "package.core-properties+xml"),
        (
            "/docProps/app.xml",
            "officedocument.extended-properties+xml",
        ),
    ] {
        assert!(tipo(parte).ends_with(fine), "{parte}");
        assert!(parti.contains_key(&parte[1..]), "{parte} missing");
    }
    let defaults: Vec<_> = tipi
        .figli()
        .filter(|n| n.nome == "Default")
        .filter_map(|n| n.attr("Extension"))
        .collect();
    assert!(defaults.contains(&"rels") && defaults.contains(&"xml"));

    let rels = albero(&parti["_rels/.rels"]);
    let bersaglio = |rels: &Nodo, tipo: &str| {
        rels.figli()
            .find(|r| r.attr("Type").is_some_and(|t| t.ends_with(tipo)))
            .and_then(|r| r.attr("Target"))
            .unwrap_or_else(|| panic!("no relationship {tipo}"))
            .to_owned()
    };
    assert_eq!(bersaglio(&rels, "/officeDocument"), "word/document.xml");
    assert_eq!(bersaglio(&rels, "/core-properties"), "docProps/core.xml");
    assert_eq!(bersaglio(&rels, "/extended-properties"), "docProps/app.xml");
    let rels = albero(&parti["word/_rels/document.xml.rels"]);
    for tipo in ["styles", "numbering", "settings", "fontTable"] {
        let t = bersaglio(&rels, &format!("/{tipo}"));
        assert!(parti.contains_key(&format!("word/{t}")), "{t}");
    }
}

#[test]
fn headings_are_heading_styles_with_their_outline_levels() {
    let parti = scritto();
    let body = corpo(&parti);
    let titoli: Vec<(String, String)> = paragrafi(&body)
        .into_iter()
        .filter_map(|p| {
            let s = stile(p)?.strip_prefix("Heading")?.to_owned();
            Some((s, p.testo()))
        })
        .collect();
    let attesi = [
        ("1", "Verbale"),
        ("2", "Presenze"),
        ("3", "Livello 3"),
        ("4", "Livello 4"),
        ("5", "Livello 5"),
        ("6", "Livello 6"),
        ("6", "Oltre il 6"),
    ];
    let attesi: Vec<_> = attesi
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(titoli, attesi);

    let stili = albero(&parti["word/styles.xml"]);
    for n in 1..=6 {
        let s = stili
            .figli()
            .find(|s| s.attr("w:styleId") == Some(&format!("Heading{n}")))
            .unwrap_or_else(|| panic!("no Heading{n}"));
        assert_eq!(s.attr("w:type"), Some("paragraph"));
        assert_eq!(
            s.figlio("w:name").and_then(|x| x.attr("w:val")),
            Some(format!("heading {n}").as_str())
        );
        assert_eq!(
            s.figlio("w:basedOn").and_then(|x| x.attr("w:val")),
            Some("Normal")
        );
        let livello = s
            .figlio("w:pPr")
            .and_then(|p| p.figlio("w:outlineLvl"))
            .and_then(|o| o.attr("w:val"));
        assert_eq!(livello, Some((n - 1).to_string().as_str()));
        assert!(s.figlio("w:rPr").and_then(|r| r.figlio("w:sz")).is_some());
    }
    // Every style a paragraph uses is defined.
    let definiti: Vec<_> = stili.figli().filter_map(|s| s.attr("w:styleId")).collect();
    for p in body.tutti("w:p") {
        if let Some(s) = stile(p) {
            assert!(definiti.contains(&s), "style {s} not defined");
        }
    }
}

/// The list items: level, format of their numbering, the label a numbered item shows, text.
fn voci(parti: &BTreeMap<String, String>) -> Vec<(usize, String, Option<u32>, String)> {
    let body = corpo(parti);
    let num = albero(&parti["word/numbering.xml"]);
    let astratti: BTreeMap<&str, &Nodo> = num
        .figli()
        .filter(|n| n.nome == "w:abstractNum")
        .map(|n| (n.attr("w:abstractNumId").unwrap(), n))
        .collect();
    let istanze: BTreeMap<&str, &Nodo> = num
        .figli()
        .filter(|n| n.nome == "w:num")
        .map(|n| (n.attr("w:numId").unwrap(), n))
        .collect();
    // Word's counters, per numbering instance and level.
    let mut contatori: BTreeMap<String, [Option<u32>; 9]> = BTreeMap::new();
    let mut out = Vec::new();
    for p in paragrafi(&body) {
        let Some(num_pr) = p.figlio("w:pPr").and_then(|p| p.figlio("w:numPr")) else {
            continue;
        };
        assert_eq!(stile(p), Some("ListParagraph"));
        let ilvl: usize = num_pr
            .figlio("w:ilvl")
            .unwrap()
            .attr("w:val")
            .unwrap()
            .parse()
            .unwrap();
        let id = num_pr.figlio("w:numId").unwrap().attr("w:val").unwrap();
        let istanza = istanze[id];
        let astratto = astratti[istanza
            .figlio("w:abstractNumId")
            .unwrap()
            .attr("w:val")
            .unwrap()];
        let lvl = astratto
            .figli()
            .find(|l| l.nome == "w:lvl" && l.attr("w:ilvl") == Some(&ilvl.to_string()))
            .expect("the level is defined");
        let formato = lvl
            .figlio("w:numFmt")
            .unwrap()
            .attr("w:val")
            .unwrap()
            .to_owned();
        let inizio = istanza
            .figli()
            .find(|o| o.nome == "w:lvlOverride" && o.attr("w:ilvl") == Some(&ilvl.to_string()))
            .and_then(|o| o.figlio("w:startOverride"))
            .or_else(|| lvl.figlio("w:start"))
            .map_or(0, |s| s.attr("w:val").unwrap().parse().unwrap());
        let c = contatori.entry(id.to_owned()).or_default();
        let n = c[ilvl].map_or(inizio, |n| n + 1);
        c[ilvl] = Some(n);
        for d in &mut c[ilvl + 1..] {
            *d = None;
        }
        let etichetta = (formato == "decimal").then_some(n);
        out.push((ilvl, formato, etichetta, p.testo()));
    }
    out
}

#[test]
fn list_items_are_numbered_paragraphs_bullet_or_decimal_restarting_per_list() {
    let parti = scritto();
    let voci = voci(&parti);
    let b = |l, t: &str| (l, "bullet".to_owned(), None, t.to_owned());
    let d = |l, n, t: &str| (l, "decimal".to_owned(), Some(n), t.to_owned());
    assert_eq!(
        voci,
        vec![
            b(0, "Prato"),
            b(1, "Vaiano"),
            b(0, "Pistoia"),
            d(0, 1, "Bilancio"),
            d(0, 2, "Nomine"),
            d(1, 1, "Presidente"),
            d(1, 2, "Vice"),
            d(0, 3, "Varie"),
            d(0, 1, "Di nuovo uno"),
        ]
    );
    // 9 levels in each list, indented more at each level.
    let num = albero(&parti["word/numbering.xml"]);
    for a in num.figli().filter(|n| n.nome == "w:abstractNum") {
        let rientri: Vec<u32> = a
            .figli()
            .filter(|l| l.nome == "w:lvl")
            .map(|l| l.tutti("w:ind")[0].attr("w:left").unwrap().parse().unwrap())
            .collect();
        assert_eq!(rientri.len(), 9);
        assert!(rientri.windows(2).all(|w| w[0] < w[1]), "{rientri:?}");
    }
}

#[test]
fn a_sublist_reopened_under_another_item_starts_again() {
    let doc = Documento {
        titolo: None,
        blocchi: vec![
            comune::voce(1, true, "uno"),
            comune::voce(2, true, "a"),
            comune::voce(2, true, "b"),
            comune::voce(1, true, "due"),
            comune::voce(2, true, "a di nuovo"),
            comune::voce(1, false, "punto"),
            comune::voce(1, true, "ancora uno"),
            comune::voce(12, true, "livello 9"),
        ],
    };
    let voci = voci(&parti(&docx(&doc, &metadati())));
    let etichette: Vec<_> = voci.iter().map(|v| (v.0, v.2)).collect();
    assert_eq!(
        etichette,
        [
            (0, Some(1)),
            (1, Some(1)),
            (1, Some(2)),
            (0, Some(2)),
            (1, Some(1)),
            (0, None),
            (0, Some(1)),
            (8, Some(1)),
        ]
    );
}

#[test]
fn tables_have_their_cells_a_header_row_and_borders() {
    let parti = scritto();
    let body = corpo(&parti);
    let tabelle: Vec<&Nodo> = body.figli().filter(|n| n.nome == "w:tbl").collect();
    assert_eq!(tabelle.len(), 2, "the table without cells is left out");
    let celle = |t: &Nodo| -> Vec<Vec<String>> {
        t.figli()
            .filter(|r| r.nome == "w:tr")
            .map(|r| {
                r.figli()
                    .filter(|c| c.nome == "w:tc")
                    .map(Nodo::testo)
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        celle(tabelle[0]),
        [["Comune", "Abitanti"], ["Prato", "195000"], ["Vaiano", ""]]
    );
    assert_eq!(celle(tabelle[1]), [["A & B"], ["<c>"]]);
    for t in &tabelle {
        let righe: Vec<_> = t.figli().filter(|r| r.nome == "w:tr").collect();
        let intestazione = |r: &Nodo| {
            r.figlio("w:trPr")
                .and_then(|p| p.figlio("w:tblHeader"))
                .is_some()
        };
        assert!(intestazione(righe[0]));
        assert!(righe[1..].iter().all(|r| !intestazione(r)));
        let bordi = t
            .figlio("w:tblPr")
            .unwrap()
            .figlio("w:tblBorders")
            .expect("borders");
        assert_eq!(
            bordi.figlio("w:insideH").unwrap().attr("w:val"),
            Some("single")
        );
        let colonne = t.figlio("w:tblGrid").unwrap().figli().count();
        assert!(
            righe
                .iter()
                .all(|r| r.figli().filter(|c| c.nome == "w:tc").count() == colonne)
        );
        // Every cell holds a paragraph, as Word requires.
        assert!(t.tutti("w:tc").iter().all(|c| c.figlio("w:p").is_some()));
    }
    // A paragraph between the tables (else Word joins them), one after the last, and the
    // section properties last.
    let nomi: Vec<&str> = body.figli().map(|n| n.nome.as_str()).collect();
    assert_eq!(
        nomi[nomi.len() - 5..],
        ["w:tbl", "w:p", "w:tbl", "w:p", "w:sectPr"]
    );
}

#[test]
fn metadata_and_language() {
    let parti = scritto();
    let core = albero(&parti["docProps/core.xml"]);
    let campo = |n: &str| core.figlio(n).map(Nodo::testo);
    let meta = metadati();
    assert_eq!(campo("dc:title"), Some(meta.titolo.clone()));
    assert_eq!(
        campo("dc:creator").as_deref(),
        Some("Segreteria ANCI Toscana")
    );
    assert_eq!(campo("dc:subject").as_deref(), Some("Assemblea"));
    assert_eq!(campo("dc:language").as_deref(), Some("it-IT"));
    assert_eq!(
        campo("dcterms:created").as_deref(),
        Some("2026-03-14T09:26:53Z")
    );
    let stili = albero(&parti["word/styles.xml"]);
    let lang = stili.tutti("w:docDefaults")[0].tutti("w:lang")[0];
    assert_eq!(lang.attr("w:val"), Some("it-IT"));
    let app = albero(&parti["docProps/app.xml"]);
    assert_eq!(
        app.figlio("Application").map(Nodo::testo).as_deref(),
        Some("Piazza")
    );

    // Without a title of its own, the metadata take the document's.
    let mut senza = metadati();
    senza.titolo.clear();
    senza.soggetto = None;
    let parti = comune::parti(&docx(&documento(), &senza));
    let core = albero(&parti["docProps/core.xml"]);
    assert_eq!(
        core.figlio("dc:title").map(Nodo::testo).as_deref(),
        Some("Titolo del documento")
    );
    assert!(core.figlio("dc:subject").is_none());

    // Characters XML cannot hold are dropped from the metadata too; an empty language is
    // Italian, as is the one `Metadati::new` sets.
    let mut sporchi = Metadati::new(
        "Titolo",
        format!("Uff{}icio", comune::VIETATI),
        senza.creato,
    );
    assert_eq!(sporchi.lingua, "it-IT");
    sporchi.lingua.clear();
    let parti = comune::parti(&docx(&documento(), &sporchi));
    let core = albero(&parti["docProps/core.xml"]);
    assert_eq!(
        core.figlio("dc:creator").map(Nodo::testo).as_deref(),
        Some("Ufficio")
    );
    assert_eq!(
        core.figlio("dc:language").map(Nodo::testo).as_deref(),
        Some("it-IT")
    );
}

#[test]
fn texts_are_escaped_and_keep_spaces_tabs_and_line_breaks() {
    let parti = scritto();
    let xml = &parti["word/document.xml"];
    assert!(!xml.chars().any(|c| comune::VIETATI.contains(c)));
    let body = corpo(&parti);
    let ps = paragrafi(&body);
    let testo = |t: &str| {
        ps.iter()
            .find(|p| p.testo().starts_with(t))
            .unwrap_or_else(|| panic!("no paragraph {t}"))
    };
    assert_eq!(
        testo("Comuni").testo(),
        "Comuni <associati> & \"soci\": Prato"
    );
    let ordine = testo("Ordine");
    let r = ordine.figlio("w:r").unwrap();
    let pezzi: Vec<(&str, String)> = r.figli().map(|n| (n.nome.as_str(), n.testo())).collect();
    assert_eq!(
        pezzi,
        [
            ("w:t", "Ordine   del giorno:".to_owned()),
            ("w:tab", String::new()),
            ("w:t", "punti".to_owned()),
            ("w:br", String::new()),
            ("w:t", "seconda riga".to_owned()),
        ]
    );
    let spazi = testo(" due");
    assert_eq!(spazi.testo(), " due  spazi ");
    for t in body.tutti("w:t") {
        assert_eq!(t.attr("xml:space"), Some("preserve"));
    }
}

#[test]
fn same_input_same_bytes_dated_as_created() {
    let doc = documento();
    let meta = metadati();
    let a = docx(&doc, &meta);
    assert_eq!(a, docx(&doc, &meta));
    let mut dopo = meta.clone();
    dopo.creato += chrono::Duration::days(1);
    assert_ne!(a, docx(&doc, &dopo));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    for i in 0..z.len() {
        let f = z.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        // Zip times have a resolution of two seconds.
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
    let parti = parti(&docx(&Documento::default(), &metadati()));
    let body = corpo(&parti);
    assert_eq!(
        body.figli().map(|n| n.nome.as_str()).collect::<Vec<_>>(),
        ["w:sectPr"]
    );
    for p in parti.values() {
        albero(p);
    }
}
