//! The one migration set, for SQLite and PostgreSQL alike. Migrations are additive; where
//! SQLite cannot alter a table, a later migration rebuilds it.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_piano;
mod m0003_piano_avanzamento;
mod m0004_progetti;
mod m0005_allerte;
mod m0006_iscrizioni;
mod m0007_coda_invii;
mod m0008_sessioni;
mod m0009_nodi;
mod m0010_eventi;

/// A foreign key `fk_<from>_<col>` from `from.col` to `to.id`.
fn fk(
    from: &'static str,
    col: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// An index `ix_<table>_<cols>`.
fn index(table: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_piano::Migration),
            Box::new(m0003_piano_avanzamento::Migration),
            Box::new(m0004_progetti::Migration),
            Box::new(m0005_allerte::Migration),
            Box::new(m0006_iscrizioni::Migration),
            Box::new(m0007_coda_invii::Migration),
            Box::new(m0008_sessioni::Migration),
            Box::new(m0009_nodi::Migration),
            Box::new(m0010_eventi::Migration),
        ]
    }
}
