//! The plan import on real plans of Italian public bodies that the importer was not written
//! for (`tests/piani/`, provenance and licences in its `SOURCES.md`): the areas and objectives
//! counted by hand in `tests/piani/attesi.toml`, exact counts and titles.

use piazza_web::kit::text::normalize;
use piazza_web::piano::import::{Regole, leggi_file};

#[derive(serde::Deserialize)]
struct Attesi {
    documento: Vec<Documento>,
}

#[derive(serde::Deserialize)]
struct Documento {
    file: String,
    #[serde(default)]
    aree: Vec<Area>,
}

#[derive(serde::Deserialize)]
struct Area {
    titolo: String,
    obiettivi: Vec<String>,
}

/// Titles compared as a reader would: case, accents, punctuation, list numbering aside.
fn chiave(s: &str) -> String {
    let n = normalize(s.replace('\u{ad}', "-").as_str());
    let n = n.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    n.trim().to_owned()
}

/// Areas as (title, objectives) compared by [`chiave`].
fn chiavi<'a>(
    aree: impl Iterator<Item = (&'a String, &'a Vec<String>)>,
) -> Vec<(String, Vec<String>)> {
    aree.map(|(t, o)| (chiave(t), o.iter().map(|o| chiave(o)).collect()))
        .collect()
}

fn cartella() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/piani")
}

#[test]
fn the_real_plans_give_the_areas_and_objectives_counted_by_hand() {
    let attesi: Attesi =
        toml::from_str(&std::fs::read_to_string(cartella().join("attesi.toml")).unwrap()).unwrap();
    assert!(attesi.documento.len() >= 8);
    let mut errori = Vec::new();
    for d in &attesi.documento {
        let bytes = std::fs::read(cartella().join(&d.file)).unwrap();
        let letto = match leggi_file(
            &bytes,
            Some(&d.file),
            &Regole::default(),
            &piazza_office::Limiti::default(),
        ) {
            Ok(l) => l,
            Err(e) => {
                errori.push(format!("{}: {e}", d.file));
                continue;
            }
        };
        let trovate = chiavi(letto.aree.iter().map(|a| (&a.titolo, &a.obiettivi)));
        let attese = chiavi(d.aree.iter().map(|a| (&a.titolo, &a.obiettivi)));
        if trovate != attese {
            errori.push(format!(
                "{}:\n  attese {:?}\n  trovate {:?}",
                d.file,
                attese.iter().map(|(t, o)| (t, o.len())).collect::<Vec<_>>(),
                trovate
                    .iter()
                    .map(|(t, o)| (t, o.len()))
                    .collect::<Vec<_>>()
            ));
            for ((ta, oa), (tt, ot)) in attese.iter().zip(&trovate) {
                if ta == tt && oa != ot {
                    for (x, y) in oa.iter().zip(ot) {
                        if x != y {
                            errori.push(format!("    atteso «{x}»\n    trovato «{y}»"));
                        }
                    }
                }
            }
        }
    }
    assert!(errori.is_empty(), "{}", errori.join("\n"));
}
