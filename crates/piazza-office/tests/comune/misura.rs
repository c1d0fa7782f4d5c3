//! The measuring harness of the hostile-input tests (spreadsheets and documents): a counting
//! global allocator that gives each test thread its own peak, and `misura`. Included by
//! `tests/fogli.rs` and `tests/documenti.rs`.

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
