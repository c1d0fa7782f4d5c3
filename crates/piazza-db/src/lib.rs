//! Piazza's database layer: SeaORM entities, the single migration set that runs on
//! SQLite and PostgreSQL, the connection setup, the audit-log writer and the session store.
//!
//! Domain queries live next to their handlers in `piazza-web/src/<domain>/store.rs`; this crate
//! only holds what every domain shares.

pub mod audit;
pub mod entities;
pub mod lavoro;
pub mod migration;
pub mod nodi;
pub mod session_store;
mod sql;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
};
use sea_orm_migration::MigratorTrait;

pub use sea_orm;
pub use sql::{al_ms, stmt};

/// Opens a pool on `url` (`sqlite://path?mode=rwc` or `postgres://...`).
///
/// SQLite gets WAL, `busy_timeout=5000`, `synchronous=NORMAL`, foreign keys on every connection
/// and a row buffer of 1,024 rows.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        opts.max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_millis(5000))
                    .foreign_keys(true)
                    // Rows of a result cross from the connection's thread through a channel:
                    // sqlx's 50 made the thread wait and wake for every few rows of a large
                    // read (the outbox claims thousands at a time).
                    .row_buffer_size(1024)
            });
    } else {
        opts.max_connections(16).min_connections(1);
    }
    Database::connect(opts).await
}

/// A connection of its own on `db`'s database, for a writer that works in long runs (the
/// alert fan-out and the delivery engine): with SQLite, a pool of one connection. A write made
/// on another connection empties a connection's page cache at its next transaction, so a
/// writer that took whichever connection of the shared pool was free read its pages from the
/// file again at every block; on its own connection they stay warm. SQLite has one writer at
/// a time anyway. With PostgreSQL (or an in-memory SQLite database), `db` itself.
pub async fn connessione_propria(db: &DatabaseConnection) -> Result<DatabaseConnection, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(db.clone());
    }
    let opzioni = db.get_sqlite_connection_pool().connect_options();
    if opzioni.get_filename() == std::path::Path::new(":memory:") {
        return Ok(db.clone());
    }
    let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        // Its users queue for it: a claim can wait for a block of the fan-out.
        .acquire_timeout(Duration::from_secs(60))
        .connect_with((*opzioni).clone())
        .await
        .map_err(|e| DbErr::Custom(format!("connessione al database: {e}")))?;
    Ok(sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// Runs every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migration::Migrator::up(db, None).await
}

/// Writes a consistent copy of a live SQLite database to `target` (`VACUUM INTO`).
pub async fn backup_sqlite(db: &DatabaseConnection, target: &str) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(DbErr::Custom(
            "il backup integrato funziona solo con SQLite; per PostgreSQL usare pg_dump".into(),
        ));
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await?;
    Ok(())
}

/// A random URL-safe identifier for records whose id is exposed (`public_id`).
pub fn new_public_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, so that it waits for the
/// write lock up front (with the busy timeout) instead of failing with "database is locked"
/// when a read inside it has to be upgraded while another connection writes. Use it where
/// writers run concurrently (the outbox, the notifier).
pub async fn scrittura(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
