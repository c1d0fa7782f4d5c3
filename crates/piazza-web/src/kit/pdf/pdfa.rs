//! What makes a report PDF/A-2a besides its tags and embedded fonts: the XMP metadata that
//! declares the conformance (part 2, level A) with the title, language and producer of the
//! document information, the sRGB output intent, and the file identifier.
//!
//! The sRGB profile is written here, not copied: an ICC v2.1 display profile with the IEC
//! 61966-2-1 primaries adapted to D50 (the colorants of the standard sRGB profile), D65 media
//! white and the sRGB transfer curve sampled at 1024 points. It is built once per process.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

use crate::kit::text::esc;

/// The producer named in the document information and the XMP metadata.
pub(super) const PRODUTTORE: &str = "Piazza";

/// The output condition of the intent.
pub(super) const CONDIZIONE: &str = "sRGB IEC61966-2.1";

/// The XMP packet (uncompressed, as PDF/A wants) for a document titled `titolo`.
pub(super) fn xmp(titolo: &str) -> Vec<u8> {
    let t = esc(titolo);
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
 <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
  <rdf:Description rdf:about=\"\"\n\
    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n\
    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
   <dc:format>application/pdf</dc:format>\n\
   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{t}</rdf:li></rdf:Alt></dc:title>\n\
   <dc:language><rdf:Bag><rdf:li>it-IT</rdf:li></rdf:Bag></dc:language>\n\
   <pdf:Producer>{PRODUTTORE}</pdf:Producer>\n\
   <pdfaid:part>2</pdfaid:part>\n\
   <pdfaid:conformance>A</pdfaid:conformance>\n\
  </rdf:Description>\n\
 </rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>"
    )
    .into_bytes()
}

/// The file identifier: a digest of what the file says (the same document, the same id).
pub(super) fn identificativo(parti: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parti {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize()[..16].to_vec()
}

/// The sRGB ICC profile of the output intent.
pub(super) static SRGB: LazyLock<Vec<u8>> = LazyLock::new(profilo_srgb);

fn s15(x: f64) -> [u8; 4] {
    ((x * 65536.0).round() as i32).to_be_bytes()
}

fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut b = b"XYZ \0\0\0\0".to_vec();
    for x in v {
        b.extend(s15(x));
    }
    b
}

/// `textDescriptionType` (ICC v2): ASCII, with empty Unicode and ScriptCode parts.
fn descrizione(s: &str) -> Vec<u8> {
    let mut b = b"desc\0\0\0\0".to_vec();
    b.extend((s.len() as u32 + 1).to_be_bytes());
    b.extend(s.as_bytes());
    b.push(0);
    b.extend([0u8; 4 + 4 + 2 + 1 + 67]);
    b
}

fn testo(s: &str) -> Vec<u8> {
    let mut b = b"text\0\0\0\0".to_vec();
    b.extend(s.as_bytes());
    b.push(0);
    b
}

/// The sRGB transfer curve (IEC 61966-2-1), encoded value to linear light.
fn curva() -> Vec<u8> {
    const N: u32 = 1024;
    let mut b = b"curv\0\0\0\0".to_vec();
    b.extend(N.to_be_bytes());
    for i in 0..N {
        let x = f64::from(i) / f64::from(N - 1);
        let y = if x <= 0.04045 {
            x / 12.92
        } else {
            ((x + 0.055) / 1.055).powf(2.4)
        };
        b.extend(((y * 65535.0).round() as u16).to_be_bytes());
    }
    b
}

