//! costruisci
