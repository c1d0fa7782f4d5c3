//! Demo projects, written for the demo (not real projects): the portfolio as it stood in the
//! autumn of 2020, the year of the demo plan, so that the end of the X regional legislature
//! (21/09/2020, in Piano's demo calendar) puts some of them at risk. `Scale::Large` adds
//! thousands of generated projects and tens of thousands of milestones for the benchmarks.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use piazza_db::entities::{
    bando, obiettivo, organizzazione, persona, progetto, progetto_comune, progetto_continuita,
    progetto_partner, progetto_periodo, progetto_scadenza, progetto_staff, progetto_wp, programma,
    proposta,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use crate::demo::{DemoCtx, Scale};
use crate::error::{AppError, AppResult};
use crate::text::normalize;

/// The demo's "today" for states: what was done by then is done.
const RIFERIMENTO: (i32, u32, u32) = (2020, 9, 1);

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).expect("a valid demo date")
}

fn rif() -> NaiveDate {
    d(RIFERIMENTO.0, RIFERIMENTO.1, RIFERIMENTO.2)
}

/// People of the project office added by this step (categoria `staff`).
const UFFICIO: &[(&str, &str, &str)] = &[
    ("Valentina", "Rossetti", "Project manager, progetti europei"),
    ("Tommaso", "Conti", "Rendicontazione e controllo"),
    ("Irene", "Galletti", "Cooperazione internazionale"),
    (
        "Davide",
        "Fabbrini",
        "Progetti regionali e politiche sociali",
    ),
];

/// Partner organisations: name, kind, country.
const PARTNER: &[(&str, &str, &str)] = &[
    ("Collectivité de Corse", "partner", "FR"),
    ("Région Sud Provence-Alpes-Côte d'Azur", "regione", "FR"),
    ("Regione Autonoma della Sardegna", "regione", "IT"),
    ("Regione Liguria", "regione", "IT"),
    ("ANCI Liguria", "associazione", "IT"),
    ("ANCI Sardegna", "associazione", "IT"),
    (
        "Fédération Nationale des Villes Tunisiennes",
        "associazione",
        "TN",
    ),
    ("Municipalité de Sousse", "partner", "TN"),
    ("Municipality of Bethlehem", "partner", "PS"),
    ("Municipality of Heraklion", "partner", "GR"),
    ("Diputació de Barcelona", "partner", "ES"),
    ("Università di Firenze", "partner", "IT"),
    ("Università di Pisa", "partner", "IT"),
    ("Fondazione per la ricerca sociale (demo)", "partner", "IT"),
];

/// A demo project: code, acronym, title, programme code, role, start (y, m), months, total
/// budget and association's share in euro, co-financing %, comuni (ISTAT), partners (index in
/// `PARTNER`), state when it is not simply derived from the dates.
type P = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (i32, u32),
    u32,
    i64,
    i64,
    Option<i32>,
    &'static [&'static str],
    &'static [usize],
    Option<&'static str>,
);

