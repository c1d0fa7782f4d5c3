//! Writers of a [`super::Documento`] as files offices can edit (DOCX, ODT): to be written.
