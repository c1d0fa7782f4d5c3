//! Demo data. Each module adds its own step to [`STEPS`]; `piazza demo` runs them in order on an
//! empty database. `Scale::Large` makes volume for load tests.

use std::future::Future;
use std::pin::Pin;

use piazza_db::entities::utente;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::error::AppResult;

pub use crate::kit::demo::{DemoCtx, Scale};

type StepFuture<'a> = Pin<Box<dyn Future<Output = AppResult<String>> + Send + 'a>>;

/// A step of the demo loader: its name and what it does; returns a line for the console.
pub struct Step {
    pub nome: &'static str,
    pub run: for<'a> fn(&'a DemoCtx<'a>) -> StepFuture<'a>,
}

pub const STEPS: &[Step] = &[
    Step {
        nome: "utenti",
        run: |c| Box::pin(crate::auth::demo::carica(c)),
    },
    Step {
        nome: "anagrafica",
        run: |c| Box::pin(crate::anagrafica::demo::carica(c)),
    },
    Step {
        nome: "piano",
        run: |c| Box::pin(piano(c)),
    },
    Step {
        nome: "progetti",
        run: |c| Box::pin(crate::progetti::demo::carica(c)),
    },
    Step {
        nome: "allerte",
        run: |c| Box::pin(crate::allerte::demo::carica(c)),
    },
];

/// The demo logins, printed by `piazza demo`.
pub use crate::auth::demo::{DEMO_PASSWORD, DEMO_USERS};

/// True when no user exists yet (the demo is loaded only then).
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(utente::Entity::find().count(db).await? == 0)
}

pub async fn load(ctx: &DemoCtx<'_>) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for s in STEPS {
        let line = (s.run)(ctx).await?;
        out.push(format!("{}: {line}", s.nome));
    }
    Ok(out)
}

/// The demo plan: the topics of the association's 2020 plan, written for the demo.
const PIANO_2020: &str = "\
# Piano di attività 2020

## ● Rappresentanza

### Obiettivi

- Preparare con i settori il documento dei comuni per la programmazione europea 2021-2027 della Regione;
- Seguire le leggi regionali che toccano i comuni e portarvi le loro proposte;
- Proporre con le province una riforma del Consiglio delle autonomie locali;
- Scrivere il manifesto dei comuni per i candidati alle elezioni regionali.

## ● Progetti europei

### Obiettivi

- Portare l'esperienza dei progetti in corso nel documento per i nuovi programmi operativi;
- Presentare nuove proposte e seguire bene i progetti avviati;
- Aiutare i comuni a cercare fondi europei lavorando in rete.

## ● Progetti regionali

### Obiettivi

- Proseguire i progetti con la Regione e approvarne di nuovi prima della fine della legislatura;
- Difendere la continuità dei progetti nel manifesto per le elezioni regionali.

## ● Servizi ai comuni

### Obiettivi

- Potenziare il catalogo dei servizi;
- Bandire gli accordi quadro per la gestione di strutture e il recupero dei tributi;
- Affiancare i comuni che gestiscono funzioni in forma associata;
- Continuare il supporto ai comuni sul turismo;
- Più servizi per i piccoli comuni e le aree di montagna;
- Più supporto ai comuni per il servizio civile;
- Far conoscere l'app di allerta Cittadino Informato.

## ● Incontri sul territorio

### Obiettivi

- Approvare nei primi mesi il programma dell'evento annuale;
- Coinvolgere più amministratori negli incontri;
- Portare presidente e direttivo nei territori.

## ● Scuola di formazione

### Obiettivi

- Avviare le attività della gara regionale per la formazione;
- Ampliare il catalogo dei corsi;
- Continuare la formazione per giovani e nuovi amministratori.
";

/// How each demo objective stands: a fragment of its title, state, progress source, manual %,
/// weight, public, due date (d, m, y), owner (index in `PERSONE`), sector.
type ObiettivoDemo = (
    &'static str,
    &'static str,
    &'static str,
    Option<i32>,
    i32,
    bool,
    (u32, u32, i32),
    Option<usize>,
    &'static str,
);

