//! Demo projects (written later in this session).
