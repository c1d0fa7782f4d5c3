//! The parts of an ODT besides the text: `styles.xml` (default language and font, paragraph
//! styles, headings, outline, list styles, page), `meta.xml`, `META-INF/manifest.xml`.

use std::fmt::Write as _;

use super::Metadati;
use super::xml::scappato;

pub(super) const DICHIARAZIONE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

pub(super) const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

/// The ODF version written: what Word 2016 and later, and every LibreOffice, read.
pub(super) const VERSIONE: &str = "1.2";

/// The namespaces of `content.xml` and `styles.xml`.
pub(super) const NAMESPACE: &str = concat!(
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" ",
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" ",
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" ",
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" ",
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" ",
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""
);

/// The font of every text (LibreOffice shows the metric-compatible Liberation Sans where Arial
/// is missing).
pub(super) const CARATTERI: &str = "<office:font-face-decls><style:font-face style:name=\"Arial\" \
     svg:font-family=\"Arial\" style:font-family-generic=\"swiss\" style:font-pitch=\"variable\"/>\
     </office:font-face-decls>";

/// Sizes in points and italics of the headings of levels 1..=6.
const TITOLI: [(u32, bool); 6] = [
    (16, false),
    (14, false),
    (13, false),
    (12, false),
    (11, false),
    (11, true),
];

/// The paragraph style of list items.
pub(super) const STILE_VOCE: &str = "Elenco";
/// The list styles.
pub(super) const ELENCO_PUNTATO: &str = "Elenco_20_puntato";
pub(super) const ELENCO_NUMERATO: &str = "Elenco_20_numerato";

const SIMBOLI: [&str; 3] = ["\u{2022}", "\u{25E6}", "\u{25AA}"];

pub(super) fn stili(meta: &Metadati) -> String {
    let (_, lingua, paese) = meta.lingua();
    let paese = paese.map_or(String::new(), |p| {
        format!(" fo:country=\"{}\"", scappato(&p.to_ascii_uppercase()))
    });
    let mut s = format!(
        "{DICHIARAZIONE}<office:document-styles {NAMESPACE} office:version=\"{VERSIONE}\">{CARATTERI}\
         <office:styles><style:default-style style:family=\"paragraph\">\
         <style:paragraph-properties style:tab-stop-distance=\"1.25cm\"/>\
         <style:text-properties style:font-name=\"Arial\" fo:font-size=\"11pt\" fo:language=\"{}\"{paese} \
         style:font-name-complex=\"Arial\" style:font-size-complex=\"11pt\"/></style:default-style>\
         <style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"/>\
         <style:style style:name=\"Text_20_body\" style:display-name=\"Text body\" style:family=\"paragraph\" \
         style:parent-style-name=\"Standard\" style:class=\"text\"><style:paragraph-properties \
         fo:margin-top=\"0cm\" fo:margin-bottom=\"0.21cm\" fo:line-height=\"115%\"/></style:style>\
         <style:style style:name=\"Heading\" style:family=\"paragraph\" style:parent-style-name=\"Standard\" \
         style:next-style-name=\"Text_20_body\" style:class=\"text\"><style:paragraph-properties \
         fo:margin-top=\"0.42cm\" fo:margin-bottom=\"0.21cm\" fo:keep-with-next=\"always\"/>\
         <style:text-properties fo:font-weight=\"bold\" style:font-weight-complex=\"bold\"/></style:style>",
        scappato(lingua)
    );
    for (i, (punti, corsivo)) in TITOLI.iter().enumerate() {
        let n = i + 1;
        let corsivo = if *corsivo {
            " fo:font-style=\"italic\" style:font-style-complex=\"italic\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<style:style style:name=\"Heading_20_{n}\" style:display-name=\"Heading {n}\" \
             style:family=\"paragraph\" style:parent-style-name=\"Heading\" \
             style:next-style-name=\"Text_20_body\" style:default-outline-level=\"{n}\" \
             style:class=\"text\"><style:text-properties fo:font-size=\"{punti}pt\" \
             style:font-size-complex=\"{punti}pt\"{corsivo}/></style:style>"
        );
    }
    let _ = write!(
        s,
        "<style:style style:name=\"{STILE_VOCE}\" style:family=\"paragraph\" \
         style:parent-style-name=\"Standard\" style:class=\"list\"><style:paragraph-properties \
         fo:margin-top=\"0cm\" fo:margin-bottom=\"0.1cm\"/></style:style>\
         <style:style style:name=\"Table_20_Contents\" style:display-name=\"Table Contents\" \
         style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:class=\"extra\">\
         <style:paragraph-properties fo:margin-top=\"0.07cm\" fo:margin-bottom=\"0.07cm\"/></style:style>\
         <style:style style:name=\"Table_20_Heading\" style:display-name=\"Table Heading\" \
         style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents\" style:class=\"extra\">\
         <style:paragraph-properties fo:keep-with-next=\"always\"/>\
         <style:text-properties fo:font-weight=\"bold\" style:font-weight-complex=\"bold\"/></style:style>\
         <text:outline-style style:name=\"Outline\">"
    );
    for n in 1..=10 {
        let _ = write!(
            s,
            "<text:outline-level-style text:level=\"{n}\" style:num-format=\"\">\
             <style:list-level-properties text:list-level-position-and-space-mode=\"label-alignment\">\
             <style:list-level-label-alignment text:label-followed-by=\"listtab\"/>\
             </style:list-level-properties></text:outline-level-style>"
        );
    }
    s.push_str("</text:outline-style>");
    for (nome, visibile, numerata) in [
        (ELENCO_PUNTATO, "Elenco puntato", false),
        (ELENCO_NUMERATO, "Elenco numerato", true),
    ] {
        let _ = write!(
            s,
            "<text:list-style style:name=\"{nome}\" style:display-name=\"{visibile}\">"
        );
        for l in 0..10usize {
            let n = l + 1;
            let (apre, chiude) = if numerata {
                (
                    format!(
                        "<text:list-level-style-number text:level=\"{n}\" style:num-suffix=\".\" \
                         style:num-format=\"1\">"
                    ),
                    "</text:list-level-style-number>",
                )
            } else {
                (
                    format!(
                        "<text:list-level-style-bullet text:level=\"{n}\" text:bullet-char=\"{}\">",
                        SIMBOLI[l % 3]
                    ),
                    "</text:list-level-style-bullet>",
                )
            };
            // The same indentation as DOCX: 1.27 cm a level, the label hanging 0.635 cm.
            let margine = 1.27 * n as f64;
            let _ = write!(
                s,
                "{apre}<style:list-level-properties \
                 text:list-level-position-and-space-mode=\"label-alignment\">\
                 <style:list-level-label-alignment text:label-followed-by=\"listtab\" \
                 text:list-tab-stop-position=\"{margine:.3}cm\" fo:text-indent=\"-0.635cm\" \
                 fo:margin-left=\"{margine:.3}cm\"/></style:list-level-properties>{chiude}"
            );
        }
        s.push_str("</text:list-style>");
    }
    s.push_str(
        "</office:styles><office:automatic-styles><style:page-layout style:name=\"pm1\">\
         <style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" \
         style:print-orientation=\"portrait\" fo:margin-top=\"2cm\" fo:margin-bottom=\"2cm\" \
         fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/></style:page-layout></office:automatic-styles>\
         <office:master-styles><style:master-page style:name=\"Standard\" \
         style:page-layout-name=\"pm1\"/></office:master-styles></office:document-styles>",
    );
    s
}

