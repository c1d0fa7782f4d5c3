//! The `piazza` binary driven as a user would: real processes on a temporary data directory.
//! (These run on SQLite, apart from `nodi`, which runs several servers on PostgreSQL when
//! `TEST_DATABASE_URL` is set; the database layer itself is tested on both backends in
//! piazza-web.)

mod nodi;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(name)
}

pub(crate) fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("piazza-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub(crate) fn piazza(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_piazza"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("PIAZZA_LOG", "warn");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run piazza");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn migrate_loads_the_territory_and_import_amministratori_is_idempotent() {
    let dir = tmpdir("import");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Territorio caricato: 273 comuni, 10 province, 26 zone di allerta"));

    let sample = data("amministratori-comunali-dait-sample-provincia-firenze.csv");
    let o = piazza(
        &dir,
        &["import", "amministratori", sample.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Righe: 40"), "{}", out(&o));
    assert!(out(&o).contains("Cariche nuove: 40, aggiornate: 0, invariate: 0, rimosse: 0"));
    let o = piazza(
        &dir,
        &["import", "amministratori", sample.to_str().unwrap()],
        None,
    );
    assert!(out(&o).contains("Persone nuove: 0, aggiornate: 0. Cariche nuove: 0, aggiornate: 0, invariate: 40, rimosse: 0."), "{}", out(&o));

    // One broken date: rejected with its line, exit status non-zero.
    let text = std::fs::read_to_string(&sample).unwrap();
    let broken = text.replacen("\"31/05/1989\"", "\"31/13/1989\"", 1);
    let bad = dir.join("rotto.csv");
    std::fs::write(&bad, broken).unwrap();
    let o = piazza(
        &dir,
        &["import", "amministratori", bad.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("riga 4: data di nascita «31/13/1989» non valida"),
        "{}",
        out(&o)
    );
}

#[test]
fn a_wrong_configuration_value_is_named_in_italian_and_keys_stay_flat() {
    let dir = tmpdir("config");
    let file = dir.join("piazza.toml");
    // The keys of the file are as they always were, though the configuration has sections.
    std::fs::write(
        &file,
        "login_burst = 5\nsmtp_mittente = \"Allerte <a@b.it>\"\n",
    )
    .unwrap();
    let o = piazza(&dir, &["--config", file.to_str().unwrap(), "migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    std::fs::write(&file, "login_burst = \"molti\"\n").unwrap();
    let o = piazza(&dir, &["--config", file.to_str().unwrap(), "migrate"], None);
    assert!(!o.status.success());
    let e = out(&o);
    assert!(
        e.contains("configurazione non valida") && e.contains("«login_burst»"),
        "{e}"
    );
    // The same from the environment.
    let o = Command::new(env!("CARGO_BIN_EXE_piazza"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["--config", "nessun-file.toml", "migrate"])
        .env_remove("DATABASE_URL")
        .env("PIAZZA_LOG", "warn")
        .env("PIAZZA_PUSH_LOOPBACK", "forse")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(out(&o).contains("«push_loopback»"), "{}", out(&o));
}

#[test]
fn user_add_reads_the_password_from_stdin_and_validates_roles() {
    let dir = tmpdir("user");
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "ref@comune.it",
            "--role",
            "referente",
            "--comune",
            "048017",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "x@comune.it",
            "--role",
            "editor:nessuno",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("Ruolo non valido"));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "y@comune.it",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("corta\n"),
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("almeno 10 caratteri"));
    let o = piazza(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "z@comune.it",
            "--role",
            "referente",
            "--comune",
            "999999",
            "--password-stdin",
        ],
        Some("una-password-lunga\n"),
    );
    assert!(out(&o).contains("Comune con codice ISTAT «999999» non trovato."));
}

#[test]
fn backup_writes_a_consistent_copy() {
    let dir = tmpdir("backup");
    assert!(piazza(&dir, &["migrate"], None).status.success());
    let target = dir.join("copia.db");
    let o = piazza(&dir, &["backup", target.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", out(&o));
    let bytes = std::fs::read(&target).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    assert!(
        bytes.len() > 1_000_000,
        "the copy holds the territory and boundaries"
    );
    // Never overwrites.
    let o = piazza(&dir, &["backup", target.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(out(&o).contains("esiste già"));
}

/// A plan written for the test, laid out like a PDF export (page header repeated, page break
/// inside an item).
const PIANO: &str = "# Programma 2031\n\n## ● Servizi ai comuni\n\nTesto.\n\n## Obiettivi\n\n- Aprire lo sportello unico per le gare;\n- Estendere la rete della fiscalità ai comuni\n\n# Programma 2031\n\ndella costa;\n\n## ● Formazione\n\n### Obiettivi\n\n1. Nuovo catalogo dei corsi.\n\n# Programma 2031\n";

#[test]
fn import_piano_dry_run_saves_nothing_then_saves_once() {
    let dir = tmpdir("piano");
    let file = dir.join("piano.md");
    std::fs::write(&file, PIANO).unwrap();
    let o = piazza(
        &dir,
        &[
            "import",
            "piano",
            file.to_str().unwrap(),
            "--anno",
            "2031",
            "--dry-run",
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("Programma 2031: 2 aree, 3 obiettivi."),
        "{text}"
    );
    assert!(text.contains("1. Servizi ai comuni (2 obiettivi)"));
    assert!(text.contains("   - Estendere la rete della fiscalità ai comuni della costa\n"));
    assert!(text.contains("2. Formazione (1 obiettivo)"));
    assert!(text.contains("nulla è stato salvato"));
    assert!(
        !dir.join("piazza.db").exists(),
        "a dry run does not even create the database"
    );

    let o = piazza(
        &dir,
        &["import", "piano", file.to_str().unwrap(), "--anno", "2031"],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Piano 2031 salvato come bozza."));
    let o = piazza(
        &dir,
        &["import", "piano", file.to_str().unwrap(), "--anno", "2031"],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("Esiste già un piano per il 2031."),
        "{}",
        out(&o)
    );
}

#[test]
fn cap_validate_prints_each_document_or_its_violations() {
    let dir = tmpdir("cap");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../piazza-cap/tests/documenti");
    let real = docs.join("meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml");
    let multi = docs.join("allerta-toscana-multilingua.xml");
    let oasis: Vec<PathBuf> = [
        "oasis-a2-temporale.xml",
        "oasis-a3-terremoto-update.xml",
        "oasis-a4-amber-multilingua.xml",
    ]
    .iter()
    .map(|n| docs.join(n))
    .collect();
    let mut args = vec![
        "cap",
        "validate",
        real.to_str().unwrap(),
        multi.to_str().unwrap(),
    ];
    args.extend(oasis.iter().map(|p| p.to_str().unwrap()));
    let o = piazza(&dir, &args, None);
    assert!(o.status.success(), "{}", out(&o));
    let s = out(&o);
    assert!(s.contains(
        "valido — identificativo 2.49.0.0.380.3.IT.251119104948.038, mittente aerocnmca.1sv.prv1@aeronautica.difesa.it, inviato 2025-11-19T10:49:49+01:00, tipo Alert, 1 blocchi info"
    ), "{s}");
    assert!(s.contains("identificativo it.toscana.cfr.2026.0412"), "{s}");
    assert!(s.contains("tipo Alert, 2 blocchi info"), "{s}");
    assert!(s.contains("identificativo TRI13970876.2, mittente trinet@caltech.edu, inviato 2003-06-11T20:56:00-07:00, tipo Update, 1 blocchi info"), "{s}");
    assert!(s.contains("identificativo KAR0-0306112239-SW"), "{s}");

    let broken = dir.join("rotto.xml");
    std::fs::write(
        &broken,
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sent>2026-01-01T00:00:00Z</sent><status>Actual</status><msgType>Cancel</msgType><scope>Public</scope></alert>"#,
    )
    .unwrap();
    let o = piazza(
        &dir,
        &[
            "cap",
            "validate",
            real.to_str().unwrap(),
            broken.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success(), "an invalid document fails the command");
    let s = out(&o);
    assert!(s.contains("rotto.xml: NON valido (3 problemi)"), "{s}");
    assert!(
        s.contains("  - alert/sender: obbligatorio e mancante"),
        "{s}"
    );
    assert!(
        s.contains("  - alert/sent: data e ora «2026-01-01T00:00:00Z» non nel formato CAP"),
        "{s}"
    );
    assert!(
        s.contains("  - alert/references: un messaggio Cancel deve indicare"),
        "{s}"
    );
    assert!(s.contains("Errore: 1 documenti non validi su 2"), "{s}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_bollettino_reads_the_index_or_a_day_and_a_copy_changes_nothing() {
    let dir = tmpdir("bollettino");
    let o = piazza(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    let indice = data("dpc-bollettini/20231103_1614.json");
    let o = piazza(
        &dir,
        &["import", "bollettino", indice.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let s = out(&o);
    assert!(
        s.contains("20231103_1614_tomorrow.json: file non trovato accanto all'indice"),
        "{s}"
    );
    assert!(
        s.contains("20231103_1614_today: Bollettino nazionale di criticità del 03/11/2023 (oggi, 03/11/2023) — 230 comuni in allerta; pubblicato"),
        "{s}"
    );
    let o = piazza(
        &dir,
        &["import", "bollettino", indice.to_str().unwrap()],
        None,
    );
    assert!(
        out(&o).contains("già ricevuto, nulla cambia"),
        "{}",
        out(&o)
    );
    let giorno = data("dpc-bollettini/20231115_1435_today.stripped.json");
    let o = piazza(
        &dir,
        &["import", "bollettino", giorno.to_str().unwrap()],
        None,
    );
    assert!(
        out(&o).contains("0 comuni in allerta; pubblicato"),
        "{}",
        out(&o)
    );
    // Not a bulletin: refused with the reason, nothing saved.
    let o = piazza(
        &dir,
        &["import", "bollettino", data("SOURCES.md").to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("indice del bollettino non leggibile"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("Nulla è stato salvato"), "{}", out(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
