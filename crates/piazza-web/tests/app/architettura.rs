//! The shape of the house, checked on the sources: no file over 800 lines, the shared kit
//! imports no domain, and the domains' imports make no cycle (a domain meets the ones above it
//! only through the registries: `pannelli`, `collegamenti`). See `docs/architecture.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The domain modules of `piazza-web/src`.
const DOMINI: &[&str] = &[
    "territorio",
    "anagrafica",
    "piano",
    "progetti",
    "allerte",
    "registrazioni",
    "eventi",
    "admin",
];

/// Imports of a domain by the kit that are allowed, each with its reason (keep this short).
const CONSENTITI: &[(&str, &str, &str)] = &[(
    "kit",
    "territorio",
    "kit/demo.rs: a demo step's context carries the territory snapshot it links to",
)];

/// The application itself, which knows every domain (it merges their routes and registries).
const APPLICAZIONE: &[&str] = &["lib", "demo", "server"];

fn sorgenti(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sorgenti(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn radice() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The top-level modules of the crate that `testo` names (`crate::x`, `crate::{x, y}`),
/// outside comments.
fn moduli_usati(testo: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for riga in testo.lines() {
        let riga = riga.trim_start();
        if riga.starts_with("//") {
            continue;
        }
        let mut resto = riga;
        while let Some(i) = resto.find("crate::") {
            resto = &resto[i + "crate::".len()..];
            if let Some(gruppo) = resto.strip_prefix('{') {
                // Top-level names of a group: up to its closing brace, at depth 0.
                let mut profondita = 0;
                let mut nome = String::new();
                let mut in_nome = true;
                for c in gruppo.chars() {
                    match c {
                        '{' => profondita += 1,
                        '}' if profondita == 0 => break,
                        '}' => profondita -= 1,
                        ',' if profondita == 0 => {
                            if !nome.is_empty() {
                                out.insert(std::mem::take(&mut nome));
                            }
                            in_nome = true;
                            continue;
                        }
                        _ => {}
                    }
                    if profondita == 0 && in_nome {
                        if c.is_alphanumeric() || c == '_' {
                            nome.push(c);
                        } else if !nome.is_empty() {
                            in_nome = false;
                        }
                    }
                }
                if !nome.is_empty() {
                    out.insert(nome);
                }
            } else {
                let nome: String = resto
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !nome.is_empty() {
                    out.insert(nome);
                }
            }
        }
    }
    out
}

#[test]
fn no_source_file_is_over_800_lines() {
    let mut file = Vec::new();
    for c in std::fs::read_dir(radice()).unwrap() {
        let c = c.unwrap().path();
        for sotto in ["src", "tests", "examples", "benches"] {
            if c.join(sotto).is_dir() {
                sorgenti(&c.join(sotto), &mut file);
            }
        }
    }
    assert!(file.len() > 50, "the sources were read: {}", file.len());
    let lunghi: Vec<String> = file
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "migration"))
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).unwrap().lines().count();
            (n > 800).then(|| format!("{} ({n})", p.strip_prefix(radice()).unwrap().display()))
        })
        .collect();
    assert!(lunghi.is_empty(), "files over 800 lines: {lunghi:?}");
}

#[test]
fn the_kit_imports_no_domain_and_domains_make_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut file = Vec::new();
    sorgenti(&src, &mut file);
    // Who imports whom, by top-level module.
    let mut grafo: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &file {
        let rel = p.strip_prefix(&src).unwrap();
        let modulo = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let usati = moduli_usati(&std::fs::read_to_string(p).unwrap());
        grafo
            .entry(modulo.clone())
            .or_default()
            .extend(usati.into_iter().filter(|u| *u != modulo));
    }
    assert!(DOMINI.iter().all(|d| grafo.contains_key(*d)), "{grafo:?}");

    let kit_verso_domini: Vec<String> = grafo
        .iter()
        .filter(|(m, _)| !DOMINI.contains(&m.as_str()) && !APPLICAZIONE.contains(&m.as_str()))
        .flat_map(|(m, usati)| {
            usati
                .iter()
                .filter(|u| DOMINI.contains(&u.as_str()))
                .filter(move |u| !CONSENTITI.iter().any(|(a, b, _)| a == m && b == u))
                .map(move |u| format!("{m} → {u}"))
        })
        .collect();
    assert!(
        kit_verso_domini.is_empty(),
        "shared modules that import a domain: {kit_verso_domini:?}"
    );

    // A cycle between domains: a depth-first search over the domains' edges.
    let archi = |d: &str| -> Vec<String> {
        grafo[d]
            .iter()
            .filter(|u| DOMINI.contains(&u.as_str()))
            .cloned()
            .collect()
    };
    fn visita(
        d: &str,
        archi: &dyn Fn(&str) -> Vec<String>,
        percorso: &mut Vec<String>,
        fatti: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = percorso.iter().position(|x| x == d) {
            let mut ciclo = percorso[i..].to_vec();
            ciclo.push(d.to_owned());
            return Some(ciclo);
        }
        if !fatti.insert(d.to_owned()) {
            return None;
        }
        percorso.push(d.to_owned());
        for a in archi(d) {
            if let Some(c) = visita(&a, archi, percorso, fatti) {
                return Some(c);
            }
        }
        percorso.pop();
        None
    }
    for d in DOMINI {
        let mut fatti = BTreeSet::new();
        if let Some(c) = visita(d, &archi, &mut Vec::new(), &mut fatti) {
            panic!("domains import each other in a cycle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_import_reader_reads_groups_and_paths() {
    let usati = moduli_usati(
        "use crate::{error::AppResult, view::{Ctx, render}, fmt};\n\
         // crate::commento\n\
         let x = crate::piano::store::tutti(db);",
    );
    let attesi: BTreeSet<String> = ["error", "view", "fmt", "piano"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(usati, attesi);
}
