//! The demo data of Anagrafica (`data/demo/anagrafica.toml`): the `anagrafica` step of
//! [`crate::demo::STEPS`]. Organisations and people written for the demo (not real people,
//! except the mayors, which come from the Ministry's public register), and for
//! [`Scale::Large`] people generated for load tests.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{organizzazione, persona};
use piazza_db::lavoro::Lavoro;
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use serde::Deserialize;

use crate::kit::demo::{DemoCtx, Scale};
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

/// An organisation of the demo.
#[derive(Debug, Deserialize)]
pub struct OrganizzazioneDemo {
    pub nome: String,
    /// One of [`super::model::TIPI_ORGANIZZAZIONE`].
    pub tipo: String,
    pub codice_fiscale: Option<String>,
    /// The ISTAT code of its comune.
    pub comune: Option<String>,
}

/// A person of the demo.
#[derive(Debug, Deserialize)]
pub struct PersonaDemo {
    pub nome: String,
    pub cognome: String,
    /// Categories of [`super::model::CATEGORIE`], separated by commas.
    pub categorie: String,
    pub qualifica: String,
    /// The `nome` of one of the demo organisations.
    pub organizzazione: Option<String>,
}

/// The first names and surnames the generated people cycle through.
#[derive(Debug, Deserialize)]
struct Generati {
    nomi: Vec<String>,
    cognomi: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Dati {
    organizzazioni: Vec<OrganizzazioneDemo>,
    persone: Vec<PersonaDemo>,
    generati: Generati,
}

static DATI: LazyLock<Dati> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../../data/demo/anagrafica.toml"))
        .expect("data/demo/anagrafica.toml")
});

/// The demo organisations, in the file's order.
pub fn organizzazioni() -> &'static [OrganizzazioneDemo] {
    &DATI.organizzazioni
}

/// The demo people, in the file's order.
pub fn persone() -> &'static [PersonaDemo] {
    &DATI.persone
}

/// The `anagrafica` step: the demo organisations and people in one unit of work, then the
/// mayors from the register shipped in `data/`, then (large scale) the generated people.
pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let now = Utc::now();
    let uow = Lavoro::apri(c.db, &c.actor).await?;
    let mut org_ids: HashMap<&str, i64> = HashMap::new();
    for o in organizzazioni() {
        let comune_id = o
            .comune
            .as_deref()
            .and_then(|k| c.territorio.comune(k))
            .map(|c| c.id);
        let am = organizzazione::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set(o.nome.clone()),
            nome_norm: Set(normalize(&o.nome)),
            tipo: Set(o.tipo.clone()),
            codice_fiscale: Set(o.codice_fiscale.clone()),
            comune_id: Set(comune_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let id = organizzazione::Entity::insert(am)
            .exec(&uow)
            .await?
            .last_insert_id;
        org_ids.insert(o.nome.as_str(), id);
    }
    for p in persone() {
        let organizzazione_id = match p.organizzazione.as_deref() {
            None => None,
            Some(nome) => Some(*org_ids.get(nome).ok_or_else(|| {
                AppError::interno(format!(
                    "persona demo {} {}: organizzazione «{nome}» sconosciuta",
                    p.nome, p.cognome
                ))
            })?),
        };
        let email = format!(
            "{}.{}@esempio.it",
            normalize(&p.nome),
            normalize(&p.cognome)
        );
        persona::Entity::insert(persona::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set(p.nome.clone()),
            cognome: Set(p.cognome.clone()),
            nome_norm: Set(normalize(&format!("{} {}", p.cognome, p.nome))),
            email: Set(Some(email)),
            categorie: Set(p.categorie.clone()),
            qualifica: Set(Some(p.qualifica.clone())),
            organizzazione_id: Set(organizzazione_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&uow)
        .await?;
    }
    uow.conferma().await?;

    // The mayors in office, from the Ministry of the Interior's register shipped in data/.
    let parsed = super::dait::parse(crate::refdata::SINDACI_CSV, c.territorio)
        .map_err(|e| AppError::causa("registro dei sindaci", e))?;
    let s = super::store::importa_dait(c.db, &c.actor, &parsed, c.config).await?;

    let mut extra = String::new();
    if c.scale == Scale::Large {
        let n = 50_000;
        generate_people(c.db, &c.actor, n).await?;
        extra = format!(", {n} persone generate per i test di carico");
    }
    Ok(format!(
        "{} organizzazioni, {} persone, {} sindaci dal registro del Ministero dell'Interno{extra}",
        organizzazioni().len(),
        persone().len(),
        s.amministratori_nuovi
    ))
}

/// Generated people for load tests, inserted 1,000 per statement (one unit of work each).
async fn generate_people(db: &DatabaseConnection, actor: &Actor, n: usize) -> AppResult<()> {
    let Generati { nomi, cognomi } = &DATI.generati;
    let now = Utc::now();
    let mut i = 0;
    while i < n {
        let batch: Vec<persona::ActiveModel> = (i..(i + 1000).min(n))
            .map(|k| {
                let nome = &nomi[k % nomi.len()];
                let cognome = format!("{}{}", cognomi[(k / nomi.len()) % cognomi.len()], k);
                persona::ActiveModel {
                    public_id: Set(format!("gen{k:08}")),
                    nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
                    nome: Set(nome.clone()),
                    cognome: Set(cognome),
                    categorie: Set("funzionario".into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        let uow = Lavoro::apri(db, actor).await?;
        persona::Entity::insert_many(batch)
            .exec_without_returning(&uow)
            .await?;
        uow.conferma().await?;
        i += 1000;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_data_reads_and_links() {
        let o = super::organizzazioni();
        let p = super::persone();
        assert_eq!((o.len(), p.len()), (11, 10));
        assert_eq!(o[0].codice_fiscale.as_deref(), Some("01386030488"));
        for p in p {
            if let Some(nome) = &p.organizzazione {
                assert!(o.iter().any(|o| &o.nome == nome), "{nome}");
            }
        }
        let g = &super::DATI.generati;
        assert_eq!((g.nomi.len(), g.cognomi.len()), (10, 10));
    }
}
