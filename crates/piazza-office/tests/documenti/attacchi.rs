//! attacchi