fn profilo_srgb() -> Vec<u8> {
    let curva = curva();
    // Tag data; the three curves share one block.
    let blocchi: Vec<Vec<u8>> = vec![
        descrizione(CONDIZIONE),
        testo("No copyright, use freely"),
        xyz([0.9505, 1.0, 1.089]),
        xyz([0.436_074_7, 0.222_504_5, 0.013_932_2]),
        xyz([0.385_064_9, 0.716_878_6, 0.097_104_5]),
        xyz([0.143_080_4, 0.060_616_9, 0.714_173_3]),
        curva,
    ];
    let tag: [(&[u8; 4], usize); 9] = [
        (b"desc", 0),
        (b"cprt", 1),
        (b"wtpt", 2),
        (b"rXYZ", 3),
        (b"gXYZ", 4),
        (b"bXYZ", 5),
        (b"rTRC", 6),
        (b"gTRC", 6),
        (b"bTRC", 6),
    ];
    let mut posizioni = Vec::new();
    let mut pos = 128 + 4 + 12 * tag.len();
    for b in &blocchi {
        posizioni.push(pos);
        pos += b.len().next_multiple_of(4);
    }
    let totale = pos;
    let mut p = Vec::with_capacity(totale);
    p.extend((totale as u32).to_be_bytes());
    p.extend([0u8; 4]); // preferred CMM
    p.extend([0x02, 0x10, 0, 0]); // version 2.1.0
    p.extend(b"mntr");
    p.extend(b"RGB ");
    p.extend(b"XYZ ");
    for v in [2026u16, 1, 1, 0, 0, 0] {
        p.extend(v.to_be_bytes());
    }
    p.extend(b"acsp");
    p.extend([0u8; 4 + 4 + 4 + 4 + 8]); // platform, flags, manufacturer, model, attributes
    p.extend(0u32.to_be_bytes()); // perceptual
    for v in [0.9642, 1.0, 0.8249] {
        p.extend(s15(v)); // the PCS illuminant, D50
    }
    p.extend([0u8; 4 + 16 + 28]); // creator, profile ID (none in v2), reserved
    debug_assert_eq!(p.len(), 128);
    p.extend((tag.len() as u32).to_be_bytes());
    for (firma, i) in tag {
        p.extend(firma);
        p.extend((posizioni[i] as u32).to_be_bytes());
        p.extend((blocchi[i].len() as u32).to_be_bytes());
    }
    for b in &blocchi {
        p.extend(b);
        p.resize(p.len().next_multiple_of(4), 0);
    }
    debug_assert_eq!(p.len(), totale);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_srgb_profile_is_a_v2_rgb_display_profile_with_its_tags() {
        let p = &*SRGB;
        assert_eq!(
            u32::from_be_bytes(p[0..4].try_into().unwrap()) as usize,
            p.len()
        );
        assert_eq!(&p[8..10], &[2, 0x10]);
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let n = u32::from_be_bytes(p[128..132].try_into().unwrap()) as usize;
        assert_eq!(n, 9);
        for k in 0..n {
            let t = &p[132 + 12 * k..144 + 12 * k];
            let off = u32::from_be_bytes(t[4..8].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(t[8..12].try_into().unwrap()) as usize;
            assert_eq!(off % 4, 0);
            assert!(off + len <= p.len());
            let tipo = &p[off..off + 4];
            let atteso: &[u8] = match &t[0..4] {
                b"desc" => b"desc",
                b"cprt" => b"text",
                b"rTRC" | b"gTRC" | b"bTRC" => b"curv",
                _ => b"XYZ ",
            };
            assert_eq!(tipo, atteso);
        }
        // The curve: 0 → 0, 1 → 1, mid-grey (0.5) → about 0.214 linear.
        let c = curva();
        let v = |i: usize| u16::from_be_bytes([c[12 + 2 * i], c[13 + 2 * i]]);
        assert_eq!(v(0), 0);
        assert_eq!(v(1023), 65535);
        assert!((f64::from(v(512)) / 65535.0 - 0.2158).abs() < 0.002);
    }

    #[test]
    fn the_xmp_declares_pdfa_2a_and_escapes_the_title() {
        let x = String::from_utf8(xmp("Piano & <relazione>")).unwrap();
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(x.contains("<pdfaid:conformance>A</pdfaid:conformance>"));
        assert!(x.contains("Piano &amp; &lt;relazione&gt;"));
        assert!(x.starts_with("<?xpacket begin=\"\u{feff}\""));
    }
}
