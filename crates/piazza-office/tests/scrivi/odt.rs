//! ODT: package, headings, lists, tables, metadata, texts.
