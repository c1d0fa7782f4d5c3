//! Demo data. Each module adds its own step to [`STEPS`]; `piazza demo` runs them in order on an
//! empty database. `Scale::Large` makes volume for load tests.

use std::future::Future;
use std::pin::Pin;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{organizzazione, persona, utente};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Set, TransactionTrait};

use crate::auth::store::{NewGrant, hash_password, upsert_user};
use crate::config::AppConfig;
use crate::error::AppResult;
use crate::territorio::Territorio;
use crate::text::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Small,
    Large,
}

pub struct DemoCtx<'a> {
    pub db: &'a DatabaseConnection,
    pub config: &'a AppConfig,
    pub territorio: &'a Territorio,
    pub scale: Scale,
    pub actor: Actor,
}

type StepFuture<'a> = Pin<Box<dyn Future<Output = AppResult<String>> + Send + 'a>>;

/// A step of the demo loader: its name and what it does; returns a line for the console.
pub struct Step {
    pub nome: &'static str,
    pub run: for<'a> fn(&'a DemoCtx<'a>) -> StepFuture<'a>,
}

pub const STEPS: &[Step] = &[
    Step {
        nome: "utenti",
        run: |c| Box::pin(utenti(c)),
    },
    Step {
        nome: "anagrafica",
        run: |c| Box::pin(anagrafica(c)),
    },
    Step {
        nome: "piano",
        run: |c| Box::pin(crate::piano::demo::carica(c)),
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
pub const DEMO_PASSWORD: &str = "piazza-demo-2026";
pub const DEMO_USERS: &[(&str, &str, &str)] = &[
    ("admin@piazza.demo", "Amministratrice di sistema", "admin"),
    (
        "segreteria@piazza.demo",
        "Segreteria dell'associazione",
        "editor di Territorio, Anagrafica, Piano, Progetti e Allerte (sala operativa)",
    ),
    (
        "protezione.civile@piazza.demo",
        "Sala operativa di protezione civile",
        "editor di Allerte (compone; la segreteria approva)",
    ),
    (
        "lettore@piazza.demo",
        "Delegato in consultazione",
        "lettore di Anagrafica e Progetti",
    ),
    (
        "referente.firenze@piazza.demo",
        "Referente del Comune di Firenze",
        "referente di Firenze (048017)",
    ),
];

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

async fn utenti(c: &DemoCtx<'_>) -> AppResult<String> {
    let grant = |ruolo: &str, modulo: Option<&str>, comune: Option<&str>| NewGrant {
        ruolo: ruolo.into(),
        modulo: modulo.map(Into::into),
        comune_istat: comune.map(Into::into),
    };
    // One hash for all demo users: Argon2 is slow by design and they share the password.
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let grants: [Vec<NewGrant>; 5] = [
        vec![grant("admin", None, None)],
        vec![
            grant("editor", Some("territorio"), None),
            grant("editor", Some("anagrafica"), None),
            grant("editor", Some("piano"), None),
            grant("editor", Some("progetti"), None),
            grant("editor", Some("allerte"), None),
        ],
        vec![grant("editor", Some("allerte"), None)],
        vec![
            grant("viewer", Some("anagrafica"), None),
            grant("viewer", Some("progetti"), None),
        ],
        vec![grant("referente", None, Some("048017"))],
    ];
    for ((email, nome, _), g) in DEMO_USERS.iter().zip(grants) {
        upsert_user(c.db, &c.actor, email, nome, hash.clone(), &g).await?;
    }
    Ok(format!("{} utenti dimostrativi", DEMO_USERS.len()))
}

/// Organisations and people written for the demo (not real people, except the mayors, which come
/// from the Ministry's public register).
const ORGANIZZAZIONI: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    (
        "Regione Toscana",
        "regione",
        Some("01386030488"),
        Some("048017"),
    ),
    (
        "Unione dei Comuni del Casentino",
        "unione_comuni",
        None,
        Some("051031"),
    ),
    (
        "Unione dei Comuni della Garfagnana",
        "unione_comuni",
        None,
        Some("046009"),
    ),
    (
        "Ordine degli Ingegneri della provincia di Firenze",
        "ordine_professionale",
        None,
        Some("048017"),
    ),
    (
        "Ordine degli Architetti di Pisa",
        "ordine_professionale",
        None,
        Some("050026"),
    ),
    (
        "Consorzio Servizi Postali Toscani (demo)",
        "fornitore",
        None,
        Some("050026"),
    ),
    (
        "Studio Tributi Locali srl (demo)",
        "fornitore",
        None,
        Some("052032"),
    ),
    (
        "Università degli Studi di Firenze",
        "partner",
        None,
        Some("048017"),
    ),
    (
        "Fondazione per la Cooperazione Decentrata (demo)",
        "partner",
        None,
        Some("100005"),
    ),
    (
        "Associazione Piccoli Comuni di Montagna (demo)",
        "associazione",
        None,
        Some("047024"),
    ),
    ("CGIL Toscana", "sindacato", None, Some("048017")),
];

const PERSONE: &[(&str, &str, &str, &str, Option<usize>)] = &[
    (
        "Giulia",
        "Bartolini",
        "staff",
        "Responsabile ufficio progetti",
        None,
    ),
    ("Marco", "Innocenti", "staff", "Segreteria organi", None),
    (
        "Elena",
        "Sarti",
        "staff",
        "Coordinatrice scuola di formazione",
        None,
    ),
    (
        "Paolo",
        "Mancini",
        "staff",
        "Referente protezione civile",
        None,
    ),
    (
        "Chiara",
        "Lombardi",
        "funzionario",
        "Responsabile servizi finanziari",
        Some(0),
    ),
    (
        "Luca",
        "Guidi",
        "docente",
        "Docente di contabilità pubblica",
        Some(7),
    ),
    (
        "Sara",
        "Ferretti",
        "volontario",
        "Volontaria di servizio civile",
        None,
    ),
    (
        "Andrea",
        "Pieri",
        "referente",
        "Referente per la formazione del personale",
        None,
    ),
    (
        "Francesca",
        "Nardini",
        "funzionario",
        "Funzionaria ufficio europa",
        Some(1),
    ),
    (
        "Stefano",
        "Baldi",
        "docente",
        "Formatore su appalti e contratti",
        Some(3),
    ),
];

async fn anagrafica(c: &DemoCtx<'_>) -> AppResult<String> {
    let now = Utc::now();
    let txn = c.db.begin().await?;
    let mut org_ids = Vec::new();
    for (nome, tipo, cf, comune) in ORGANIZZAZIONI {
        let comune_id = comune.and_then(|k| c.territorio.comune(k)).map(|c| c.id);
        let o = organizzazione::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).to_owned()),
            nome_norm: Set(normalize(nome)),
            tipo: Set((*tipo).to_owned()),
            codice_fiscale: Set(cf.map(str::to_owned)),
            comune_id: Set(comune_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        org_ids.push(
            organizzazione::Entity::insert(o)
                .exec(&txn)
                .await?
                .last_insert_id,
        );
    }
    for (nome, cognome, cat, qualifica, org) in PERSONE {
        let email = format!("{}.{}@esempio.it", normalize(nome), normalize(cognome));
        persona::Entity::insert(persona::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).to_owned()),
            cognome: Set((*cognome).to_owned()),
            nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
            email: Set(Some(email)),
            categorie: Set((*cat).to_owned()),
            qualifica: Set(Some((*qualifica).to_owned())),
            organizzazione_id: Set(org.map(|i| org_ids[i])),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;

    // The mayors in office, from the Ministry of the Interior's register shipped in data/.
    let parsed = crate::anagrafica::dait::parse(crate::refdata::SINDACI_CSV, c.territorio)
        .map_err(|e| crate::error::AppError::Internal(format!("registro dei sindaci: {e}")))?;
    let s = crate::anagrafica::store::importa_dait(c.db, &c.actor, &parsed, c.config).await?;

    let mut extra = String::new();
    if c.scale == Scale::Large {
        let n = 50_000;
        generate_people(c.db, n).await?;
        extra = format!(", {n} persone generate per i test di carico");
    }
    Ok(format!(
        "{} organizzazioni, {} persone, {} sindaci dal registro del Ministero dell'Interno{extra}",
        ORGANIZZAZIONI.len(),
        PERSONE.len(),
        s.amministratori_nuovi
    ))
}

/// Generated people for load tests, inserted 1,000 per statement.
async fn generate_people(db: &DatabaseConnection, n: usize) -> AppResult<()> {
    const NOMI: &[&str] = &[
        "Anna", "Luca", "Marta", "Giorgio", "Irene", "Matteo", "Sofia", "Davide", "Alessia",
        "Tommaso",
    ];
    const COGNOMI: &[&str] = &[
        "Rossi", "Bianchi", "Galli", "Conti", "Marini", "Fabbri", "Ricci", "Bruno", "Greco",
        "Moretti",
    ];
    let now = Utc::now();
    let mut i = 0;
    while i < n {
        let batch: Vec<persona::ActiveModel> = (i..(i + 1000).min(n))
            .map(|k| {
                let nome = NOMI[k % NOMI.len()];
                let cognome = format!("{}{}", COGNOMI[(k / NOMI.len()) % COGNOMI.len()], k);
                persona::ActiveModel {
                    public_id: Set(format!("gen{k:08}")),
                    nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
                    nome: Set(nome.to_owned()),
                    cognome: Set(cognome),
                    categorie: Set("funzionario".into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        let txn = db.begin().await?;
        persona::Entity::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        i += 1000;
    }
    Ok(())
}
