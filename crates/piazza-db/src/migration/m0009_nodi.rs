//! Several `piazza serve` processes on one PostgreSQL database (the way to grow past one
//! machine):
//! - `nodi`: the processes that deliver alerts, with a heartbeat; an outbox row claimed by a
//!   node (`invii.nodo_id`) goes back in the queue when that node stops beating, not when
//!   another node starts;
//! - `notifiche.generazione`: the n-th change of the alert state notified, unique, so two
//!   notifiers that read the same memory cannot both record its change; an exercise is
//!   notified once (a unique index on the exercises' alert);
//! - `contatori`: counters shared by the nodes (the generation of the cached reads: a write
//!   on one node makes the others reload within a second or two).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("nodi")
                .col(big_pk_auto("id"))
                .col(string("nome"))
                .col(timestamp_with_time_zone("avviato_at"))
                .col(timestamp_with_time_zone("vivo_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("nodi", &["nome"], false)).await?;
        m.create_table(
            Table::create()
                .table("contatori")
                .col(string("nome").primary_key())
                .col(big_integer("valore"))
                .to_owned(),
        )
        .await?;
        for (tabella, c) in [
            ("invii", big_integer_null("nodo_id")),
            ("notifiche", big_integer_null("generazione")),
        ] {
            m.alter_table(
                Table::alter()
                    .table(tabella)
                    .add_column(c.to_owned())
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("notifiche", &["generazione"], true))
            .await?;
        // Partial indexes are written the same in SQLite and PostgreSQL.
        let c = m.get_connection();
        c.execute_unprepared(
            "CREATE UNIQUE INDEX ix_notifiche_esercitazione ON notifiche (allerta_id) \
             WHERE esercitazione",
        )
        .await?;
        // No index for the claims in flight: every claim and every outcome would maintain it
        // (two index writes a message), and it would serve only a start and a node's death.
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (t, i) in [
            ("notifiche", "ix_notifiche_esercitazione"),
            ("notifiche", "ix_notifiche_generazione"),
        ] {
            m.drop_index(Index::drop().name(i).table(t).to_owned())
                .await?;
        }
        for (t, c) in [("invii", "nodo_id"), ("notifiche", "generazione")] {
            m.alter_table(Table::alter().table(t).drop_column(c).to_owned())
                .await?;
        }
        for t in ["contatori", "nodi"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
