//! The fixed parts of a DOCX and those made from the metadata: content types, relationships,
//! settings, styles, numbering, core and extended properties.

use std::fmt::Write as _;

use super::Metadati;
use super::xml::scappato;

pub(super) const DICHIARAZIONE: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

pub(super) const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(super) const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The font of every text (LibreOffice shows the metric-compatible Liberation Sans where Arial
/// is missing).
const CARATTERE: &str = "Arial";

/// Width of the text on an A4 page with 2 cm margins, in twentieths of a point.
pub(super) const LARGHEZZA_TESTO: usize = 11906 - 2 * 1134;

/// Points (half-points in DOCX) and italics of the headings of levels 1..=6.
const TITOLI: [(u32, bool); 6] = [
    (32, false),
    (28, false),
    (26, false),
    (24, false),
    (22, false),
    (22, true),
];

pub(super) fn content_types() -> String {
    let mut s = String::from(DICHIARAZIONE);
    s.push_str(concat!(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
        "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
        "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>",
        "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
        "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>",
        "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
        "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
        "</Types>"
    ));
    s
}

pub(super) fn rels_pacchetto() -> String {
    let mut s = String::from(DICHIARAZIONE);
    s.push_str(concat!(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
        "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
        "</Relationships>"
    ));
    s
}

pub(super) fn rels_documento() -> String {
    let mut s = String::from(DICHIARAZIONE);
    s.push_str(concat!(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>",
        "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
        "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>",
        "</Relationships>"
    ));
    s
}

pub(super) fn impostazioni(meta: &Metadati) -> String {
    let (tag, _, _) = meta.lingua();
    format!(
        "{DICHIARAZIONE}<w:settings xmlns:w=\"{NS_W}\"><w:defaultTabStop w:val=\"709\"/>\
         <w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>\
         <w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>\
         </w:compat><w:themeFontLang w:val=\"{}\"/></w:settings>",
        scappato(tag)
    )
}

pub(super) fn caratteri() -> String {
    format!(
        "{DICHIARAZIONE}<w:fonts xmlns:w=\"{NS_W}\"><w:font w:name=\"{CARATTERE}\">\
         <w:altName w:val=\"Liberation Sans\"/><w:panose1 w:val=\"020B0604020202020204\"/>\
         <w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/>\
         </w:font></w:fonts>"
    )
}

/// The styles: defaults (font, size, language), Normal, the headings 1..=6 with their outline
/// level, the list paragraph, the table's paragraphs and the bordered table.
pub(super) fn stili(meta: &Metadati) -> String {
    let (tag, _, _) = meta.lingua();
    let tag = scappato(tag);
    let mut s = format!(
        "{DICHIARAZIONE}<w:styles xmlns:w=\"{NS_W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"{CARATTERE}\" w:hAnsi=\"{CARATTERE}\" w:eastAsia=\"{CARATTERE}\" w:cs=\"{CARATTERE}\"/>\
         <w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>\
         <w:lang w:val=\"{tag}\" w:eastAsia=\"{tag}\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr>\
         </w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">\
         <w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
         <w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>"
    );
    for (i, (dimensione, corsivo)) in TITOLI.iter().enumerate() {
        let n = i + 1;
        let prima = if n == 1 { 360 } else { 240 };
        let corsivo = if *corsivo { "<w:i/><w:iCs/>" } else { "" };
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/>{}<w:qFormat/>\
             <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"{prima}\" w:after=\"120\"/>\
             <w:outlineLvl w:val=\"{i}\"/></w:pPr><w:rPr><w:b/><w:bCs/>{corsivo}\
             <w:sz w:val=\"{dimensione}\"/><w:szCs w:val=\"{dimensione}\"/></w:rPr></w:style>",
            if n > 1 { "<w:unhideWhenUsed/>" } else { "" },
        );
    }
    s.push_str(
        "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/>\
         <w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/>\
         <w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"720\"/></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"ContenutoTabella\">\
         <w:name w:val=\"Contenuto tabella\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:spacing w:before=\"40\" w:after=\"40\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"IntestazioneTabella\">\
         <w:name w:val=\"Intestazione tabella\"/><w:basedOn w:val=\"ContenutoTabella\"/><w:qFormat/>\
         <w:pPr><w:keepNext/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>\
         <w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>\
         <w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"39\"/><w:tblPr>",
    );
    s.push_str(BORDI);
    s.push_str("</w:tblPr></w:style></w:styles>");
    s
}

