//! The PDF reader: fixtures written with `pdf-writer` (and `lopdf` for encryption), read back
//! into exact block sequences, and the errors of broken, protected, scanned and hostile files.

#[path = "pdf/scrittura.rs"]
mod scrittura;

#[path = "pdf/struttura.rs"]
mod struttura;

#[path = "pdf/errori.rs"]
mod errori;

#[path = "pdf/reali.rs"]
mod reali;

#[path = "pdf/grezzi.rs"]
mod grezzi;