const EUROPEI: &[P] = &[
    (
        "EU-2017-01",
        "MARE-SICURO",
        "Porti e coste più sicuri per chi vive il mare",
        "IT-FR-MARITTIMO-1420",
        "partner",
        (2017, 4),
        40,
        1_850_000,
        210_000,
        Some(85),
        &["049009", "049012", "049014"],
        &[0, 2, 3],
        None,
    ),
    (
        "EU-2017-02",
        "TUR-RETE",
        "Una rete tra gli ambiti turistici della costa toscana e della Corsica",
        "IT-FR-MARITTIMO-1420",
        "capofila",
        (2017, 10),
        38,
        1_420_000,
        380_000,
        Some(85),
        &["046033", "053009", "053018", "049014"],
        &[0, 1],
        None,
    ),
    (
        "EU-2018-01",
        "SPORTELLO+",
        "Sportelli unici per le imprese più semplici e digitali",
        "IT-FR-MARITTIMO-1420",
        "partner",
        (2018, 3),
        30,
        980_000,
        145_000,
        Some(85),
        &["048017", "100005", "050026"],
        &[1, 3, 4],
        None,
    ),
    (
        "EU-2018-02",
        "MED-INCLUDE",
        "Accoglienza e inclusione delle persone migranti nelle città del Mediterraneo",
        "ENI-CBC-MED",
        "partner",
        (2018, 9),
        30,
        2_300_000,
        190_000,
        Some(90),
        &["048017", "049009"],
        &[7, 9, 10],
        None,
    ),
    (
        "EU-2018-03",
        "COMUNI-UE",
        "Formazione dei funzionari comunali sulla progettazione europea",
        "ERASMUS+",
        "capofila",
        (2018, 11),
        24,
        260_000,
        140_000,
        Some(100),
        &["048017", "051002", "052032"],
        &[10, 11],
        None,
    ),
    (
        "EU-2019-01",
        "GIOVANI-CITTA",
        "Giovani amministratori e partecipazione nelle città europee",
        "EUROPA-CITTADINI",
        "capofila",
        (2019, 1),
        20,
        150_000,
        120_000,
        Some(100),
        &["048014", "047014"],
        &[9, 10],
        None,
    ),
    (
        "EU-2019-02",
        "ADRIA-SMART",
        "Servizi digitali comuni per i piccoli comuni",
        "INTERREG-EUROPE",
        "partner",
        (2019, 8),
        48,
        1_650_000,
        175_000,
        Some(85),
        &["046009", "051004"],
        &[10, 12],
        None,
    ),
    (
        "EU-2019-03",
        "MIGRA-LAVORO",
        "Orientamento al lavoro per cittadini di paesi terzi",
        "FAMI-1420",
        "capofila",
        (2019, 1),
        24,
        720_000,
        460_000,
        Some(100),
        &["048017", "100005", "050026", "049009"],
        &[11, 13],
        None,
    ),
    (
        "EU-2019-04",
        "CITTA-VIVA",
        "Rigenerare i centri storici minori con le comunità",
        "URBACT",
        "partner",
        (2019, 6),
        30,
        600_000,
        68_000,
        Some(70),
        &["050039", "052015"],
        &[10],
        None,
    ),
    (
        "EU-2019-05",
        "CLIMA-COMUNI",
        "Piani per l'adattamento climatico dei comuni costieri",
        "LIFE",
        "partner",
        (2019, 9),
        42,
        2_100_000,
        240_000,
        Some(60),
        &["053011", "053018", "049012"],
        &[1, 12],
        None,
    ),
    (
        "EU-2019-06",
        "SAFE-PORTS",
        "Sicurezza urbana integrata nelle città portuali",
        "IT-FR-MARITTIMO-1420",
        "partner",
        (2019, 4),
        18,
        880_000,
        95_000,
        Some(85),
        &["049009", "045003"],
        &[0, 3],
        None,
    ),
    (
        "EU-2018-04",
        "ARCH-MED",
        "Archivi digitali dei comuni del Mediterraneo",
        "ENI-CBC-MED",
        "partner",
        (2018, 1),
        34,
        1_200_000,
        110_000,
        Some(90),
        &["052032"],
        &[7, 10],
        None,
    ),
    (
        "EU-2020-01",
        "SALUTE-COMUNITA",
        "Comunità in salute: prevenzione e case della salute",
        "H2020",
        "partner",
        (2020, 1),
        36,
        3_400_000,
        260_000,
        Some(100),
        &["048017", "048043", "048041"],
        &[11, 12, 13],
        None,
    ),
    (
        "EU-2020-02",
        "SMART-AREE",
        "Aree interne intelligenti: servizi e connessioni",
        "INTERREG-EUROPE",
        "partner",
        (2020, 8),
        48,
        1_900_000,
        190_000,
        Some(85),
        &["051004", "046009", "052012"],
        &[10, 9],
        None,
    ),
    (
        "EU-2020-03",
        "TERRE-MEDIE",
        "Cooperazione decentrata con i comuni tunisini",
        "ENI-CBC-MED",
        "capofila",
        (2020, 2),
        30,
        1_300_000,
        520_000,
        Some(90),
        &["048017", "050026"],
        &[6, 7],
        None,
    ),
    (
        "EU-2020-04",
        "YOUTH-ACT",
        "Scambi di giovani volontari tra comuni europei",
        "ERASMUS+",
        "partner",
        (2020, 9),
        24,
        240_000,
        42_000,
        Some(100),
        &["100005"],
        &[9, 10],
        None,
    ),
    (
        "EU-2020-05",
        "DIGI-PA",
        "Competenze digitali per il personale dei comuni",
        "POR-FSE-1420",
        "capofila",
        (2019, 10),
        14,
        850_000,
        850_000,
        Some(100),
        &["048017", "100005", "047014", "048014"],
        &[],
        None,
    ),
    (
        "EU-2020-06",
        "IMPRESA-FACILE",
        "Semplificazione degli sportelli per le attività produttive",
        "POR-FESR-1420",
        "capofila",
        (2019, 3),
        20,
        640_000,
        640_000,
        Some(100),
        &["050029", "050008", "046007"],
        &[],
        None,
    ),
    (
        "EU-2020-07",
        "FORM-APPALTI",
        "Formazione su appalti e contratti pubblici",
        "POR-FSE-1420",
        "capofila",
        (2020, 3),
        18,
        420_000,
        420_000,
        Some(100),
        &["048017", "053011", "052032"],
        &[],
        None,
    ),
    (
        "EU-2021-01",
        "RIVE-BLU",
        "Gestione integrata delle coste e delle spiagge",
        "IT-FR-MARITTIMO-1420",
        "partner",
        (2021, 1),
        30,
        1_500_000,
        160_000,
        Some(85),
        &["046033", "053009"],
        &[0, 2],
        Some("presentato"),
    ),
    (
        "EU-2021-02",
        "CULTURA-IN-RETE",
        "Piani strategici della cultura per le città medie",
        "CERV",
        "capofila",
        (2021, 3),
        24,
        350_000,
        300_000,
        Some(90),
        &["051002", "046017", "047014"],
        &[10],
        Some("in_preparazione"),
    ),
    (
        "EU-2020-08",
        "DATA-COMUNI",
        "Open data e cruscotti per i consigli comunali",
        "H2020",
        "partner",
        (2020, 11),
        36,
        2_800_000,
        150_000,
        Some(100),
        &["048017"],
        &[11, 12],
        Some("respinto"),
    ),
    (
        "EU-2019-07",
        "CIVIC-LAB",
        "Laboratori di partecipazione civica nelle periferie",
        "EUROPA-CITTADINI",
        "partner",
        (2019, 9),
        18,
        140_000,
        30_000,
        Some(100),
        &["048006"],
        &[9],
        None,
    ),
];

