//! Reading documents (DOCX, ODT, Markdown, reStructuredText, plain text) built here, and
//! refusing hostile ones quickly and with little memory. A counting global allocator measures
//! each test thread's own peak.

#[path = "documenti/attacchi.rs"]
mod attacchi;
#[path = "documenti/costruisci.rs"]
mod costruisci;
#[path = "documenti/docx.rs"]
mod docx;
#[path = "documenti/markdown.rs"]
mod markdown;
#[path = "documenti/odt.rs"]
mod odt;
#[path = "documenti/rst.rs"]
mod rst;
#[path = "documenti/testo.rs"]
mod testo;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Counts the bytes each thread has allocated and not freed, and its peak.
struct Contatore;

thread_local! {
    static IN_USO: Cell<isize> = const { Cell::new(0) };
    static PICCO: Cell<isize> = const { Cell::new(0) };
}

fn conta(delta: isize) {
    let _ = IN_USO.try_with(|u| {
        let v = u.get() + delta;
        u.set(v);
        let _ = PICCO.try_with(|p| {
            if v > p.get() {
                p.set(v);
            }
        });
    });
}

unsafe impl GlobalAlloc for Contatore {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            conta(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            conta(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        conta(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            conta(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATORE: Contatore = Contatore;

/// Runs `f` on this thread and gives its result, its wall time and the peak of the bytes it
/// held at once beyond what the thread held before.
pub fn misura<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let base = IN_USO.with(Cell::get);
    PICCO.with(|p| p.set(base));
    let inizio = Instant::now();
    let r = f();
    let tempo = inizio.elapsed();
    let picco = PICCO.with(Cell::get) - base;
    (r, tempo, picco.max(0) as usize)
}

pub const MB: usize = 1024 * 1024;

use piazza_office::{Blocco, Documento, Limiti, leggi_documento};

/// Reads `bytes` as the file `nome` with default limits.
pub fn leggi(nome: &str, bytes: impl AsRef<[u8]>) -> Documento {
    leggi_documento(bytes.as_ref(), Some(nome), &Limiti::default())
        .unwrap_or_else(|e| panic!("{nome}: {e}"))
}

pub fn titolo(livello: u8, testo: &str) -> Blocco {
    Blocco::Titolo {
        livello,
        testo: testo.to_owned(),
    }
}

pub fn par(testo: &str) -> Blocco {
    Blocco::Paragrafo(testo.to_owned())
}

pub fn voce(livello: u8, numerata: bool, testo: &str) -> Blocco {
    Blocco::Voce {
        livello,
        numerata,
        testo: testo.to_owned(),
    }
}

pub fn tabella(righe: &[&[&str]]) -> Blocco {
    Blocco::Tabella(
        righe
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect(),
    )
}
