//! Progetti: the catalogue of programmes and funds, projects with their comuni, staff, partners,
//! work plan (work packages, milestones and deliverables, reporting periods) and continuity plans,
//! calls with the proposals prepared for them, and the tokens of the calendar feeds.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The catalogue every installation starts with: code, name, kind, fund, and whether it is
/// regional money that the next legislature has to renew.
const PROGRAMMI: &[(&str, &str, &str, &str, bool)] = &[
    (
        "POR-FSE-1420",
        "POR FSE Toscana 2014-2020",
        "europeo",
        "FSE",
        false,
    ),
    (
        "POR-FESR-1420",
        "POR FESR Toscana 2014-2020",
        "europeo",
        "FESR",
        false,
    ),
    (
        "PR-FSE+-2127",
        "PR FSE+ Toscana 2021-2027",
        "europeo",
        "FSE+",
        false,
    ),
    (
        "PR-FESR-2127",
        "PR FESR Toscana 2021-2027",
        "europeo",
        "FESR",
        false,
    ),
    (
        "PSR-FEASR-1422",
        "PSR FEASR Toscana 2014-2022",
        "europeo",
        "FEASR",
        false,
    ),
    (
        "IT-FR-MARITTIMO-1420",
        "Interreg V-A Italia-Francia Marittimo 2014-2020",
        "europeo",
        "FESR (CTE)",
        false,
    ),
    (
        "IT-FR-MARITTIMO-2127",
        "Interreg VI-A Italia-Francia Marittimo 2021-2027",
        "europeo",
        "FESR (CTE)",
        false,
    ),
    (
        "ENI-CBC-MED",
        "ENI CBC Mediterranean Sea Basin 2014-2020",
        "europeo",
        "ENI",
        false,
    ),
    (
        "INTERREG-NEXT-MED",
        "Interreg NEXT MED 2021-2027",
        "europeo",
        "FESR/NDICI",
        false,
    ),
    (
        "INTERREG-EUROPE",
        "Interreg Europe",
        "europeo",
        "FESR (CTE)",
        false,
    ),
    ("URBACT", "URBACT", "europeo", "FESR (CTE)", false),
    ("ERASMUS+", "Erasmus+", "europeo", "Erasmus+", false),
    ("H2020", "Horizon 2020", "europeo", "Horizon 2020", false),
    (
        "HORIZON-EUROPE",
        "Horizon Europe",
        "europeo",
        "Horizon Europe",
        false,
    ),
    ("LIFE", "Programma LIFE", "europeo", "LIFE", false),
    (
        "EUROPA-CITTADINI",
        "Europa per i cittadini 2014-2020",
        "europeo",
        "Europa per i cittadini",
        false,
    ),
    (
        "CERV",
        "Cittadini, uguaglianza, diritti e valori (CERV)",
        "europeo",
        "CERV",
        false,
    ),
    (
        "FAMI-1420",
        "FAMI - Fondo Asilo, Migrazione e Integrazione 2014-2020",
        "europeo",
        "AMIF",
        false,
    ),
    (
        "FAMI-2127",
        "FAMI - Fondo Asilo, Migrazione e Integrazione 2021-2027",
        "europeo",
        "AMIF",
        false,
    ),
    (
        "PON-GOV-1420",
        "PON Governance e capacità istituzionale 2014-2020",
        "nazionale",
        "FSE/FESR",
        false,
    ),
    (
        "PNRR",
        "Piano nazionale di ripresa e resilienza",
        "nazionale",
        "NextGenerationEU",
        false,
    ),
    (
        "AICS",
        "Agenzia italiana per la cooperazione allo sviluppo",
        "nazionale",
        "Cooperazione allo sviluppo",
        false,
    ),
    (
        "RT-DGR",
        "Regione Toscana - delibere della Giunta regionale",
        "regionale",
        "Bilancio regionale",
        true,
    ),
    (
        "RT-COOP-INT",
        "Regione Toscana - cooperazione internazionale (L.R. 26/2009)",
        "regionale",
        "Bilancio regionale",
        true,
    ),
    (
        "RT-PARTECIPAZIONE",
        "Regione Toscana - Autorità per la partecipazione (L.R. 46/2013)",
        "regionale",
        "Bilancio regionale",
        true,
    ),
    (
        "RT-SICUREZZA",
        "Regione Toscana - sicurezza urbana integrata (L.R. 11/2020)",
        "regionale",
        "Bilancio regionale",
        true,
    ),
    (
        "RT-SOCIALE",
        "Regione Toscana - fondo sociale regionale",
        "regionale",
        "Bilancio regionale",
        true,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programmi")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice"))
                .col(string("nome"))
                .col(string("tipo"))
                .col(string_null("fondo"))
                .col(boolean("rinnovo_regionale"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert();
        insert.into_table("programmi").columns([
            "codice",
            "nome",
            "tipo",
            "fondo",
            "rinnovo_regionale",
            "created_at",
        ]);
        let now = chrono::Utc::now();
        for (codice, nome, tipo, fondo, regionale) in PROGRAMMI {
            insert.values_panic([
                (*codice).into(),
                (*nome).into(),
                (*tipo).into(),
                (*fondo).into(),
                (*regionale).into(),
                now.into(),
            ]);
        }
        m.exec_stmt(insert).await?;

        m.create_table(
            Table::create()
                .table("progetti")
                .col(big_pk_auto("id"))
                .col(string_uniq("public_id"))
                .col(string_uniq("codice"))
                .col(string("acronimo"))
                .col(text("titolo"))
                .col(text("titolo_norm"))
                .col(text_null("descrizione"))
                .col(string("tipo"))
                .col(big_integer("programma_id"))
                .col(string_null("bando_rif"))
                .col(string("ruolo"))
                .col(date_null("data_inizio"))
                .col(date_null("data_fine"))
                .col(string("stato"))
                .col(big_integer("budget_totale"))
                .col(big_integer("quota_associazione"))
                .col(integer_null("cofinanziamento_bp"))
                .col(boolean("dipende_regione"))
                .col(big_integer_null("responsabile_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "progetti",
                    "programma_id",
                    "programmi",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "progetti",
                    "responsabile_id",
                    "persone",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        for cols in [
            &["programma_id"][..],
            &["stato"],
            &["data_inizio", "data_fine"],
            &["data_fine"],
            &["responsabile_id"],
        ] {
            m.create_index(index("progetti", cols, false)).await?;
        }

        m.create_table(
            Table::create()
                .table("progetto_comuni")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(big_integer("comune_id"))
                .foreign_key(&mut fk(
                    "progetto_comuni",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "progetto_comuni",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "progetto_comuni",
            &["progetto_id", "comune_id"],
            true,
        ))
        .await?;
        m.create_index(index("progetto_comuni", &["comune_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_staff")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(big_integer("persona_id"))
                .col(string_null("ruolo"))
                .col(double("mesi_persona"))
                .foreign_key(&mut fk(
                    "progetto_staff",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "progetto_staff",
                    "persona_id",
                    "persone",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "progetto_staff",
            &["progetto_id", "persona_id"],
            true,
        ))
        .await?;
        m.create_index(index("progetto_staff", &["persona_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_partner")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(big_integer("organizzazione_id"))
                .col(string("paese"))
                .col(string("ruolo"))
                .col(big_integer("quota"))
                .foreign_key(&mut fk(
                    "progetto_partner",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "progetto_partner",
                    "organizzazione_id",
                    "organizzazioni",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "progetto_partner",
            &["progetto_id", "organizzazione_id"],
            true,
        ))
        .await?;
        m.create_index(index("progetto_partner", &["organizzazione_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_wp")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(integer("numero"))
                .col(string("titolo"))
                .col(date_null("data_inizio"))
                .col(date_null("data_fine"))
                .col(string("stato"))
                .foreign_key(&mut fk(
                    "progetto_wp",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("progetto_wp", &["progetto_id", "numero"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_scadenze")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(big_integer_null("wp_id"))
                .col(string("tipo"))
                .col(string("codice"))
                .col(string("titolo"))
                .col(date("scadenza"))
                .col(string("stato"))
                .col(date_null("completata_il"))
                .foreign_key(&mut fk(
                    "progetto_scadenze",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "progetto_scadenze",
                    "wp_id",
                    "progetto_wp",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "progetto_scadenze",
            &["progetto_id", "scadenza"],
            false,
        ))
        .await?;
        m.create_index(index("progetto_scadenze", &["scadenza"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_periodi")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(integer("numero"))
                .col(date("dal"))
                .col(date("al"))
                .col(date("scadenza"))
                .col(big_integer_null("richiesto"))
                .col(big_integer_null("ricevuto"))
                .col(string("stato"))
                .foreign_key(&mut fk(
                    "progetto_periodi",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("progetto_periodi", &["progetto_id", "numero"], true))
            .await?;
        m.create_index(index("progetto_periodi", &["scadenza"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("progetto_continuita")
                .col(big_pk_auto("id"))
                .col(big_integer("progetto_id"))
                .col(text("azione"))
                .col(big_integer_null("responsabile_id"))
                .col(date("data"))
                .col(boolean("fatta"))
                .foreign_key(&mut fk(
                    "progetto_continuita",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "progetto_continuita",
                    "responsabile_id",
                    "persone",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("progetto_continuita", &["progetto_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("bandi")
                .col(big_pk_auto("id"))
                .col(big_integer("programma_id"))
                .col(string("titolo"))
                .col(string_null("riferimento"))
                .col(date("scadenza"))
                .col(string_null("url"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "bandi",
                    "programma_id",
                    "programmi",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("bandi", &["scadenza"], false)).await?;

        m.create_table(
            Table::create()
                .table("proposte")
                .col(big_pk_auto("id"))
                .col(big_integer("bando_id"))
                .col(string("titolo"))
                .col(string("ruolo"))
                .col(big_integer("budget"))
                .col(string("esito"))
                .col(date_null("data_esito"))
                .col(big_integer_null("progetto_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "proposte",
                    "bando_id",
                    "bandi",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "proposte",
                    "progetto_id",
                    "progetti",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("proposte", &["bando_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("token_calendario")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("utente_id"))
                .col(string_uniq("token"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "token_calendario",
                    "utente_id",
                    "utenti",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "token_calendario",
            "proposte",
            "bandi",
            "progetto_continuita",
            "progetto_periodi",
            "progetto_scadenze",
            "progetto_wp",
            "progetto_partner",
            "progetto_staff",
            "progetto_comuni",
            "progetti",
            "programmi",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
