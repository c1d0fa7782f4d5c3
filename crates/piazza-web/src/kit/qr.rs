//! QR codes (tickets, certificates): the module matrix of a text, drawn as SVG for pages and
//! as rectangles in PDFs (`pdf::Documento::qr`).

use qrcode::{Color, EcLevel, QrCode};

/// The dark modules of `testo`'s QR code, row by row, and the side in modules (no quiet zone).
pub fn matrice(testo: &str) -> (Vec<bool>, usize) {
    // Medium correction: a phone camera reads a ticket on a cracked screen.
    let code = QrCode::with_error_correction_level(testo.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::new(testo.as_bytes()))
        .expect("a short text always fits a QR code");
    let lato = code.width();
    let celle = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    (celle, lato)
}

/// An SVG of `testo`'s QR code with a quiet zone of four modules, `px` wide; `etichetta` is its
/// accessible name.
pub fn svg(testo: &str, px: u32, etichetta: &str) -> String {
    let (celle, lato) = matrice(testo);
    let tot = lato + 8;
    let mut path = String::new();
    for (i, _) in celle.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = (i % lato + 4, i / lato + 4);
        path.push_str(&format!("M{x} {y}h1v1h-1z"));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {tot} {tot}\" width=\"{px}\" \
         height=\"{px}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{tot}\" height=\"{tot}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
        super::text::esc(etichetta)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_is_square_and_has_finder_patterns() {
        let (celle, lato) = matrice("K7M2P9XR");
        assert_eq!(celle.len(), lato * lato);
        assert!(lato >= 21);
        // The top-left finder pattern: a dark 7×7 border.
        assert!((0..7).all(|i| celle[i] && celle[i * lato]));
        assert!(!celle[lato + 1], "the ring inside the border is light");
    }

    #[test]
    fn the_svg_names_itself() {
        let s = svg("ABC", 160, "Biglietto <ABC>");
        assert!(s.starts_with("<svg") && s.contains("aria-label=\"Biglietto &lt;ABC&gt;\""));
    }
}
