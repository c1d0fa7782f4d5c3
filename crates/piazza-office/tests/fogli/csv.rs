//! CSV as Italian Excel and other programs write it.

use piazza_office::{Cella, Formato, Limiti, formato, leggi_foglio};

fn t(s: &str) -> Cella {
    Cella::Testo(s.to_owned())
}

#[test]
fn csv_utf8_con_bom_e_punto_e_virgola() {
    let testo = "\u{feff}Comune;Provincia;Abitanti\r\nPrato;PO;195213\r\n\"Città; con \"\"virgolette\"\"\";;\"1,5\"\r\n\r\n;;ultima\r\n";
    let bytes = testo.as_bytes();
    assert_eq!(formato(bytes), Some(Formato::Csv));
    let f = leggi_foglio(bytes, &Limiti::default()).unwrap();
    assert_eq!(f.nome, "");
    let numeri: Vec<u32> = f.righe.iter().map(|r| r.numero).collect();
    assert_eq!(numeri, [1, 2, 3, 5]);
    assert_eq!(
        f.righe[0].celle,
        [t("Comune"), t("Provincia"), t("Abitanti")]
    );
    assert_eq!(f.righe[1].celle, [t("Prato"), t("PO"), t("195213")]);
    assert_eq!(
        f.righe[2].celle,
        [t("Città; con \"virgolette\""), Cella::Vuota, t("1,5")]
    );
    assert_eq!(f.righe[3].celle, [Cella::Vuota, Cella::Vuota, t("ultima")]);
}

#[test]
fn csv_windows_1252_con_punto_e_virgola_e_con_virgola() {
    // "Città;Importo\nForlì;100 €\n" in Windows-1252: à = E0, ì = EC, € = 80.
    let pv = b"Citt\xE0;Importo\nForl\xEC;100 \x80\n";
    assert_eq!(formato(pv), Some(Formato::Csv));
    let f = leggi_foglio(pv, &Limiti::default()).unwrap();
    assert_eq!(f.righe[0].celle, [t("Città"), t("Importo")]);
    assert_eq!(f.righe[1].celle, [t("Forlì"), t("100 €")]);

    let v = b"Citt\xE0,Importo,Note\nForl\xEC,\"1.000,50\",\n";
    let f = leggi_foglio(v, &Limiti::default()).unwrap();
    assert_eq!(f.righe[0].celle, [t("Città"), t("Importo"), t("Note")]);
    assert_eq!(f.righe[1].celle, [t("Forlì"), t("1.000,50")]);
}

#[test]
fn csv_con_tabulazioni_e_utf16() {
    let f = leggi_foglio(b"a\tb\n1\t2\n", &Limiti::default()).unwrap();
    assert_eq!(f.righe[1].celle, [t("1"), t("2")]);
    // Excel's "Unicode text": UTF-16LE with BOM, tab-separated.
    let mut u16 = vec![0xFF, 0xFE];
    for c in "Nome\tCittà\r\nAnna\tForlì\r\n".encode_utf16() {
        u16.extend_from_slice(&c.to_le_bytes());
    }
    let f = leggi_foglio(&u16, &Limiti::default()).unwrap();
    assert_eq!(f.righe[1].celle, [t("Anna"), t("Forlì")]);
}

#[test]
fn csv_oltre_i_limiti() {
    let limiti = Limiti::default();
    let righe = "x\n".repeat(100_001);
    let e = leggi_foglio(righe.as_bytes(), &limiti).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il foglio ha più di 100.000 righe: il limite è 100.000."
    );
    // Empty lines beyond the limit cost nothing.
    let mut vuote = "x\n".to_owned();
    vuote.push_str(&"\n".repeat(200_000));
    assert_eq!(
        leggi_foglio(vuote.as_bytes(), &limiti).unwrap().righe.len(),
        1
    );

    let colonne = format!("{}\n", vec!["a"; 513].join(";"));
    let e = leggi_foglio(colonne.as_bytes(), &limiti).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il foglio ha più di 512 colonne: il limite è 512."
    );
    let lungo = format!("a;{}\n", "b".repeat(40_000));
    let e = leggi_foglio(lungo.as_bytes(), &limiti).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il file contiene un testo di più di 32 KB: il limite per una cella è 32 KB."
    );
}
