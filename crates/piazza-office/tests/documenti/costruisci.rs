//! Building files for the tests: zips through the `zip` writer, hand-written DOCX and ODT
//! parts, and raw zips whose headers say whatever a test needs (sizes, flags, methods), with
//! deflate streams made of one compressed chunk repeated.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// A zip of these entries, deflated (`mimetype` stored, as ODF wants it).
pub fn zip(voci: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (nome, dati) in voci {
        let metodo = if *nome == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        w.start_file(
            *nome,
            SimpleFileOptions::default().compression_method(metodo),
        )
        .unwrap();
        w.write_all(dati).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="w14""#;

/// `word/document.xml` around this body content.
pub fn documento(corpo: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{corpo}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    )
}

/// Styles as Word in Italian writes them: localized ids, built-in English names.
pub const STILI_DOCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normale"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Titolo1"><w:name w:val="heading 1"/><w:basedOn w:val="Normale"/><w:next w:val="Normale"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Titolo2"><w:name w:val="heading 2"/><w:basedOn w:val="Normale"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Titolo3"><w:name w:val="heading 3"/><w:basedOn w:val="Normale"/></w:style><w:style w:type="paragraph" w:styleId="Titolo"><w:name w:val="Title"/><w:basedOn w:val="Normale"/></w:style><w:style w:type="paragraph" w:styleId="Sottotitolo"><w:name w:val="Subtitle"/></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="CapitoloPiano"><w:name w:val="Capitolo piano"/><w:basedOn w:val="Titolo2"/></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Intestazione1"><w:name w:val="Intestazione 1"/></w:style><w:style w:type="paragraph" w:styleId="Paragrafoelenco"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normale"/><w:pPr><w:ind w:left="720"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="ElencoObiettivi"><w:name w:val="Elenco obiettivi"/><w:basedOn w:val="Paragrafoelenco"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Sommario1"><w:name w:val="toc 1"/></w:style><w:style w:type="character" w:styleId="Titolo1Carattere"><w:name w:val="Titolo 1 Carattere"/></w:style></w:styles>"#;

/// numId 1: bullets then decimal; numId 2: decimal; numId 3: no number shown.
pub const NUMERAZIONE_DOCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="none"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num></w:numbering>"#;

pub fn core(titolo: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>{titolo}</dc:title><dc:creator>Anci Toscana</dc:creator></cp:coreProperties>"#
    )
}

/// A DOCX of this `document.xml`, with the styles, numbering and core properties above.
pub fn docx(documento_xml: &str, titolo: Option<&str>) -> Vec<u8> {
    let core = titolo.map(core);
    let mut voci: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#),
        ("word/document.xml", documento_xml.as_bytes()),
        ("word/styles.xml", STILI_DOCX.as_bytes()),
        ("word/numbering.xml", NUMERAZIONE_DOCX.as_bytes()),
    ];
    if let Some(c) = &core {
        voci.push(("docProps/core.xml", c.as_bytes()));
    }
    zip(&voci)
}

pub const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";
pub const ODT_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3""#;

/// `content.xml` with these automatic styles and this `office:text` content.
pub fn contenuto_odt(automatici: &str, testo: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}><office:automatic-styles>{automatici}</office:automatic-styles><office:body><office:text><text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/></text:sequence-decls>{testo}</office:text></office:body></office:document-content>"#
    )
}

/// `styles.xml` as LibreOffice writes it (programmatic names, Italian display names).
pub fn stili_odt() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NS}><office:styles><style:style style:name="Standard" style:family="paragraph" style:class="text"/><style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"/><style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"/><style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"/><style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"/><style:style style:name="Titolo_20_capitolo" style:display-name="Titolo capitolo" style:family="paragraph" style:parent-style-name="Heading_20_2"/><style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard"/><style:style style:name="Elenco_20_numerato" style:display-name="Elenco numerato" style:family="paragraph" style:list-style-name="Numbering_20_123"/><text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/><text:list-level-style-number text:level="2" style:num-suffix="." style:num-format="a"/></text:list-style><text:list-style style:name="List_20_1" style:display-name="List 1"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/><text:list-level-style-number text:level="2" style:num-format="1"/><text:list-level-style-number text:level="3" style:num-format=""/></text:list-style></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p text:style-name="Header">Intestazione di pagina</text:p></style:header></style:master-page></office:master-styles></office:document-styles>"#
    )
}

pub fn meta_odt(titolo: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}><office:meta><meta:generator>LibreOffice/7.6</meta:generator><dc:title>{titolo}</dc:title></office:meta></office:document-meta>"#
    )
}

pub fn odt(contenuto: &str, titolo: Option<&str>) -> Vec<u8> {
    let stili = stili_odt();
    let meta = titolo.map(meta_odt);
    let mut voci: Vec<(&str, &[u8])> = vec![
        ("mimetype", ODT_MIME.as_bytes()),
        ("content.xml", contenuto.as_bytes()),
        ("styles.xml", stili.as_bytes()),
    ];
    if let Some(m) = &meta {
        voci.push(("meta.xml", m.as_bytes()));
    }
    zip(&voci)
}

pub use crate::zip_grezzi::*;
