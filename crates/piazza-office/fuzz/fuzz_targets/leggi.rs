//! Any input, with small limits: reading never panics, never runs away, and what is read
//! keeps the promises of the API (sparse rows in order, within the limits).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use piazza_office::{Cella, Limiti, formato, leggi_foglio};

fuzz_target!(|data: &[u8]| {
    let limiti = Limiti {
        max_byte_file: 1024 * 1024,
        max_byte_decompressi: 4 * 1024 * 1024,
        max_righe: 1000,
        max_colonne: 64,
        max_celle: 10_000,
        max_byte_cella: 1024,
        max_stringhe_condivise: 1000,
        max_byte_testi: 256 * 1024,
        max_profondita_xml: 32,
        tempo: Duration::from_secs(2),
    };
    let _ = formato(data);
    match leggi_foglio(data, &limiti) {
        Ok(f) => {
            let mut precedente = 0;
            let mut celle = 0;
            for r in &f.righe {
                assert!(r.numero > precedente, "rows in order, once each");
                assert!(r.numero <= limiti.max_righe);
                assert!(r.celle.len() <= limiti.max_colonne as usize);
                assert!(
                    !matches!(r.celle.last(), None | Some(Cella::Vuota)),
                    "a row ends with a non-empty cell"
                );
                for c in &r.celle {
                    if let Cella::Testo(s) | Cella::Errore(s) = c {
                        assert!(s.len() <= limiti.max_byte_cella);
                    }
                }
                precedente = r.numero;
                celle += r.celle.len() as u64;
            }
            assert!(celle <= limiti.max_celle);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
