//! The DOCX and ODT writers, read back here with `zip` and `quick-xml` only: the package
//! parts, the structure an office sees (heading styles and outline levels, list numbering,
//! table header rows), the metadata, the escaping of texts, determinism.

#[path = "scrivi/comune.rs"]
mod comune;
#[path = "scrivi/docx.rs"]
mod docx;
#[path = "scrivi/odt.rs"]
mod odt;
