//! Glyph names (of `/Differences`) to Unicode, and the built-in encodings of simple fonts.

/// Names of the Latin-1 code points 0x20–0xFF (`""` where none), in order.
const LATIN1: [&str; 224] = [
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quotesingle",
    "parenleft",
    "parenright",
    "asterisk",
    "plus",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less",
    "equal",
    "greater",
    "question",
    "at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "bracketleft",
    "backslash",
    "bracketright",
    "asciicircum",
    "underscore",
    "grave",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "braceleft",
    "bar",
    "braceright",
    "asciitilde",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "nbspace",
    "exclamdown",
    "cent",
    "sterling",
    "currency",
    "yen",
    "brokenbar",
    "section",
    "dieresis",
    "copyright",
    "ordfeminine",
    "guillemotleft",
    "logicalnot",
    "sfthyphen",
    "registered",
    "macron",
    "degree",
    "plusminus",
    "twosuperior",
    "threesuperior",
    "acute",
    "mu",
    "paragraph",
    "periodcentered",
    "cedilla",
    "onesuperior",
    "ordmasculine",
    "guillemotright",
    "onequarter",
    "onehalf",
    "threequarters",
    "questiondown",
    "Agrave",
    "Aacute",
    "Acircumflex",
    "Atilde",
    "Adieresis",
    "Aring",
    "AE",
    "Ccedilla",
    "Egrave",
    "Eacute",
    "Ecircumflex",
    "Edieresis",
    "Igrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Eth",
    "Ntilde",
    "Ograve",
    "Oacute",
    "Ocircumflex",
    "Otilde",
    "Odieresis",
    "multiply",
    "Oslash",
    "Ugrave",
    "Uacute",
    "Ucircumflex",
    "Udieresis",
    "Yacute",
    "Thorn",
    "germandbls",
    "agrave",
    "aacute",
    "acircumflex",
    "atilde",
    "adieresis",
    "aring",
    "ae",
    "ccedilla",
    "egrave",
    "eacute",
    "ecircumflex",
    "edieresis",
    "igrave",
    "iacute",
    "icircumflex",
    "idieresis",
    "eth",
    "ntilde",
    "ograve",
    "oacute",
    "ocircumflex",
    "otilde",
    "odieresis",
    "divide",
    "oslash",
    "ugrave",
    "uacute",
    "ucircumflex",
    "udieresis",
    "yacute",
    "thorn",
    "ydieresis",
];

