//! Territory, people and organisations, users, sessions and the audit log.

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
                .table("province")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice"))
                .col(string("sigla"))
                .col(string("nome"))
                .col(string("codice_regione"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("comuni")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice_istat"))
                .col(string("nome"))
                .col(string("nome_norm"))
                .col(string("codice_regione"))
                .col(string("codice_provincia"))
                .col(string_null("codice_uts"))
                .col(string("sigla_provincia"))
                .col(string("provincia"))
                .col(string_null("tipo_ente_sovracomunale"))
                .col(boolean("capoluogo"))
                .col(string_null("codice_catastale"))
                .col(string_null("nuts3"))
                .col(big_integer_null("popolazione"))
                .col(big_integer_null("popolazione_2019"))
                .col(big_integer_null("popolazione_2011"))
                .col(double_null("superficie_kmq"))
                .col(integer_null("altitudine_m"))
                .col(integer_null("zona_altimetrica"))
                .col(boolean("litoraneo"))
                .col(boolean("isolano"))
                .col(integer_null("degurba"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("comuni", &["nome_norm"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("zone_allerta")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice"))
                .col(string("nome"))
                .col(string_null("codice_dpc"))
                .col(string_null("etichetta"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("comuni_zone_allerta")
                .col(big_pk_auto("id"))
                .col(big_integer("comune_id"))
                .col(big_integer("zona_id"))
                .foreign_key(&mut fk(
                    "comuni_zone_allerta",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "comuni_zone_allerta",
                    "zona_id",
                    "zone_allerta",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "comuni_zone_allerta",
            &["comune_id", "zona_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("confini")
                .col(big_pk_auto("id"))
                .col(string("livello"))
                .col(string("codice"))
                .col(string("nome"))
                .col(text("geometria"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("confini", &["livello", "codice"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("organizzazioni")
                .col(big_pk_auto("id"))
                .col(string_uniq("public_id"))
                .col(string("nome"))
                .col(string("nome_norm"))
                .col(string("tipo"))
                .col(string_null("codice_fiscale"))
                .col(string_null("partita_iva"))
                .col(big_integer_null("comune_id"))
                .col(string_null("email"))
                .col(string_null("pec"))
                .col(string_null("telefono"))
                .col(string_null("sito_web"))
                .col(string_null("indirizzo"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "organizzazioni",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organizzazioni", &["nome_norm"], false))
            .await?;
        m.create_index(index("organizzazioni", &["tipo"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("persone")
                .col(big_pk_auto("id"))
                .col(string_uniq("public_id"))
                .col(string("nome"))
                .col(string("cognome"))
                .col(string("nome_norm"))
                .col(string_null("email"))
                .col(string_null("telefono"))
                .col(string_null("codice_fiscale"))
                .col(string_null("sesso"))
                .col(date_null("data_nascita"))
                .col(string_null("luogo_nascita"))
                .col(string("categorie"))
                .col(big_integer_null("organizzazione_id"))
                .col(string_null("qualifica"))
                .col(text_null("note"))
                .col(string_null("dait_key").unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "persone",
                    "organizzazione_id",
                    "organizzazioni",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("persone", &["nome_norm"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("amministratori")
                .col(big_pk_auto("id"))
                .col(big_integer("persona_id"))
                .col(big_integer("comune_id"))
                .col(string("carica"))
                .col(string("descrizione_carica"))
                .col(date_null("data_elezione"))
                .col(date_null("data_inizio"))
                .col(date_null("fine_mandato"))
                .col(string_null("lista"))
                .col(string("fonte"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "amministratori",
                    "persona_id",
                    "persone",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "amministratori",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "amministratori",
            &["persona_id", "comune_id", "carica"],
            true,
        ))
        .await?;
        m.create_index(index("amministratori", &["comune_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("utenti")
                .col(big_pk_auto("id"))
                .col(string_uniq("email"))
                .col(string("nome"))
                .col(string("password_hash"))
                .col(boolean("attivo"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("utenti_ruoli")
                .col(big_pk_auto("id"))
                .col(big_integer("utente_id"))
                .col(string("ruolo"))
                .col(string_null("modulo"))
                .col(big_integer_null("comune_id"))
                .foreign_key(&mut fk(
                    "utenti_ruoli",
                    "utente_id",
                    "utenti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "utenti_ruoli",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("utenti_ruoli", &["utente_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("sessioni")
                .col(string("id").primary_key())
                .col(text("data"))
                .col(timestamp_with_time_zone("expiry"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessioni", &["expiry"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("utente_id"))
                .col(string("attore"))
                .col(string("azione"))
                .col(string("entita"))
                .col(string("entita_id"))
                .col(text_null("prima"))
                .col(text_null("dopo"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["entita", "entita_id"], false))
            .await?;
        m.create_index(index("audit_log", &["at"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "sessioni",
            "utenti_ruoli",
            "utenti",
            "amministratori",
            "persone",
            "organizzazioni",
            "confini",
            "comuni_zone_allerta",
            "zone_allerta",
            "comuni",
            "province",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
