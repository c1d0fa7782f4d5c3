//! ODT styles.
