//! rst
