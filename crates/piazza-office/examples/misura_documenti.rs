//! Reading a 300-page PDF and a 300-page DOCX (issue 17's benchmark): wall time, CPU time of
//! the reading thread, and the process's peak memory, next to a one-page document read in the
//! same run. One document per process, so that each peak is its own:
//! `misura_documenti pdf|docx [pagine]` (`bench/documenti.sh` runs all of them).

use std::time::Instant;

use piazza_office::documento::scrivi::{Metadati, docx};
use piazza_office::{Blocco, Documento, Limiti, leggi_documento};

const RIGHE_PER_PAGINA: usize = 44;

const PAROLE: [&str; 16] = [
    "comuni",
    "servizi",
    "formazione",
    "territorio",
    "progetti",
    "bandi",
    "sindaci",
    "Regione",
    "protezione",
    "civile",
    "giovani",
    "montagna",
    "digitale",
    "ambiente",
    "cultura",
    "scuola",
];

/// A sentence of a plan, different on every line (a running header would repeat).
fn riga(p: usize, r: usize) -> String {
    let w = |k: usize| PAROLE[(p * 7 + r * 13 + k * 5) % PAROLE.len()];
    format!(
        "Il programma per {} e {} accompagna i {} nella {} dei {} con la {} e i {} del {}.",
        w(0),
        w(1),
        w(2),
        w(3),
        w(4),
        w(5),
        w(6),
        w(7)
    )
}

/// A chapter's title, different on every page.
fn capitolo(p: usize) -> String {
    format!("{} e {}", PAROLE[p % 16], PAROLE[(p / 16 + 3) % 16])
}

fn pdf(pagine: usize) -> Vec<u8> {
    use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};
    let mut pdf = Pdf::new();
    let (catalogo, albero, font, grassetto) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    pdf.catalog(catalogo).pages(albero);
    let figli: Vec<Ref> = (0..pagine).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.pages(albero)
        .kids(figli.iter().copied())
        .count(pagine as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    pdf.type1_font(grassetto).base_font(Name(b"Helvetica-Bold"));
    for (i, &r) in figli.iter().enumerate() {
        let contenuto = Ref::new(r.get() + 1);
        let mut pg = pdf.page(r);
        pg.parent(albero)
            .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
            .contents(contenuto);
        let mut risorse = pg.resources();
        let mut f = risorse.fonts();
        f.pair(Name(b"F1"), font);
        f.pair(Name(b"F2"), grassetto);
        drop(f);
        drop(risorse);
        drop(pg);
        let mut c = Content::new();
        c.begin_text();
        c.set_font(Name(b"F2"), 16.0);
        c.next_line(56.0, 790.0);
        c.show(Str(capitolo(i + 1).as_bytes()));
        c.set_font(Name(b"F1"), 10.0);
        c.set_leading(15.0);
        c.next_line(0.0, -28.0);
        for r in 0..RIGHE_PER_PAGINA {
            c.show(Str(riga(i + 1, r + 1).as_bytes()));
            c.next_line_using_leading();
        }
        c.end_text();
        pdf.stream(contenuto, &c.finish());
    }
    pdf.finish()
}

fn docx_di(pagine: usize) -> Vec<u8> {
    let mut blocchi = Vec::new();
    for p in 1..=pagine {
        blocchi.push(Blocco::Titolo {
            livello: 1,
            testo: capitolo(p),
        });
        for r in 1..=RIGHE_PER_PAGINA / 4 {
            blocchi.push(Blocco::Paragrafo(format!("{} {}", riga(p, r), riga(p, r))));
            blocchi.push(Blocco::Voce {
                livello: 1,
                numerata: r % 2 == 0,
                testo: riga(p, r),
            });
        }
        blocchi.push(Blocco::Tabella(vec![
            vec!["Obiettivo".into(), "Indicatore".into()],
            vec![riga(p, 1), "100".into()],
        ]));
    }
    let meta = Metadati::new(
        "Piano di prova",
        "Piazza",
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    docx(
        &Documento {
            titolo: None,
            blocchi,
        },
        &meta,
    )
}

/// CPU time of this thread in nanoseconds (the reading runs on it).
fn cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// The process's peak resident memory in KiB (`VmHWM`).
fn picco_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn main() {
    let mut a = std::env::args().skip(1);
    let tipo = a.next().unwrap_or_else(|| "pdf".into());
    let pagine: usize = a.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    let (file, nome) = match tipo.as_str() {
        "docx" => (docx_di(pagine), "x.docx"),
        _ => (pdf(pagine), "x.pdf"),
    };
    // The peak of the reading alone: reset the high-water mark left by writing the file.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let prima = picco_kib();
    let limiti = Limiti {
        max_byte_file: 200 * 1024 * 1024,
        tempo: std::time::Duration::from_secs(600),
        ..Default::default()
    };
    let (t0, c0) = (Instant::now(), cpu_ns());
    let d = leggi_documento(&file, Some(nome), &limiti).expect("readable");
    let (wall, cpu) = (t0.elapsed(), cpu_ns() - c0);
    let titoli = d
        .blocchi
        .iter()
        .filter(|b| matches!(b, Blocco::Titolo { .. }))
        .count();
    assert_eq!(
        titoli,
        pagine,
        "one heading per page: {:?}",
        &d.blocchi[..d.blocchi.len().min(6)]
    );
    println!(
        "{tipo} {pagine} pagine ({} KB): {:.1} ms, CPU {:.1} ms ({:.2} ms/pagina), picco {} MB (prima della lettura {} MB), {} blocchi",
        file.len() / 1024,
        wall.as_secs_f64() * 1e3,
        cpu as f64 / 1e6,
        cpu as f64 / 1e6 / pagine as f64,
        picco_kib() / 1024,
        prima / 1024,
        d.blocchi.len()
    );
}
