//! odt