const OBIETTIVI_2020: &[ObiettivoDemo] = &[
    (
        "documento dei comuni per la programmazione",
        "completato",
        "stato",
        None,
        3,
        true,
        (28, 2, 2020),
        Some(1),
        "Rappresentanza istituzionale",
    ),
    (
        "Seguire le leggi regionali",
        "in_corso",
        "manuale",
        Some(70),
        2,
        true,
        (31, 12, 2020),
        Some(1),
        "Rappresentanza istituzionale",
    ),
    (
        "riforma del Consiglio delle autonomie",
        "sospeso",
        "manuale",
        Some(30),
        1,
        true,
        (31, 7, 2020),
        Some(1),
        "Rappresentanza istituzionale",
    ),
    (
        "manifesto dei comuni per i candidati",
        "completato",
        "stato",
        None,
        2,
        true,
        (31, 7, 2020),
        Some(1),
        "Rappresentanza istituzionale",
    ),
    (
        "Portare l'esperienza dei progetti",
        "completato",
        "stato",
        None,
        1,
        true,
        (30, 4, 2020),
        Some(0),
        "Ufficio progetti europei",
    ),
    (
        "Presentare nuove proposte",
        "in_corso",
        "indicatori",
        None,
        3,
        true,
        (31, 12, 2020),
        Some(0),
        "Ufficio progetti europei",
    ),
    (
        "cercare fondi europei",
        "in_corso",
        "manuale",
        Some(40),
        1,
        true,
        (30, 11, 2020),
        Some(8),
        "Ufficio progetti europei",
    ),
    (
        "Proseguire i progetti con la Regione",
        "in_corso",
        "manuale",
        Some(55),
        3,
        true,
        (31, 10, 2020),
        Some(0),
        "Progetti regionali",
    ),
    (
        "continuità dei progetti nel manifesto",
        "completato",
        "stato",
        None,
        1,
        true,
        (31, 7, 2020),
        Some(1),
        "Progetti regionali",
    ),
    (
        "Potenziare il catalogo dei servizi",
        "in_corso",
        "indicatori",
        None,
        2,
        true,
        (31, 12, 2020),
        Some(4),
        "Servizi ai comuni",
    ),
    (
        "accordi quadro",
        "in_corso",
        "manuale",
        Some(50),
        2,
        false,
        (30, 9, 2020),
        Some(4),
        "Servizi ai comuni",
    ),
    (
        "forma associata",
        "in_corso",
        "manuale",
        Some(35),
        1,
        true,
        (31, 12, 2020),
        None,
        "Servizi ai comuni",
    ),
    (
        "supporto ai comuni sul turismo",
        "in_corso",
        "manuale",
        Some(60),
        1,
        true,
        (30, 11, 2020),
        None,
        "Servizi ai comuni",
    ),
    (
        "piccoli comuni e le aree di montagna",
        "non_avviato",
        "stato",
        None,
        2,
        true,
        (15, 12, 2020),
        None,
        "Servizi ai comuni",
    ),
    (
        "servizio civile",
        "in_corso",
        "indicatori",
        None,
        1,
        true,
        (31, 12, 2020),
        Some(6),
        "Servizio civile",
    ),
    (
        "app di allerta Cittadino Informato",
        "in_corso",
        "indicatori",
        None,
        2,
        true,
        (31, 12, 2020),
        Some(3),
        "Protezione civile",
    ),
    (
        "programma dell'evento annuale",
        "completato",
        "stato",
        None,
        1,
        true,
        (31, 3, 2020),
        Some(1),
        "Eventi e comunicazione",
    ),
    (
        "Coinvolgere più amministratori",
        "in_corso",
        "indicatori",
        None,
        2,
        true,
        (15, 12, 2020),
        Some(1),
        "Eventi e comunicazione",
    ),
    (
        "presidente e direttivo nei territori",
        "annullato",
        "stato",
        None,
        1,
        true,
        (30, 6, 2020),
        Some(1),
        "Eventi e comunicazione",
    ),
    (
        "gara regionale per la formazione",
        "in_corso",
        "manuale",
        Some(25),
        2,
        false,
        (31, 1, 2021),
        Some(2),
        "Scuola di formazione",
    ),
    (
        "Ampliare il catalogo dei corsi",
        "in_corso",
        "indicatori",
        None,
        2,
        true,
        (31, 12, 2020),
        Some(2),
        "Scuola di formazione",
    ),
    (
        "giovani e nuovi amministratori",
        "in_corso",
        "manuale",
        Some(45),
        1,
        true,
        (30, 11, 2020),
        Some(2),
        "Scuola di formazione",
    ),
];

/// Indicators: objective fragment, name, unit, direction, baseline, target, measurements (d, m, value).
type IndicatoreDemo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static [(u32, u32, f64)],
);

