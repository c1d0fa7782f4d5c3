//! The fonts of the reports: Liberation Sans regular and bold (`data/fonts`, SIL Open Font
//! License 1.1), metric-compatible with Arial and Helvetica. Every PDF embeds the subset of the
//! glyphs it uses (PDF/A wants every font embedded) as a CID font with `Identity-H` codes and a
//! `ToUnicode` map, so its text can be searched, copied and read aloud. A character the font
//! lacks prints as `?` (never the `.notdef` glyph, which PDF/A forbids).

use std::io::Write;
use std::sync::LazyLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

static REGOLARE: &[u8] = include_bytes!("../../../../../data/fonts/LiberationSans-Regular.ttf");
static GRASSETTO: &[u8] = include_bytes!("../../../../../data/fonts/LiberationSans-Bold.ttf");

/// A font of the reports with what is needed to measure and embed it.
pub(super) struct Carattere {
    /// The PostScript name (the base of the subset's name).
    nome: &'static str,
    dati: &'static [u8],
    faccia: Face<'static>,
    /// Font units per em.
    em: f32,
    /// The glyph printed for a character the font lacks.
    sostituto: GlyphId,
    /// Stem width for the font descriptor (a typographic estimate).
    stem_v: f32,
}

static CARATTERI: LazyLock<[Carattere; 2]> = LazyLock::new(|| {
    [
        Carattere::nuovo("LiberationSans", REGOLARE, 80.0),
        Carattere::nuovo("LiberationSans-Bold", GRASSETTO, 140.0),
    ]
});

/// The regular or the bold font.
pub(super) fn carattere(bold: bool) -> &'static Carattere {
    &CARATTERI[usize::from(bold)]
}

const IDENTITA: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

impl Carattere {
    fn nuovo(nome: &'static str, dati: &'static [u8], stem_v: f32) -> Self {
        let faccia = Face::parse(dati, 0).expect("the bundled font is a valid TrueType font");
        let sostituto = faccia
            .glyph_index('?')
            .expect("the bundled font has a question mark");
        Self {
            nome,
            dati,
            em: f32::from(faccia.units_per_em()),
            faccia,
            sostituto,
            stem_v,
        }
    }

    /// The glyph of `c`, or of `?` where the font has none.
    fn glifo(&self, c: char) -> (GlyphId, char) {
        match self.faccia.glyph_index(c) {
            Some(g) if g.0 != 0 => (g, c),
            _ => (self.sostituto, '?'),
        }
    }

    fn in_millesimi(&self, unita: f32) -> f32 {
        unita * 1000.0 / self.em
    }

    /// The advance width of `c` in 1/1000 em.
    pub(super) fn larghezza(&self, c: char) -> f32 {
        let (g, _) = self.glifo(c);
        self.in_millesimi(f32::from(self.faccia.glyph_hor_advance(g).unwrap_or(0)))
    }

    /// Writes the subset of the glyphs `uso` collected as a Type0 font at `id` (with its CID
    /// font, descriptor, font file and `ToUnicode` map at the next free references from
    /// `*prossimo`).
    pub(super) fn scrivi(&self, uso: &Uso, pdf: &mut Pdf, id: Ref, prossimo: &mut i32) {
        let mut nuovo = || {
            let r = Ref::new(*prossimo);
            *prossimo += 1;
            r
        };
        let (cid, descrittore, file, mappa) = (nuovo(), nuovo(), nuovo(), nuovo());
        let glifi: Vec<u16> = uso.glifi.remapped_gids().collect();
        let nome = format!("{}+{}", etichetta(self.nome, &glifi), self.nome);
        let nome = Name(nome.as_bytes());

        pdf.type0_font(id)
            .base_font(nome)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(mappa);

        // The subset keeps the glyphs in the order of their codes (CID = new glyph ID); should
        // subsetting ever fail, the whole font goes in with a map from codes to glyphs.
        let (programma, mappa_gid) = match subsetter::subset(self.dati, 0, &uso.glifi) {
            Ok(s) => (s, None),
            Err(e) => {
                tracing::error!(
                    font = self.nome,
                    "font subsetting failed, embedding it whole: {e:?}"
                );
                let m: Vec<u8> = glifi.iter().flat_map(|g| g.to_be_bytes()).collect();
                (self.dati.to_vec(), Some(m))
            }
        };
        {
            let mut f = pdf.cid_font(cid);
            f.subtype(CidFontType::Type2)
                .base_font(nome)
                .system_info(IDENTITA)
                .font_descriptor(descrittore);
            let larghezze: Vec<f32> = glifi
                .iter()
                .map(|g| {
                    let u = self.faccia.glyph_hor_advance(GlyphId(*g)).unwrap_or(0);
                    self.in_millesimi(f32::from(u)).round()
                })
                .collect();
            f.widths().consecutive(0, larghezze);
            match mappa_gid {
                None => {
                    f.cid_to_gid_map_predefined(Name(b"Identity"));
                    f.finish();
                }
                Some(m) => {
                    let r = nuovo();
                    f.pair(Name(b"CIDToGIDMap"), r);
                    f.finish();
                    let z = comprimi(&m);
                    pdf.stream(r, &z).filter(Filter::FlateDecode);
                }
            }
        }

        let b = self.faccia.global_bounding_box();
        let m = |v: i16| self.in_millesimi(f32::from(v)).round();
        pdf.font_descriptor(descrittore)
            .name(nome)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(m(b.x_min), m(b.y_min), m(b.x_max), m(b.y_max)))
            .italic_angle(self.faccia.italic_angle())
            .ascent(m(self.faccia.ascender()))
            .descent(m(self.faccia.descender()))
            .cap_height(m(self
                .faccia
                .capital_height()
                .unwrap_or(self.faccia.ascender())))
            .stem_v(self.stem_v)
            .font_file2(file);

