//! Eventi and the registration core it shares with the school: the mail queue of transactional
//! messages (`posta`), offers with their capacity and sessions (`offerte`, `offerta_sessioni`),
//! registrations, attendance scans and certificates; events with partners, and the events the
//! comuni propose.
//!
//! The capacity is the database's: `offerte.occupati` counts the seats held (confirmed, or
//! offered to the head of the waitlist) and a `CHECK (occupati <= capienza)` refuses an
//! overbooking whatever the code does; a registration takes a seat with a conditional
//! `UPDATE … WHERE occupati < capienza`. One live registration per e-mail and offer (a partial
//! unique index: a cancelled one does not count), one scan per nonce (a retried offline scan
//! counts once), one certificate per registration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("posta")
                .col(big_pk_auto("id"))
                .col(string("a"))
                .col(string("oggetto"))
                .col(text("testo"))
                .col(string_null("allegato_nome"))
                .col(string_null("allegato_tipo"))
                .col(text_null("allegato"))
                .col(string("stato"))
                .col(integer("tentativi").default(0))
                .col(timestamp_with_time_zone("prossimo_at"))
                .col(timestamp_with_time_zone("creata_at"))
                .col(timestamp_with_time_zone_null("inviata_at"))
                .col(string_null("errore"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("posta", &["stato", "prossimo_at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("offerte")
                .col(big_pk_auto("id"))
                .col(string("tipo"))
                .col(string("titolo"))
                .col(string("url"))
                .col(integer("capienza"))
                .col(integer("occupati").default(0))
                .col(big_integer("sequenza").default(0))
                .col(timestamp_with_time_zone_null("apre_at"))
                .col(timestamp_with_time_zone_null("chiude_at"))
                .col(boolean("approvazione").default(false))
                .col(string("idoneita"))
                .col(integer_null("quota_comune"))
                .col(text("quote_tipo"))
                .col(integer("ore_offerta").default(48))
                .col(text("domande"))
                .col(timestamp_with_time_zone_null("questionario_at"))
                .col(timestamp_with_time_zone("created_at"))
                .check(Expr::cust("occupati >= 0 AND occupati <= capienza"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("offerta_sessioni")
                .col(big_pk_auto("id"))
                .col(big_integer("offerta_id"))
                .col(integer("ordine"))
                .col(string("titolo"))
                .col(timestamp_with_time_zone("inizio"))
                .col(timestamp_with_time_zone("fine"))
                .col(string_null("luogo"))
                .col(integer_null("capienza"))
                .col(integer("occupati").default(0))
                .check(Expr::cust(
                    "occupati >= 0 AND (capienza IS NULL OR occupati <= capienza)",
                ))
                .foreign_key(&mut fk(
                    "offerta_sessioni",
                    "offerta_id",
                    "offerte",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("offerta_sessioni", &["offerta_id", "inizio"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("registrazioni")
                .col(big_pk_auto("id"))
                .col(big_integer("offerta_id"))
                .col(string("codice").unique_key())
                .col(string("email"))
                .col(string("email_norm"))
                .col(string("nome"))
                .col(string("cognome"))
                .col(string_null("organizzazione"))
                .col(string("tipo_organizzazione"))
                .col(big_integer_null("comune_id"))
                .col(string_null("ruolo"))
                .col(text("risposte"))
                .col(string("stato"))
                .col(big_integer_null("posizione"))
                .col(timestamp_with_time_zone("creata_at"))
                .col(timestamp_with_time_zone_null("confermata_at"))
                .col(timestamp_with_time_zone_null("offerta_scade_at"))
                .col(timestamp_with_time_zone_null("annullata_at"))
                .col(big_integer_null("iscritta_da"))
                .foreign_key(&mut fk(
                    "registrazioni",
                    "offerta_id",
                    "offerte",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "registrazioni",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "registrazioni",
            &["offerta_id", "stato", "posizione"],
            false,
        ))
        .await?;
        m.create_index(index("registrazioni", &["comune_id"], false))
            .await?;
        // The ticker of expired seat offers looks for `posto_offerto` rows by their deadline.
        m.create_index(index(
            "registrazioni",
            &["stato", "offerta_scade_at"],
            false,
        ))
        .await?;
        let c = m.get_connection();
        // Partial indexes are written the same in SQLite and PostgreSQL.
        c.execute_unprepared(
            "CREATE UNIQUE INDEX ix_registrazioni_email_viva ON registrazioni \
             (offerta_id, email_norm) WHERE stato NOT IN ('annullata', 'scaduta', 'respinta')",
        )
        .await?;
        // The sessions with their own capacity a registration chose, and whether it holds a
        // seat in each (taken when the registration gets its seat in the offer).
        m.create_table(
            Table::create()
                .table("registrazione_sessioni")
                .col(big_pk_auto("id"))
                .col(big_integer("registrazione_id"))
                .col(big_integer("sessione_id"))
                .col(boolean("posto").default(false))
                .foreign_key(&mut fk(
                    "registrazione_sessioni",
                    "registrazione_id",
                    "registrazioni",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "registrazione_sessioni",
                    "sessione_id",
                    "offerta_sessioni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "registrazione_sessioni",
            &["registrazione_id", "sessione_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("presenze")
                .col(big_pk_auto("id"))
                .col(big_integer("registrazione_id"))
                .col(big_integer_null("sessione_id"))
                .col(string("verso"))
                .col(timestamp_with_time_zone("at"))
                .col(string("nonce").unique_key())
                .col(big_integer_null("utente_id"))
                .foreign_key(&mut fk(
                    "presenze",
                    "registrazione_id",
                    "registrazioni",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "presenze",
                    "sessione_id",
                    "offerta_sessioni",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("presenze", &["registrazione_id", "at"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("attestati")
                .col(big_pk_auto("id"))
                .col(string("codice").unique_key())
                .col(big_integer("registrazione_id").unique_key())
                .col(string("nome"))
                .col(string("titolo"))
                .col(string("date"))
                .col(integer("minuti"))
                .col(timestamp_with_time_zone("emesso_at"))
                .foreign_key(&mut fk(
                    "attestati",
                    "registrazione_id",
                    "registrazioni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("questionari")
                .col(big_pk_auto("id"))
                .col(big_integer("registrazione_id").unique_key())
                .col(big_integer("offerta_id"))
                .col(integer("generale"))
                .col(integer("contenuti"))
                .col(integer("organizzazione"))
                .col(text_null("commento"))
                .col(timestamp_with_time_zone("risposto_at"))
                .check(Expr::cust(
                    "generale BETWEEN 1 AND 5 AND contenuti BETWEEN 1 AND 5 \
                     AND organizzazione BETWEEN 1 AND 5",
                ))
                .foreign_key(&mut fk(
                    "questionari",
                    "registrazione_id",
                    "registrazioni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("questionari", &["offerta_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("eventi")
                .col(big_pk_auto("id"))
                .col(string("public_id").unique_key())
                .col(string("titolo"))
                .col(string("tipo"))
                .col(text("descrizione"))
                .col(big_integer_null("comune_id"))
                .col(string_null("indirizzo"))
                .col(string_null("link_online"))
                .col(string_null("relatori"))
                .col(string_null("progetto"))
                .col(string("stato"))
                .col(boolean("patrocinio").default(false))
                .col(big_integer("offerta_id"))
                .col(big_integer_null("proposta_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "eventi",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "eventi",
                    "offerta_id",
                    "offerte",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("eventi", &["comune_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("eventi_partner")
                .col(big_pk_auto("id"))
                .col(big_integer("evento_id"))
                .col(big_integer("organizzazione_id"))
                .col(string("ruolo"))
                .foreign_key(&mut fk(
                    "eventi_partner",
                    "evento_id",
                    "eventi",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "eventi_partner",
                    "organizzazione_id",
                    "organizzazioni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "eventi_partner",
            &["evento_id", "organizzazione_id", "ruolo"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("proposte_evento")
                .col(big_pk_auto("id"))
                .col(big_integer("comune_id"))
                .col(big_integer_null("utente_id"))
                .col(string("titolo"))
                .col(text("descrizione"))
                .col(date("data_prevista"))
                .col(string_null("luogo"))
                .col(string("supporto"))
                .col(string("stato"))
                .col(text("valutazione"))
                .col(text_null("motivazione"))
                .col(text_null("supporto_dato"))
                .col(big_integer_null("evento_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decisa_at"))
                .col(big_integer_null("decisa_da"))
                .foreign_key(&mut fk(
                    "proposte_evento",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("proposte_evento", &["comune_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "proposte_evento",
            "eventi_partner",
            "eventi",
            "questionari",
            "attestati",
            "presenze",
            "registrazione_sessioni",
            "registrazioni",
            "offerta_sessioni",
            "offerte",
            "posta",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