const INDICATORI_2020: &[IndicatoreDemo] = &[
    (
        "app di allerta",
        "Comuni che adottano l'app di allerta",
        "comuni",
        "crescente",
        145.0,
        180.0,
        &[
            (31, 3, 149.0),
            (30, 6, 157.0),
            (30, 9, 166.0),
            (15, 12, 171.0),
        ],
    ),
    (
        "app di allerta",
        "Cittadini iscritti al servizio",
        "iscritti",
        "crescente",
        52_000.0,
        80_000.0,
        &[(30, 6, 58_400.0), (30, 11, 71_250.0)],
    ),
    (
        "Ampliare il catalogo dei corsi",
        "Corsi a catalogo",
        "corsi",
        "crescente",
        40.0,
        60.0,
        &[(31, 3, 42.0), (30, 6, 47.0), (31, 10, 55.0)],
    ),
    (
        "Presentare nuove proposte",
        "Proposte presentate su bandi europei",
        "proposte",
        "crescente",
        0.0,
        12.0,
        &[(30, 4, 2.0), (31, 7, 5.0), (30, 11, 9.0)],
    ),
    (
        "servizio civile",
        "Comuni accreditati per il servizio civile",
        "comuni",
        "crescente",
        60.0,
        80.0,
        &[(30, 4, 62.0), (30, 9, 66.0)],
    ),
    (
        "Potenziare il catalogo dei servizi",
        "Giorni medi di risposta alle richieste dei comuni",
        "giorni",
        "decrescente",
        20.0,
        10.0,
        &[(31, 3, 19.0), (30, 6, 16.0), (30, 9, 13.0), (30, 11, 12.0)],
    ),
    (
        "Coinvolgere più amministratori",
        "Amministratori presenti agli incontri nell'anno",
        "persone",
        "crescente",
        0.0,
        900.0,
        &[(31, 3, 120.0), (31, 7, 310.0), (31, 10, 420.0)],
    ),
];

/// Updates: objective fragment, (d, m), author, text, new state.
/// An update: objective fragment, (d, m), author, text, new state.
type AggiornamentoDemo = (
    &'static str,
    (u32, u32),
    &'static str,
    &'static str,
    Option<&'static str>,
);

const AGGIORNAMENTI_2020: &[AggiornamentoDemo] = &[
    (
        "documento dei comuni per la programmazione",
        (10, 2),
        "Marco Innocenti",
        "Raccolti i contributi dei settori e di dodici comuni capofila; bozza discussa con i sindaci del direttivo.",
        None,
    ),
    (
        "documento dei comuni per la programmazione",
        (27, 2),
        "Marco Innocenti",
        "Documento consegnato alla Regione nei tempi richiesti.",
        Some("completato"),
    ),
    (
        "Seguire le leggi regionali",
        (15, 5),
        "Marco Innocenti",
        "Audizioni in commissione sulle norme di semplificazione per l'emergenza sanitaria; accolte tre proposte dei comuni.",
        None,
    ),
    (
        "Seguire le leggi regionali",
        (20, 10),
        "Marco Innocenti",
        "Avviato il confronto con la nuova Giunta sulle priorità dei comuni per il primo anno di legislatura.",
        None,
    ),
    (
        "riforma del Consiglio delle autonomie",
        (30, 6),
        "Marco Innocenti",
        "Proposta condivisa con le province; il Consiglio regionale non la calendarizza prima del voto: lavoro sospeso fino alla nuova legislatura.",
        Some("sospeso"),
    ),
    (
        "manifesto dei comuni per i candidati",
        (24, 7),
        "Marco Innocenti",
        "Manifesto presentato ai candidati presidenti in un incontro pubblico.",
        Some("completato"),
    ),
    (
        "Presentare nuove proposte",
        (31, 7),
        "Giulia Bartolini",
        "Presentate cinque proposte tra Interreg Marittimo ed Erasmus+; due in valutazione.",
        None,
    ),
    (
        "Proseguire i progetti con la Regione",
        (15, 9),
        "Giulia Bartolini",
        "Firmate le proroghe di quattro progetti prima della fine della legislatura; restano da rinnovare gli accordi sulla sicurezza urbana.",
        None,
    ),
    (
        "Potenziare il catalogo dei servizi",
        (30, 9),
        "Chiara Lombardi",
        "Nuovo sportello unico per le richieste dei comuni: tempi di risposta in calo.",
        None,
    ),
    (
        "accordi quadro",
        (20, 6),
        "Chiara Lombardi",
        "Pubblicata la gara per il recupero dei tributi; in preparazione quella per la gestione delle strutture.",
        None,
    ),
    (
        "app di allerta Cittadino Informato",
        (30, 9),
        "Paolo Mancini",
        "Campagna con i comuni della costa prima della stagione delle allerte: 9 nuove adesioni in tre mesi.",
        None,
    ),
    (
        "app di allerta Cittadino Informato",
        (15, 12),
        "Paolo Mancini",
        "Incontro con i referenti di protezione civile delle unioni dei comuni per le adesioni del 2021.",
        None,
    ),
    (
        "programma dell'evento annuale",
        (27, 3),
        "Marco Innocenti",
        "Programma approvato dal direttivo; l'evento si terrà in forma mista per le regole sanitarie.",
        Some("completato"),
    ),
    (
        "Coinvolgere più amministratori",
        (31, 10),
        "Marco Innocenti",
        "Gli incontri in presenza sono ridotti dalle misure sanitarie; avviati gli incontri in videoconferenza.",
        None,
    ),
    (
        "presidente e direttivo nei territori",
        (15, 4),
        "Marco Innocenti",
        "Giro nei territori annullato per l'emergenza sanitaria.",
        Some("annullato"),
    ),
    (
        "Ampliare il catalogo dei corsi",
        (31, 10),
        "Elena Sarti",
        "Quindici nuovi corsi a distanza su contabilità, appalti e lavoro agile.",
        None,
    ),
    (
        "giovani e nuovi amministratori",
        (30, 9),
        "Elena Sarti",
        "Prima edizione del corso per nuovi amministratori dopo il voto amministrativo di settembre.",
        None,
    ),
];