/// Single black borders around and between all cells.
pub(super) const BORDI: &str = "<w:tblBorders>\
     <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     </w:tblBorders>";

/// The bullet list's `abstractNumId`, and the one `numId` every bulleted item uses.
pub(super) const ELENCO_PUNTATO: u32 = 0;
pub(super) const NUM_PUNTATO: u32 = 1;
/// The numbered list's `abstractNumId`.
pub(super) const ELENCO_NUMERATO: u32 = 1;

const SIMBOLI: [&str; 3] = ["\u{2022}", "\u{25E6}", "\u{25AA}"];

/// The numbering: a bullet and a decimal list of 9 levels, the bullet instance
/// [`NUM_PUNTATO`], and the numbered instances `numerate` (each starting again at 1).
pub(super) fn numerazione(numerate: &[u32]) -> String {
    let mut s = format!("{DICHIARAZIONE}<w:numbering xmlns:w=\"{NS_W}\">");
    for (id, nsid) in [(ELENCO_PUNTATO, "5A1E0001"), (ELENCO_NUMERATO, "5A1E0002")] {
        let _ = write!(
            s,
            "<w:abstractNum w:abstractNumId=\"{id}\"><w:nsid w:val=\"{nsid}\"/>\
             <w:multiLevelType w:val=\"hybridMultilevel\"/>"
        );
        for l in 0..9 {
            let (formato, testo, rpr) = if id == ELENCO_PUNTATO {
                let rpr = format!(
                    "<w:rPr><w:rFonts w:ascii=\"{CARATTERE}\" w:hAnsi=\"{CARATTERE}\" w:hint=\"default\"/></w:rPr>"
                );
                ("bullet", SIMBOLI[l % 3].to_owned(), rpr)
            } else {
                ("decimal", format!("%{}.", l + 1), String::new())
            };
            let _ = write!(
                s,
                "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{formato}\"/>\
                 <w:lvlText w:val=\"{testo}\"/><w:lvlJc w:val=\"left\"/>\
                 <w:pPr><w:ind w:left=\"{}\" w:hanging=\"360\"/></w:pPr>{rpr}</w:lvl>",
                720 * (l + 1)
            );
        }
        s.push_str("</w:abstractNum>");
    }
    let _ = write!(
        s,
        "<w:num w:numId=\"{NUM_PUNTATO}\"><w:abstractNumId w:val=\"{ELENCO_PUNTATO}\"/></w:num>"
    );
    for id in numerate {
        let _ = write!(
            s,
            "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"{ELENCO_NUMERATO}\"/>"
        );
        for l in 0..9 {
            let _ = write!(
                s,
                "<w:lvlOverride w:ilvl=\"{l}\"><w:startOverride w:val=\"1\"/></w:lvlOverride>"
            );
        }
        s.push_str("</w:num>");
    }
    s.push_str("</w:numbering>");
    s
}

pub(super) fn proprieta(meta: &Metadati, titolo: &str) -> String {
    let data = meta.data_w3c();
    let (tag, _, _) = meta.lingua();
    let mut s = format!(
        "{DICHIARAZIONE}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    );
    if !titolo.is_empty() {
        let _ = write!(s, "<dc:title>{}</dc:title>", scappato(titolo));
    }
    if let Some(soggetto) = meta.soggetto.as_deref().filter(|t| !t.is_empty()) {
        let _ = write!(s, "<dc:subject>{}</dc:subject>", scappato(soggetto));
    }
    let autore = scappato(&meta.autore);
    let _ = write!(
        s,
        "<dc:creator>{autore}</dc:creator><cp:lastModifiedBy>{autore}</cp:lastModifiedBy>\
         <dc:language>{}</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{data}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{data}</dcterms:modified></cp:coreProperties>",
        scappato(tag)
    );
    s
}

pub(super) fn applicazione(parole: usize, caratteri: usize) -> String {
    format!(
        "{DICHIARAZIONE}<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Words>{parole}</Words><Characters>{caratteri}</Characters>\
         <Application>Piazza</Application><DocSecurity>0</DocSecurity></Properties>"
    )
}