const REGIONALI: &[P] = &[
    (
        "RT-2018-01",
        "OSS-SOCIALE",
        "Osservatorio sociale regionale: dati per le zone distretto",
        "RT-SOCIALE",
        "capofila",
        (2018, 1),
        36,
        540_000,
        540_000,
        None,
        &["048017", "100005", "050026", "046017", "051002"],
        &[],
        None,
    ),
    (
        "RT-2019-01",
        "BOTTEGHE-SALUTE",
        "Botteghe della salute nei piccoli comuni e in montagna",
        "RT-SOCIALE",
        "capofila",
        (2019, 1),
        24,
        780_000,
        780_000,
        None,
        &["046009", "051004", "052012", "050039"],
        &[],
        None,
    ),
    (
        "RT-2019-02",
        "SICUREZZA-URB",
        "Sicurezza urbana integrata: formazione della polizia locale",
        "RT-DGR",
        "capofila",
        (2019, 6),
        24,
        300_000,
        300_000,
        None,
        &["048017", "049009", "050026", "045010"],
        &[],
        None,
    ),
    (
        "RT-2019-03",
        "AMBITI-TUR",
        "Supporto agli ambiti turistici per la gestione associata",
        "RT-DGR",
        "capofila",
        (2019, 3),
        30,
        450_000,
        450_000,
        None,
        &["053009", "053018", "046033", "049014", "051017"],
        &[],
        None,
    ),
    (
        "RT-2019-04",
        "SUAP-TOSCANA",
        "Accompagnamento dei SUAP nella piattaforma regionale",
        "RT-DGR",
        "capofila",
        (2019, 9),
        18,
        260_000,
        260_000,
        None,
        &["050029", "050032", "048014"],
        &[],
        None,
    ),
    (
        "RT-2019-05",
        "AGENDA-DIGITALE",
        "Agenda digitale: identità e pagamenti nei comuni",
        "RT-DGR",
        "capofila",
        (2019, 1),
        24,
        620_000,
        620_000,
        None,
        &["048017", "100005", "047014", "046017", "052032"],
        &[],
        None,
    ),
    (
        "RT-2019-06",
        "ACCOGLIENZA-DIFFUSA",
        "Accoglienza diffusa e integrazione dei richiedenti asilo",
        "RT-SOCIALE",
        "capofila",
        (2019, 4),
        20,
        380_000,
        380_000,
        None,
        &["048017", "050026", "053011"],
        &[],
        None,
    ),
    (
        "RT-2019-07",
        "CULTURA-PIANI",
        "Piani strategici della cultura nelle città toscane",
        "RT-DGR",
        "capofila",
        (2019, 10),
        18,
        210_000,
        210_000,
        None,
        &["051002", "052032", "045010"],
        &[],
        None,
    ),
    (
        "RT-2019-08",
        "GIOCO-RESPONSABILE",
        "Prevenzione della dipendenza dal gioco d'azzardo",
        "RT-SOCIALE",
        "capofila",
        (2019, 2),
        24,
        350_000,
        350_000,
        None,
        &["048017", "100005", "049009", "050026", "046017", "047014"],
        &[],
        None,
    ),
    (
        "RT-2019-09",
        "PARTECIPA",
        "Processi partecipativi nei comuni medi",
        "RT-PARTECIPAZIONE",
        "capofila",
        (2019, 5),
        18,
        160_000,
        160_000,
        None,
        &["048043", "048041"],
        &[],
        None,
    ),
    (
        "RT-2019-10",
        "PALESTINA-COMUNI",
        "Cooperazione decentrata con i comuni palestinesi: acqua e servizi",
        "RT-COOP-INT",
        "capofila",
        (2019, 7),
        24,
        280_000,
        250_000,
        Some(90),
        &["048017", "052032"],
        &[8],
        None,
    ),
    (
        "RT-2019-11",
        "TUNISIA-LOCALE",
        "Cooperazione con i comuni tunisini sulla finanza locale",
        "RT-COOP-INT",
        "capofila",
        (2019, 11),
        24,
        230_000,
        200_000,
        Some(90),
        &["050026"],
        &[6, 7],
        None,
    ),
    (
        "RT-2020-01",
        "POLIZIA-LOCALE-2020",
        "Corsi regionali per la polizia locale",
        "RT-SICUREZZA",
        "capofila",
        (2020, 3),
        12,
        180_000,
        180_000,
        None,
        &["048017", "100005", "049009", "053011"],
        &[],
        None,
    ),
    (
        "RT-2020-02",
        "MONTAGNA-SERVIZI",
        "Servizi associati per i comuni montani",
        "RT-DGR",
        "capofila",
        (2020, 1),
        24,
        400_000,
        400_000,
        None,
        &["046009", "051004", "047002"],
        &[],
        None,
    ),
    (
        "RT-2020-03",
        "CIVILE-GIOVANI",
        "Servizio civile regionale nei comuni",
        "RT-DGR",
        "capofila",
        (2020, 1),
        12,
        520_000,
        520_000,
        None,
        &[
            "048017", "100005", "050026", "049009", "046017", "051002", "052032",
        ],
        &[],
        None,
    ),
    (
        "RT-2020-04",
        "ALLERTA-APP",
        "Diffusione dell'app di allerta ai cittadini",
        "RT-DGR",
        "capofila",
        (2020, 2),
        22,
        240_000,
        240_000,
        None,
        &["053011", "049009", "046033"],
        &[],
        None,
    ),
    (
        "RT-2020-05",
        "BILANCI-ARMONIZZATI",
        "Supporto ai piccoli comuni sui bilanci armonizzati",
        "RT-DGR",
        "capofila",
        (2020, 4),
        18,
        190_000,
        190_000,
        None,
        &["047002", "100003", "048033"],
        &[],
        None,
    ),
    (
        "RT-2020-06",
        "TRIBUTI-SMART",
        "Riscossione e recupero dei tributi in forma associata",
        "RT-DGR",
        "capofila",
        (2020, 5),
        12,
        150_000,
        150_000,
        None,
        &["051026", "053015"],
        &[],
        None,
    ),
    (
        "RT-2020-07",
        "CASE-SALUTE",
        "Case della salute: reti tra comuni e aziende sanitarie",
        "RT-SOCIALE",
        "partner",
        (2020, 1),
        30,
        900_000,
        180_000,
        None,
        &["048014", "050029"],
        &[13],
        None,
    ),
    (
        "RT-2020-08",
        "ANZIANI-RETE",
        "Reti di prossimità per gli anziani soli",
        "RT-SOCIALE",
        "capofila",
        (2020, 6),
        18,
        330_000,
        330_000,
        None,
        &["052022", "052012", "048006"],
        &[],
        None,
    ),
    (
        "RT-2020-09",
        "SCUOLE-SICURE",
        "Piani di emergenza nelle scuole comunali",
        "RT-DGR",
        "capofila",
        (2020, 9),
        15,
        200_000,
        200_000,
        None,
        &["045003", "045010"],
        &[],
        None,
    ),
    (
        "RT-2020-10",
        "PARTECIPA-2",
        "Bilanci partecipativi nei comuni toscani",
        "RT-PARTECIPAZIONE",
        "capofila",
        (2020, 10),
        12,
        120_000,
        120_000,
        None,
        &["048017", "050008"],
        &[],
        Some("approvato"),
    ),
    (
        "RT-2018-02",
        "SPORTELLI-LAVORO",
        "Sportelli comunali per l'orientamento al lavoro",
        "RT-DGR",
        "capofila",
        (2018, 6),
        24,
        310_000,
        310_000,
        None,
        &["100005", "047014"],
        &[],
        None,
    ),
    (
        "RT-2018-03",
        "TURISMO-DATI",
        "Osservatorio turistico di destinazione",
        "RT-DGR",
        "capofila",
        (2018, 9),
        24,
        180_000,
        180_000,
        None,
        &["053009", "051017"],
        &[],
        None,
    ),
    (
        "RT-2018-04",
        "INCLUSIONE-SCUOLA",
        "Mediazione culturale nelle scuole",
        "RT-SOCIALE",
        "partner",
        (2018, 9),
        24,
        420_000,
        90_000,
        None,
        &["048017", "100005"],
        &[13],
        None,
    ),
    (
        "RT-2019-12",
        "COMUNI-RICICLO",
        "Economia circolare nei piccoli comuni",
        "RT-DGR",
        "capofila",
        (2019, 12),
        12,
        140_000,
        140_000,
        None,
        &["046007", "050032"],
        &[],
        None,
    ),
    (
        "RT-2019-13",
        "SEGRETARI",
        "Supporto ai segretari comunali in convenzione",
        "RT-DGR",
        "capofila",
        (2019, 7),
        30,
        260_000,
        260_000,
        None,
        &["051026", "047002", "053015"],
        &[],
        None,
    ),
    (
        "RT-2020-11",
        "CITTADINANZA-DIGITALE",
        "Facilitatori digitali nelle biblioteche comunali",
        "RT-DGR",
        "capofila",
        (2020, 7),
        24,
        460_000,
        460_000,
        None,
        &["048017", "046017", "050026", "049009"],
        &[],
        None,
    ),
    (
        "RT-2020-12",
        "TERRITORI-FRAGILI",
        "Aree interne: piano di sviluppo locale",
        "RT-DGR",
        "partner",
        (2021, 1),
        24,
        600_000,
        120_000,
        None,
        &["046009", "051004"],
        &[],
        Some("presentato"),
    ),
    (
        "RT-2020-13",
        "DONNE-LAVORO",
        "Conciliazione vita e lavoro nei comuni",
        "RT-SOCIALE",
        "capofila",
        (2020, 2),
        20,
        250_000,
        250_000,
        None,
        &["048014", "048043"],
        &[],
        None,
    ),
    (
        "RT-2020-14",
        "VOLONTARIATO-PC",
        "Volontariato di protezione civile nei comuni",
        "RT-DGR",
        "capofila",
        (2020, 4),
        9,
        90_000,
        90_000,
        None,
        &["053011", "049012"],
        &[],
        None,
    ),
    (
        "RT-2020-15",
        "PNRR-PREPARA",
        "Preparare i comuni ai nuovi fondi europei 2021-2027",
        "RT-DGR",
        "capofila",
        (2020, 11),
        14,
        170_000,
        170_000,
        None,
        &["048017", "100005", "050026", "052032"],
        &[],
        Some("idea"),
    ),
];