/// Links: objective fragment, kind, key (ISTAT code or organisation/person name).
const COLLEGAMENTI_2020: &[(&str, &str, &str)] = &[
    (
        "documento dei comuni per la programmazione",
        "organizzazione",
        "Regione Toscana",
    ),
    (
        "Proseguire i progetti con la Regione",
        "organizzazione",
        "Regione Toscana",
    ),
    (
        "piccoli comuni e le aree di montagna",
        "organizzazione",
        "Associazione Piccoli Comuni di Montagna (demo)",
    ),
    ("piccoli comuni e le aree di montagna", "comune", "046009"),
    ("piccoli comuni e le aree di montagna", "comune", "051031"),
    ("supporto ai comuni sul turismo", "comune", "048017"),
    ("app di allerta Cittadino Informato", "comune", "048017"),
    ("app di allerta Cittadino Informato", "comune", "049009"),
    (
        "app di allerta Cittadino Informato",
        "persona",
        "Paolo Mancini",
    ),
    ("cercare fondi europei", "persona", "Francesca Nardini"),
    (
        "Ampliare il catalogo dei corsi",
        "organizzazione",
        "Università degli Studi di Firenze",
    ),
];

/// The political calendar of 2020 in Tuscany.
/// An event: (d, m, y), kind, title, description.
type EventoDemo = (
    (u32, u32, i32),
    &'static str,
    &'static str,
    Option<&'static str>,
);

const CALENDARIO_2020: &[EventoDemo] = &[
    (
        (28, 2, 2020),
        "scadenza",
        "Documento dei comuni alla Regione per la programmazione 2021-2027",
        Some("La Regione chiede i contributi del territorio entro febbraio."),
    ),
    (
        (31, 5, 2020),
        "altro",
        "Data prevista delle elezioni regionali, poi rinviata",
        Some("Il voto di primavera è rinviato per l'emergenza sanitaria."),
    ),
    (
        (20, 9, 2020),
        "elezioni",
        "Elezioni regionali in Toscana (20 e 21 settembre)",
        Some("Si vota per il Presidente della Giunta e il Consiglio regionale."),
    ),
    (
        (21, 9, 2020),
        "fine_legislatura",
        "Fine della X legislatura regionale",
        Some(
            "Con il voto si chiude la legislatura iniziata nel 2015: accordi e progetti regionali in scadenza vanno rinnovati dalla nuova Giunta.",
        ),
    ),
    (
        (30, 11, 2020),
        "scadenza",
        "Proposte dei comuni per il bilancio regionale 2021",
        None,
    ),
];