        let z = comprimi(&programma);
        pdf.stream(file, &z)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), programma.len() as i32);

        let mut cmap = UnicodeCmap::<u16>::new(Name(b"Piazza-UCS"), IDENTITA);
        for (codice, c) in &uso.testo {
            cmap.pair(*codice, *c);
        }
        let cmap = cmap.finish();
        pdf.cmap(mappa, &cmap)
            .name(Name(b"Piazza-UCS"))
            .system_info(IDENTITA);
    }
}

/// The glyphs of one font that a document used, and the character each code stands for.
#[derive(Default)]
pub(super) struct Uso {
    glifi: GlyphRemapper,
    /// (code, character) for the `ToUnicode` map, one per code.
    testo: Vec<(u16, char)>,
}

impl Uso {
    /// The two-byte codes of `text` in `font`, collecting the glyphs it uses.
    pub(super) fn codifica(&mut self, font: &Carattere, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (g, come) = font.glifo(c);
            let codice = match self.glifi.get(g.0) {
                Some(k) => k,
                None => {
                    let k = self.glifi.remap(g.0);
                    self.testo.push((k, come));
                    k
                }
            };
            out.extend_from_slice(&codice.to_be_bytes());
        }
        out
    }

    pub(super) fn vuoto(&self) -> bool {
        self.testo.is_empty()
    }
}

/// The six capital letters before a subset's name, from the glyphs it holds.
fn etichetta(nome: &str, glifi: &[u16]) -> String {
    let mut h = Sha256::new();
    h.update(nome.as_bytes());
    for g in glifi {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// Zlib-compressed bytes (`FlateDecode`).
pub(super) fn comprimi(dati: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(dati).expect("writing to memory");
    z.finish().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_have_the_metrics_of_helvetica_and_the_italian_letters() {
        let r = carattere(false);
        // Liberation Sans is metric-compatible with Arial/Helvetica: P 667, i 222, a 556.
        assert_eq!(r.larghezza('P').round(), 667.0);
        assert_eq!(r.larghezza('i').round(), 222.0);
        assert_eq!(carattere(true).larghezza('a').round(), 556.0);
        for c in "àèéìòùÀÈÉÌÒÙ€–—“”’…°ç".chars() {
            assert_ne!(r.glifo(c).1, '?', "{c} missing");
        }
        // A character the font lacks is a question mark, not .notdef.
        assert_eq!(r.glifo('😀'), r.glifo('?'));
    }

    #[test]
    fn codes_are_given_in_order_of_first_use_and_reused() {
        let mut u = Uso::default();
        let r = carattere(false);
        let a = u.codifica(r, "ab");
        let b = u.codifica(r, "ba😀");
        // .notdef is code 0, so 'a' is 1 and 'b' is 2.
        assert_eq!(a, vec![0, 1, 0, 2]);
        assert_eq!(b, vec![0, 2, 0, 1, 0, 3]);
        assert_eq!(u.testo, vec![(1, 'a'), (2, 'b'), (3, '?')]);
    }
}