pub(super) fn meta(meta: &Metadati, titolo: &str) -> String {
    let data = meta.data_w3c();
    let (tag, _, _) = meta.lingua();
    let autore = scappato(&meta.autore);
    let mut s = format!(
        "{DICHIARAZIONE}<office:document-meta \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"{VERSIONE}\"><office:meta>\
         <meta:generator>Piazza</meta:generator>"
    );
    if !titolo.is_empty() {
        let _ = write!(s, "<dc:title>{}</dc:title>", scappato(titolo));
    }
    if let Some(soggetto) = meta.soggetto.as_deref().filter(|t| !t.is_empty()) {
        let _ = write!(s, "<dc:subject>{}</dc:subject>", scappato(soggetto));
    }
    let _ = write!(
        s,
        "<meta:initial-creator>{autore}</meta:initial-creator><dc:creator>{autore}</dc:creator>\
         <meta:creation-date>{data}</meta:creation-date><dc:date>{data}</dc:date>\
         <dc:language>{}</dc:language></office:meta></office:document-meta>",
        scappato(tag)
    );
    s
}

pub(super) fn manifest() -> String {
    let mut s = format!(
        "{DICHIARAZIONE}<manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" \
         manifest:version=\"{VERSIONE}\"><manifest:file-entry manifest:full-path=\"/\" \
         manifest:version=\"{VERSIONE}\" manifest:media-type=\"{MIMETYPE}\"/>"
    );
    for parte in ["content.xml", "styles.xml", "meta.xml"] {
        let _ = write!(
            s,
            "<manifest:file-entry manifest:full-path=\"{parte}\" manifest:media-type=\"text/xml\"/>"
        );
    }
    s.push_str("</manifest:manifest>");
    s
}