fn data(d: u32, m: u32, y: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

async fn piano(c: &DemoCtx<'_>) -> AppResult<String> {
    use crate::piano::{import, store};
    use piazza_db::entities::{organizzazione, persona};
    use sea_orm::{ColumnTrait, QueryFilter};

    for (d, tipo, titolo, descrizione) in CALENDARIO_2020 {
        let n = store::NuovoEvento {
            data: data(d.0, d.1, d.2),
            tipo: (*tipo).into(),
            titolo: (*titolo).into(),
            descrizione: descrizione.map(Into::into),
        };
        store::aggiungi_evento(c.db, &c.actor, &n).await?;
    }

    let letto = import::leggi(PIANO_2020);
    let p = store::salva_piano_letto(c.db, &c.actor, 2020, &letto).await?;
    store::aggiorna_piano(
        c.db,
        &c.actor,
        p,
        &store::ModificaPiano {
            titolo: "Piano di attività 2020".into(),
            stato: "approvato".into(),
            data_approvazione: Some(data(14, 2, 2020)),
            organo_approvazione: Some("Consiglio direttivo dell'associazione".into()),
        },
    )
    .await?;
    let vista = store::vista(c.db, c.config, 2020, false)
        .await?
        .expect("the plan just saved");
    let trova = |frammento: &str| {
        vista
            .obiettivi()
            .find(|o| o.o.titolo.contains(frammento))
            .map(|o| o.o.clone())
            .ok_or_else(|| {
                crate::error::AppError::Internal(format!("obiettivo demo «{frammento}» mancante"))
            })
    };
    let staff = persona::Entity::find().all(c.db).await?;
    let persona_id = |nome: &str| {
        staff
            .iter()
            .find(|p| format!("{} {}", p.nome, p.cognome) == nome)
            .map(|p| p.id)
    };
    for (frammento, stato, fonte, manuale, peso, pubblico, (d, m, y), owner, settore) in
        OBIETTIVI_2020
    {
        let o = trova(frammento)?;
        let responsabile_id = owner.and_then(|i| {
            let crate::anagrafica::demo::PersonaDemo { nome, cognome, .. } =
                &crate::anagrafica::demo::persone()[i];
            persona_id(&format!("{nome} {cognome}"))
        });
        let m = store::ModificaObiettivo {
            titolo: o.titolo.clone(),
            responsabile_id,
            settore: Some((*settore).into()),
            stato: (*stato).into(),
            fonte_progresso: (*fonte).into(),
            progresso_manuale: *manuale,
            peso: *peso,
            pubblico: *pubblico,
            scadenza: Some(data(*d, *m, *y)),
            priorita: if *peso > 2 { "alta" } else { "media" }.into(),
            descrizione: None,
        };
        store::aggiorna_obiettivo(c.db, &c.actor, o, &m).await?;
    }
    let mut n_misure = 0;
    for (frammento, nome, unita, direzione, base, obiettivo, misure) in INDICATORI_2020 {
        let o = trova(frammento)?;
        let n = store::NuovoIndicatore {
            nome: (*nome).into(),
            unita: (*unita).into(),
            direzione: (*direzione).into(),
            valore_base: *base,
            valore_obiettivo: *obiettivo,
        };
        let i = store::aggiungi_indicatore(c.db, &c.actor, &o, &n).await?;
        for (d, m, v) in *misure {
            store::registra_misura(c.db, &c.actor, &i, data(*d, *m, 2020), *v, None).await?;
            n_misure += 1;
        }
    }
    for (frammento, (d, m), autore, testo, stato) in AGGIORNAMENTI_2020 {
        let o = store::obiettivo(c.db, &trova(frammento)?.public_id).await?;
        let n = store::NuovoAggiornamento {
            data: data(*d, *m, 2020),
            testo: (*testo).into(),
            allegato_url: None,
            nuovo_stato: stato.map(Into::into),
            nuovo_progresso: None,
        };
        store::aggiungi_aggiornamento(c.db, &c.actor, autore, o, &n).await?;
    }
    for (frammento, tipo, chiave) in COLLEGAMENTI_2020 {
        let o = trova(frammento)?;
        let chiave = match *tipo {
            "organizzazione" => organizzazione::Entity::find()
                .filter(organizzazione::Column::Nome.eq(*chiave))
                .one(c.db)
                .await?
                .map(|o| o.public_id),
            "persona" => staff
                .iter()
                .find(|p| format!("{} {}", p.nome, p.cognome) == *chiave)
                .map(|p| p.public_id.clone()),
            _ => Some((*chiave).to_owned()),
        }
        .ok_or_else(|| crate::error::AppError::Internal(format!("collegamento demo {chiave}")))?;
        store::collega(c.db, &c.actor, &o, tipo, &chiave).await?;
    }
    Ok(format!(
        "piano 2020 con {} aree e {} obiettivi, {} indicatori con {n_misure} misure, {} aggiornamenti, {} collegamenti; calendario politico con {} eventi",
        letto.aree.len(),
        OBIETTIVI_2020.len(),
        INDICATORI_2020.len(),
        AGGIORNAMENTI_2020.len(),
        COLLEGAMENTI_2020.len(),
        CALENDARIO_2020.len()
    ))
}
