//! The one migration set, for SQLite and PostgreSQL alike. Migrations are additive; where
//! SQLite cannot alter a table, a later migration rebuilds it.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_piano;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_piano::Migration),
        ]
    }
}
