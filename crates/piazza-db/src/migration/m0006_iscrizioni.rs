//! Cittadino Informato, part 2: citizens' subscriptions (minimum data, consent kept with its
//! text), the service keys generated at install (VAPID, the secret of subscribers' links),
//! the comune Telegram channels, the notifications derived from changes of the alert state,
//! and the durable outbox: one row per (notification, recipient, channel).

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
                .table("chiavi_servizio")
                .col(big_pk_auto("id"))
                .col(string_uniq("nome"))
                .col(text("valore"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("consensi")
                .col(big_pk_auto("id"))
                .col(string_uniq("sha256"))
                .col(text("testo"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("iscrizioni")
                .col(big_pk_auto("id"))
                .col(string("canale"))
                .col(text("indirizzo"))
                .col(string_null("p256dh"))
                .col(string_null("auth"))
                .col(integer("soglia"))
                .col(integer("rischi"))
                .col(boolean("fine_allerta"))
                .col(boolean("tester"))
                .col(string("stato"))
                .col(big_integer("consenso_id"))
                .col(timestamp_with_time_zone("consenso_at"))
                .col(timestamp_with_time_zone_null("confermata_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "iscrizioni",
                    "consenso_id",
                    "consensi",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("iscrizioni", &["canale", "indirizzo"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("iscrizioni_comuni")
                .col(big_pk_auto("id"))
                .col(big_integer("iscrizione_id"))
                .col(big_integer("comune_id"))
                .foreign_key(&mut fk(
                    "iscrizioni_comuni",
                    "iscrizione_id",
                    "iscrizioni",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "iscrizioni_comuni",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "iscrizioni_comuni",
            &["iscrizione_id", "comune_id"],
            true,
        ))
        .await?;
        m.create_index(index("iscrizioni_comuni", &["comune_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("canali_telegram")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("comune_id"))
                .col(string("chat_id"))
                .col(text_null("link"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "canali_telegram",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        // The levels last notified, per comune and risk: the notifier's memory.
        m.create_table(
            Table::create()
                .table("stato_notificato")
                .col(big_pk_auto("id"))
                .col(big_integer("comune_id"))
                .col(string("rischio"))
                .col(integer("livello"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("stato_notificato", &["comune_id", "rischio"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("notifiche")
                .col(big_pk_auto("id"))
                .col(big_integer_null("allerta_id"))
                .col(boolean("esercitazione"))
                .col(text("titolo"))
                .col(timestamp_with_time_zone("creata_at"))
                .col(timestamp_with_time_zone("scade_at"))
                .col(big_integer("distribuita_fino"))
                .col(timestamp_with_time_zone_null("distribuita_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifiche", &["allerta_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("notifiche_voci")
                .col(big_pk_auto("id"))
                .col(big_integer("notifica_id"))
                .col(big_integer("comune_id"))
                .col(string("comune_codice"))
                .col(string("comune_nome"))
                .col(string("rischio"))
                .col(string("rischio_nome"))
                .col(integer("rischio_bit"))
                .col(integer("prima"))
                .col(integer("dopo"))
                .col(timestamp_with_time_zone_null("fino_a"))
                .foreign_key(&mut fk(
                    "notifiche_voci",
                    "notifica_id",
                    "notifiche",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "notifiche_voci",
            &["notifica_id", "comune_id"],
            false,
        ))
        .await?;

        // The outbox. `destinatario_id` is a subscription (push, e-mail, SMS) or a Telegram
        // channel; `notifica_id` is null for a confirmation message.
        m.create_table(
            Table::create()
                .table("invii")
                .col(big_pk_auto("id"))
                .col(big_integer_null("notifica_id"))
                .col(string("canale"))
                .col(big_integer("destinatario_id"))
                .col(string("stato"))
                .col(integer("tentativi"))
                .col(timestamp_with_time_zone("prossimo_at"))
                .col(timestamp_with_time_zone("scade_at"))
                .col(timestamp_with_time_zone_null("inviato_at"))
                .col(text_null("errore"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "invii",
            &["notifica_id", "canale", "destinatario_id"],
            true,
        ))
        .await?;
        m.create_index(index("invii", &["stato", "canale", "prossimo_at"], false))
            .await?;
        m.create_index(index("invii", &["destinatario_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "invii",
            "notifiche_voci",
            "notifiche",
            "stato_notificato",
            "canali_telegram",
            "iscrizioni_comuni",
            "iscrizioni",
            "consensi",
            "chiavi_servizio",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