/// A demo call: programme code, title, deadline (y, m, d), proposals (acronym, role, budget in
/// euro, outcome).
type Bando = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static [(&'static str, &'static str, i64, &'static str)],
);

/// The state on the reference date, from the dates.
fn stato_da_date(inizio: NaiveDate, fine: NaiveDate) -> &'static str {
    let r = rif();
    if fine < r.checked_sub_months(Months::new(6)).unwrap_or(r) {
        "rendicontato"
    } else if fine < r {
        "concluso"
    } else if inizio > r {
        "approvato"
    } else {
        "in_corso"
    }
}

fn mesi(da: NaiveDate, n: u32) -> NaiveDate {
    da.checked_add_months(Months::new(n)).unwrap_or(da)
}

/// The work plan of a project: work packages, milestones, deliverables, reporting periods.
async fn piano_di_lavoro(
    txn: &impl ConnectionTrait,
    p: &progetto::Model,
    europeo: bool,
    i: usize,
) -> AppResult<()> {
    let (Some(inizio), Some(fine)) = (p.data_inizio, p.data_fine) else {
        return Ok(());
    };
    let durata = ((fine.year() - inizio.year()) * 12 + fine.month() as i32 - inizio.month() as i32)
        .max(1) as u32;
    let r = rif();
    let titoli_wp = [
        "Gestione e coordinamento",
        "Attività pilota nei comuni",
        "Comunicazione e disseminazione",
        "Valutazione e sostenibilità",
    ];
    let n_wp = if europeo { 4 } else { 3 };
    let mut wp_ids = Vec::new();
    for (n, t) in titoli_wp.iter().take(n_wp).enumerate() {
        let w = progetto_wp::ActiveModel {
            progetto_id: Set(p.id),
            numero: Set(n as i32 + 1),
            titolo: Set((*t).into()),
            data_inizio: Set(Some(inizio)),
            data_fine: Set(Some(fine)),
            stato: Set(if fine < r {
                "completato"
            } else if inizio <= r {
                "in_corso"
            } else {
                "da_avviare"
            }
            .into()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        wp_ids.push(w.id);
    }
    let voci: [(&str, &str, &str, u32, usize); 7] = [
        (
            "milestone",
            "M1",
            "Avvio del progetto e riunione dei partner",
            1,
            0,
        ),
        (
            "deliverable",
            "D1.1",
            "Piano di gestione del progetto",
            3,
            0,
        ),
        ("deliverable", "D3.1", "Piano di comunicazione", 4, 2),
        (
            "milestone",
            "M2",
            "Verifica intermedia delle attività pilota",
            durata / 2,
            1,
        ),
        (
            "deliverable",
            "D2.1",
            "Rapporto sulle attività pilota",
            durata / 2 + 2,
            1,
        ),
        (
            "milestone",
            "M3",
            "Evento finale nei territori",
            durata.saturating_sub(1),
            2,
        ),
        (
            "deliverable",
            "D4.1",
            "Rapporto di valutazione finale",
            durata,
            3.min(n_wp - 1),
        ),
    ];
    for (k, (tipo, codice, titolo, dopo, wp)) in voci.iter().enumerate() {
        let scadenza = mesi(inizio, *dopo).min(fine);
        // Most past deadlines are met; every seventh is late.
        let fatta = scadenza < r && (i + k) % 7 != 3;
        progetto_scadenza::ActiveModel {
            progetto_id: Set(p.id),
            wp_id: Set(wp_ids.get(*wp).copied()),
            tipo: Set((*tipo).into()),
            codice: Set((*codice).into()),
            titolo: Set((*titolo).into()),
            scadenza: Set(scadenza),
            stato: Set(if fatta { "completata" } else { "prevista" }.into()),
            completata_il: Set(fatta.then_some(scadenza)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let passo = if europeo { 12 } else { 6 };
    let mut dal = inizio;
    let mut numero = 1;
    while dal <= fine {
        let al = mesi(dal, passo).pred_opt().unwrap_or(dal).min(fine);
        let scadenza = al.checked_add_days(chrono::Days::new(60)).unwrap_or(al);
        let giorni_tot = (fine - inizio).num_days().max(1);
        let quota = p.quota_associazione * ((al - dal).num_days() + 1) / giorni_tot;
        let (stato, richiesto, ricevuto) =
            if scadenza < r.checked_sub_months(Months::new(4)).unwrap_or(r) {
                ("liquidato", Some(quota), Some(quota * 95 / 100))
            } else if scadenza < r {
                ("presentato", Some(quota), None)
            } else {
                ("da_presentare", None, None)
            };
        progetto_periodo::ActiveModel {
            progetto_id: Set(p.id),
            numero: Set(numero),
            dal: Set(dal),
            al: Set(al),
            scadenza: Set(scadenza),
            richiesto: Set(richiesto),
            ricevuto: Set(ricevuto),
            stato: Set(stato.into()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        numero += 1;
        dal = al.succ_opt().unwrap_or(al);
        if al == fine {
            break;
        }
    }
    Ok(())
}

pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let now = Utc::now();
    let txn = c.db.begin().await?;
    let programmi: HashMap<String, programma::Model> = programma::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|g| (g.codice.clone(), g))
        .collect();
    let mut ufficio = Vec::new();
    for (nome, cognome, qualifica) in UFFICIO {
        let p = persona::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).into()),
            cognome: Set((*cognome).into()),
            nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
            categorie: Set("staff".into()),
            qualifica: Set(Some((*qualifica).into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        ufficio.push(p.id);
    }
    let mut staff: Vec<i64> = persona::Entity::find()
        .filter(persona::Column::Categorie.contains("staff"))
        .order_by_asc(persona::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    staff.retain(|id| !ufficio.contains(id));
    let mut partner_ids = Vec::new();
    for (nome, tipo, _) in PARTNER {
        let o = organizzazione::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).into()),
            nome_norm: Set(normalize(nome)),
            tipo: Set((*tipo).into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        partner_ids.push(o.id);
    }
    let mut creati: Vec<(progetto::Model, bool)> = Vec::new();
    for (europeo, elenco) in [(true, EUROPEI), (false, REGIONALI)] {
        for (
            i,
            (
                codice,
                acronimo,
                titolo,
                prog,
                ruolo,
                (y, m),
                durata,
                budget,
                quota,
                cofin,
                comuni,
                partner,
                stato,
            ),
        ) in elenco.iter().enumerate()
        {
            let g = programmi
                .get(*prog)
                .ok_or_else(|| AppError::Internal(format!("programma demo {prog} mancante")))?;
            let inizio = d(*y, *m, 1);
            let fine = mesi(inizio, *durata).pred_opt().expect("a day");
            let stato = stato.unwrap_or_else(|| stato_da_date(inizio, fine));
            let tipo = match g.tipo.as_str() {
                "europeo" => "europeo",
                "nazionale" => "nazionale",
                _ => "regionale",
            };
            let responsabile = ufficio[(i + usize::from(!europeo) * 3) % ufficio.len()];
            let p = progetto::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                codice: Set((*codice).into()),
                acronimo: Set((*acronimo).into()),
                titolo_norm: Set(normalize(titolo)),
                titolo: Set((*titolo).into()),
                descrizione: Set(Some(format!(
                    "{titolo}. Progetto dimostrativo {} sul programma {}.",
                    if *ruolo == "capofila" {
                        "guidato dall'associazione"
                    } else {
                        "con l'associazione tra i partner"
                    },
                    g.nome
                ))),
                tipo: Set(tipo.into()),
                programma_id: Set(g.id),
                bando_rif: Set(Some(format!("Avviso {}/{}", i % 4 + 1, y - 1))),
                ruolo: Set((*ruolo).into()),
                data_inizio: Set(Some(inizio)),
                data_fine: Set(Some(fine)),
                stato: Set(stato.into()),
                budget_totale: Set(budget * 100),
                quota_associazione: Set(quota * 100),
                cofinanziamento_bp: Set(cofin.map(|c| c * 100)),
                // EU projects co-financed by the Region for the national share.
                dipende_regione: Set(europeo && i % 6 == 5),
                responsabile_id: Set(Some(responsabile)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let t = c.territorio;
            for istat in *comuni {
                let cm = t
                    .comune(istat)
                    .ok_or_else(|| AppError::Internal(format!("comune demo {istat} mancante")))?;
                progetto_comune::ActiveModel {
                    progetto_id: Set(p.id),
                    comune_id: Set(cm.id),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            let n_partner = partner.len() as i64 + 1;
            for k in *partner {
                progetto_partner::ActiveModel {
                    progetto_id: Set(p.id),
                    organizzazione_id: Set(partner_ids[*k]),
                    paese: Set(PARTNER[*k].2.into()),
                    ruolo: Set(if *ruolo == "partner" && k == &partner[0] {
                        "capofila"
                    } else {
                        "partner"
                    }
                    .into()),
                    quota: Set((budget - quota) * 100 / n_partner),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            progetto_staff::ActiveModel {
                progetto_id: Set(p.id),
                persona_id: Set(responsabile),
                ruolo: Set(Some("Responsabile di progetto".into())),
                mesi_persona: Set(f64::from(*durata) / 4.0),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let aiuto = ufficio[(i + 1) % ufficio.len()];
            if aiuto != responsabile {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(aiuto),
                    ruolo: Set(Some("Rendicontazione".into())),
                    mesi_persona: Set(f64::from(*durata) / 8.0),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            if let Some(s) = staff.get(i % staff.len().max(1)).filter(|_| i % 3 == 0) {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(*s),
                    ruolo: Set(Some("Supporto tematico".into())),
                    mesi_persona: Set(2.0),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            if !matches!(
                stato,
                "idea" | "in_preparazione" | "presentato" | "respinto"
            ) {
                piano_di_lavoro(&txn, &p, europeo, i).await?;
            }
            creati.push((p, europeo));
        }
    }
    // Continuity plans for some projects that the end of the legislature puts at risk.
    let azioni = [
        "Chiedere alla nuova Giunta la conferma del finanziamento nel primo bilancio",
        "Inserire il progetto nel manifesto dei comuni per i candidati",
        "Preparare una scheda sui risultati per il nuovo assessore",
        "Concordare con gli uffici regionali la proroga delle attività",
    ];
    let mut piani = 0;
    for (p, europeo) in &creati {
        let fine = p.data_fine.expect("demo dates");
        let attraversa =
            p.data_inizio.is_some_and(|i| i <= d(2020, 9, 21)) && fine > d(2020, 9, 21);
        if !*europeo
            && attraversa
            && matches!(p.stato.as_str(), "in_corso" | "approvato")
            && piani < 8
        {
            for k in 0..=(piani % 2) {
                progetto_continuita::ActiveModel {
                    progetto_id: Set(p.id),
                    azione: Set(azioni[(piani + k) % azioni.len()].into()),
                    responsabile_id: Set(Some(ufficio[(piani + k) % ufficio.len()])),
                    data: Set(d(2020, 7 + (piani % 3) as u32, 15)),
                    fatta: Set(piani % 3 == 0 && k == 0),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            piani += 1;
        }
    }
    // Calls and the proposals prepared for them.
    let bandi: &[Bando] = &[
        (
            "IT-FR-MARITTIMO-1420",
            "Quarto avviso per progetti semplici",
            (2018, 1, 31),
            &[
                ("SAFE-PORTS", "partner", 880_000, "approvata"),
                ("MARE-CALMO", "capofila", 1_100_000, "respinta"),
            ],
        ),
        (
            "IT-FR-MARITTIMO-1420",
            "Quinto avviso: progetti strategici",
            (2020, 6, 30),
            &[("RIVE-BLU", "partner", 1_500_000, "presentata")],
        ),
        (
            "ENI-CBC-MED",
            "Secondo bando per progetti standard",
            (2019, 5, 15),
            &[
                ("TERRE-MEDIE", "capofila", 1_300_000, "approvata"),
                ("MED-ACQUA", "partner", 2_000_000, "respinta"),
                ("MED-LAVORO", "partner", 1_700_000, "respinta"),
            ],
        ),
        (
            "ERASMUS+",
            "Call 2018 — Partenariati strategici",
            (2018, 3, 21),
            &[("COMUNI-UE", "capofila", 260_000, "approvata")],
        ),
        (
            "ERASMUS+",
            "Call 2020 — Mobilità dei giovani",
            (2020, 2, 5),
            &[
                ("YOUTH-ACT", "partner", 240_000, "approvata"),
                ("YOUTH-MED", "capofila", 300_000, "respinta"),
            ],
        ),
        (
            "H2020",
            "SC6 — Società inclusive e riflessive",
            (2019, 3, 14),
            &[
                ("SALUTE-COMUNITA", "partner", 3_400_000, "approvata"),
                ("DATA-COMUNI", "partner", 2_800_000, "respinta"),
            ],
        ),
        (
            "CERV",
            "Partecipazione democratica dei cittadini",
            (2021, 4, 20),
            &[("CULTURA-IN-RETE", "capofila", 350_000, "in_preparazione")],
        ),
        (
            "RT-PARTECIPAZIONE",
            "Contributi ai processi partecipativi 2020",
            (2020, 9, 30),
            &[("PARTECIPA-2", "capofila", 120_000, "approvata")],
        ),
    ];
    let per_acronimo: HashMap<&str, i64> = creati
        .iter()
        .map(|(p, _)| (p.acronimo.as_str(), p.id))
        .collect();
    let mut n_proposte = 0;
    for (i, (prog, titolo, (y, m, g), proposte)) in bandi.iter().enumerate() {
        let b = bando::ActiveModel {
            programma_id: Set(programmi[*prog].id),
            titolo: Set((*titolo).into()),
            riferimento: Set(Some(format!("Avviso n. {}", i + 1))),
            scadenza: Set(d(*y, *m, *g)),
            url: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (acronimo, ruolo, budget, esito) in *proposte {
            proposta::ActiveModel {
                bando_id: Set(b.id),
                titolo: Set((*acronimo).into()),
                ruolo: Set((*ruolo).into()),
                budget: Set(budget * 100),
                esito: Set((*esito).into()),
                data_esito: Set(
                    matches!(*esito, "approvata" | "respinta").then(|| mesi(d(*y, *m, *g), 5))
                ),
                progetto_id: Set(per_acronimo.get(acronimo).copied()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            n_proposte += 1;
        }
    }
    txn.commit().await?;
    // Links to the objectives of the demo plan (made through Piano, audited there).
    let collegamenti: &[(&str, &[&str])] = &[
        (
            "Presentare nuove proposte",
            &["TERRE-MEDIE", "SALUTE-COMUNITA", "RIVE-BLU"],
        ),
        (
            "Proseguire i progetti con la Regione",
            &["OSS-SOCIALE", "BOTTEGHE-SALUTE", "GIOCO-RESPONSABILE"],
        ),
        (
            "supporto ai comuni sul turismo",
            &["AMBITI-TUR", "TUR-RETE"],
        ),
        ("Far conoscere l'app di allerta", &["ALLERTA-APP"]),
    ];
    for (frammento, acronimi) in collegamenti {
        let Some(o) = obiettivo::Entity::find()
            .filter(obiettivo::Column::Titolo.contains(*frammento))
            .one(c.db)
            .await?
        else {
            continue;
        };
        for a in *acronimi {
            if let Some((p, _)) = creati.iter().find(|(p, _)| p.acronimo == *a) {
                crate::piano::store::collega(c.db, &c.actor, &o, "progetto", &p.public_id).await?;
            }
        }
    }
    let n_eu = EUROPEI.len();
    let n_rt = REGIONALI.len();
    let mut riga = format!(
        "{n_eu} progetti europei e {n_rt} regionali, {} bandi con {n_proposte} proposte",
        bandi.len()
    );
    if c.scale == Scale::Large {
        let (n, m) = genera(c).await?;
        riga.push_str(&format!(
            "; {n} progetti e {m} scadenze generati per i test di carico"
        ));
    }
    Ok(riga)
}

/// Volume for the benchmarks: 5,000 projects with 10 milestones/deliverables each, spread over
/// 2015–2030, 1–3 comuni each.
async fn genera(c: &DemoCtx<'_>) -> AppResult<(usize, usize)> {
    const N: usize = 5_000;
    const PER_PROGETTO: usize = 10;
    let now = Utc::now();
    let programmi: Vec<programma::Model> = programma::Entity::find().all(c.db).await?;
    let comuni: Vec<i64> = c.territorio.comuni.iter().map(|x| x.id).collect();
    let stati = [
        "in_corso",
        "approvato",
        "concluso",
        "rendicontato",
        "presentato",
        "chiuso",
    ];
    let txn = c.db.begin().await?;
    let mut batch = Vec::new();
    for i in 0..N {
        let g = &programmi[i % programmi.len()];
        let inizio = d(2015 + (i % 16) as i32, (i % 12) as u32 + 1, 1);
        let fine = mesi(inizio, 12 + (i % 37) as u32);
        batch.push(progetto::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            codice: Set(format!("GEN-{i:05}")),
            acronimo: Set(format!("GEN{i}")),
            titolo: Set(format!("Progetto generato numero {i}")),
            titolo_norm: Set(format!("progetto generato numero {i}")),
            descrizione: Set(None),
            tipo: Set(g.tipo.clone()),
            programma_id: Set(g.id),
            bando_rif: Set(None),
            ruolo: Set(if i % 3 == 0 { "capofila" } else { "partner" }.into()),
            data_inizio: Set(Some(inizio)),
            data_fine: Set(Some(fine)),
            stato: Set(stati[i % stati.len()].into()),
            budget_totale: Set(((i % 50) as i64 + 1) * 10_000_000),
            quota_associazione: Set(((i % 50) as i64 + 1) * 1_500_000),
            cofinanziamento_bp: Set(Some(8500)),
            dipende_regione: Set(i % 5 == 0),
            responsabile_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        if batch.len() == 500 {
            progetto::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if !batch.is_empty() {
        progetto::Entity::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
    }
    let generati = progetto::Entity::find()
        .filter(progetto::Column::Codice.starts_with("GEN-"))
        .all(&txn)
        .await?;
    let mut scadenze = Vec::new();
    let mut legami = Vec::new();
    let mut m = 0;
    for (i, p) in generati.iter().enumerate() {
        let inizio = p.data_inizio.expect("generated dates");
        let fine = p.data_fine.expect("generated dates");
        let giorni = (fine - inizio).num_days().max(1);
        for k in 0..PER_PROGETTO {
            let data =
                inizio + chrono::Duration::days(giorni * (k as i64 + 1) / PER_PROGETTO as i64);
            scadenze.push(progetto_scadenza::ActiveModel {
                progetto_id: Set(p.id),
                wp_id: Set(None),
                tipo: Set(if k % 2 == 0 {
                    "milestone"
                } else {
                    "deliverable"
                }
                .into()),
                codice: Set(format!("{}{}", if k % 2 == 0 { "M" } else { "D" }, k + 1)),
                titolo: Set(format!("Scadenza {}", k + 1)),
                scadenza: Set(data),
                stato: Set("prevista".into()),
                completata_il: Set(None),
                ..Default::default()
            });
            m += 1;
        }
        for k in 0..(1 + i % 3) {
            legami.push(progetto_comune::ActiveModel {
                progetto_id: Set(p.id),
                comune_id: Set(comuni[(i * 7 + k * 31) % comuni.len()]),
                ..Default::default()
            });
        }
        if scadenze.len() >= 1_000 {
            progetto_scadenza::Entity::insert_many(std::mem::take(&mut scadenze))
                .exec_without_returning(&txn)
                .await?;
        }
        if legami.len() >= 1_000 {
            progetto_comune::Entity::insert_many(std::mem::take(&mut legami))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if !scadenze.is_empty() {
        progetto_scadenza::Entity::insert_many(scadenze)
            .exec_without_returning(&txn)
            .await?;
    }
    if !legami.is_empty() {
        progetto_comune::Entity::insert_many(legami)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok((generati.len(), m))
}