/// Other glyph names met in Western text.
const ALTRI: &[(&str, char)] = &[
    ("quoteleft", '‘'),
    ("quoteright", '’'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("quotesinglbase", '‚'),
    ("quotedblbase", '„'),
    ("guilsinglleft", '‹'),
    ("guilsinglright", '›'),
    ("endash", '–'),
    ("emdash", '—'),
    ("bullet", '•'),
    ("ellipsis", '…'),
    ("fi", '\u{FB01}'),
    ("fl", '\u{FB02}'),
    ("ff", '\u{FB00}'),
    ("ffi", '\u{FB03}'),
    ("ffl", '\u{FB04}'),
    ("Euro", '€'),
    ("trademark", '™'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("perthousand", '‰'),
    ("OE", 'Œ'),
    ("oe", 'œ'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Zcaron", 'Ž'),
    ("zcaron", 'ž'),
    ("Ydieresis", 'Ÿ'),
    ("florin", 'ƒ'),
    ("circumflex", 'ˆ'),
    ("tilde", '˜'),
    ("dotlessi", 'ı'),
    ("minus", '−'),
    ("fraction", '⁄'),
    ("Lslash", 'Ł'),
    ("lslash", 'ł'),
    ("breve", '˘'),
    ("dotaccent", '˙'),
    ("ring", '˚'),
    ("hungarumlaut", '˝'),
    ("ogonek", '˛'),
    ("caron", 'ˇ'),
    ("hyphenminus", '-'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("nonbreakingspace", '\u{A0}'),
    ("uni00A0", '\u{A0}'),
    ("square", '■'),
    ("filledbox", '■'),
    ("H18533", '●'),
    ("H18543", '▪'),
    ("H22073", '□'),
    ("circle", '○'),
    ("openbullet", '◦'),
    ("arrowright", '→'),
    ("triagrt", '►'),
    ("lozenge", '◊'),
    ("checkmark", '✓'),
];

/// The Unicode text of a glyph name: the Adobe names of Latin-1 and Western punctuation,
/// `uniXXXX`, `uXXXX[XX]`, and a name with a suffix (`a.sc`, `f_i`) by its parts.
pub(super) fn da_nome(nome: &[u8]) -> Option<char> {
    let nome = std::str::from_utf8(nome).ok()?;
    let base = nome.split('.').next().unwrap_or(nome);
    if let Some(i) = LATIN1.iter().position(|n| !n.is_empty() && *n == base) {
        return char::from_u32(0x20 + i as u32);
    }
    if let Some((_, c)) = ALTRI.iter().find(|(n, _)| *n == base) {
        return Some(*c);
    }
    match base {
        "f_i" => return Some('\u{FB01}'),
        "f_l" => return Some('\u{FB02}'),
        "f_f" => return Some('\u{FB00}'),
        _ => {}
    }
    let esadecimale = |s: &str| {
        (s.len() >= 4 && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(s, 16).ok())
            .flatten()
            .and_then(char::from_u32)
    };
    if let Some(h) = base.strip_prefix("uni") {
        return esadecimale(h.get(..4)?);
    }
    if let Some(h) = base.strip_prefix('u') {
        return esadecimale(h);
    }
    None
}

/// The built-in encodings of simple fonts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Base {
    WinAnsi,
    MacRoman,
    Standard,
    Simboli,
    Dingbats,
}

/// The 256 characters of an encoding (`'\0'` for an unassigned code).
pub(super) fn tabella(base: Base) -> [char; 256] {
    let mut t = ['\0'; 256];
    match base {
        Base::WinAnsi | Base::MacRoman => {
            let enc = if base == Base::WinAnsi {
                encoding_rs::WINDOWS_1252
            } else {
                encoding_rs::MACINTOSH
            };
            for (b, c) in t.iter_mut().enumerate().skip(0x20) {
                let byte = [b as u8];
                let (s, _) = enc.decode_without_bom_handling(&byte);
                *c = s
                    .chars()
                    .next()
                    .filter(|c| *c != '\u{FFFD}')
                    .unwrap_or('\0');
            }
        }
        Base::Standard => {
            for (b, c) in t.iter_mut().enumerate().take(0x7F).skip(0x20) {
                *c = char::from(b as u8);
            }
            t[0x27] = '’';
            t[0x60] = '‘';
            const ALTI: &[(usize, char)] = &[
                (0xA1, '¡'),
                (0xA2, '¢'),
                (0xA3, '£'),
                (0xA4, '⁄'),
                (0xA5, '¥'),
                (0xA6, 'ƒ'),
                (0xA7, '§'),
                (0xA8, '¤'),
                (0xA9, '\''),
                (0xAA, '“'),
                (0xAB, '«'),
                (0xAC, '‹'),
                (0xAD, '›'),
                (0xAE, '\u{FB01}'),
                (0xAF, '\u{FB02}'),
                (0xB1, '–'),
                (0xB2, '†'),
                (0xB3, '‡'),
                (0xB4, '·'),
                (0xB6, '¶'),
                (0xB7, '•'),
                (0xB8, '‚'),
                (0xB9, '„'),
                (0xBA, '”'),
                (0xBB, '»'),
                (0xBC, '…'),
                (0xBD, '‰'),
                (0xBF, '¿'),
                (0xC1, '`'),
                (0xC2, '´'),
                (0xC3, 'ˆ'),
                (0xC4, '˜'),
                (0xC5, '¯'),
                (0xC8, '¨'),
                (0xD0, '—'),
                (0xE1, 'Æ'),
                (0xE3, 'ª'),
                (0xE8, 'Ł'),
                (0xE9, 'Ø'),
                (0xEA, 'Œ'),
                (0xEB, 'º'),
                (0xF1, 'æ'),
                (0xF5, 'ı'),
                (0xF8, 'ł'),
                (0xF9, 'ø'),
                (0xFA, 'œ'),
                (0xFB, 'ß'),
            ];
            for (b, c) in ALTI {
                t[*b] = *c;
            }
        }
        Base::Simboli => {
            // Only what a text needs from Symbol: spaces, digits, punctuation and bullets.
            for (b, c) in t.iter_mut().enumerate().take(0x41).skip(0x20) {
                *c = char::from(b as u8);
            }
            t[0xB7] = '•';
            t[0xA8] = '♣';
            t[0xD8] = '¬';
            t[0xE0] = '◊';
        }
        Base::Dingbats => {
            t[0x20] = ' ';
            for c in t.iter_mut().skip(0x21) {
                *c = '•';
            }
            t[0x6C] = '●';
            t[0x6E] = '■';
            t[0x75] = '◆';
        }
    }
    t
}

/// The approximate advance (thousandths of the size) of a character in one of the standard
/// fonts, for fonts that give no `/Widths`: Helvetica's, Times' or Courier's.
pub(super) fn larghezza_standard(famiglia: Famiglia, c: char) -> f32 {
    const HELVETICA: &[u16; 95] = &[
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    const TIMES: &[u16; 95] = &[
        250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
        500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
        722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
        722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
        500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
        444, 480, 200, 480, 541,
    ];
    let tabella = match famiglia {
        Famiglia::Courier => return 600.0,
        Famiglia::Helvetica => HELVETICA,
        Famiglia::Times => TIMES,
    };
    let c = piega(c);
    match c as u32 {
        0x20..=0x7E => f32::from(tabella[c as usize - 0x20]),
        _ => 500.0,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Famiglia {
    Helvetica,
    Times,
    Courier,
}

/// An accented Latin-1 letter to its base letter (for widths only).
fn piega(c: char) -> char {
    match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ò'..='Ö' => 'O',
        'Ù'..='Ü' => 'U',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        '’' | '‘' => '\'',
        '–' => '-',
        _ => c,
    }
}
