//! Raw SQL written once for both backends.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

/// A statement written with `$1`, `$2`... for either backend (SQLite reads them as `?1`...).
pub fn stmt(db: &impl ConnectionTrait, sql: &str, valori: Vec<Value>) -> Statement {
    let b = db.get_database_backend();
    let sql = match b {
        DatabaseBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(b, sql, valori)
}

/// Times are kept to the millisecond, so that text comparisons in SQLite hold.
pub fn al_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}
