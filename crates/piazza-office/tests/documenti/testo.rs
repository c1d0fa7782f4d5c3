//! testo
