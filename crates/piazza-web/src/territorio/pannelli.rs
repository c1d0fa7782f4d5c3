//! What Territorio shows on the home page: the region in four figures (see
//! [`crate::kit::pannelli`]).

use crate::AppState;
use crate::kit::collegamenti::{Destinazione, MAX_RISULTATI, TipoCollegamento};
use crate::kit::error::AppResult;
use crate::kit::fmt;
use crate::kit::moduli;
use crate::kit::pannelli::{Cifra, CifraVista};
use crate::kit::text::normalize;
use crate::kit::view::Ctx;

fn cifra(
    id: &'static str,
    valore: String,
    etichetta: &'static str,
) -> AppResult<Option<CifraVista>> {
    Ok(Some(CifraVista {
        id,
        valore,
        etichetta,
        href: None,
    }))
}

pub const CIFRE: &[Cifra] = &[
    Cifra {
        dominio: "territorio",
        mostra: |ctx: &Ctx| {
            let n = ctx.state.territorio.get().comuni.len() as i64;
            Box::pin(async move { cifra("comuni-home", fmt::int(n), "comuni") })
        },
    },
    Cifra {
        dominio: "territorio",
        mostra: |ctx: &Ctx| {
            let pop: i64 = ctx
                .state
                .territorio
                .get()
                .comuni
                .iter()
                .filter_map(|c| c.popolazione)
                .sum();
            Box::pin(async move { cifra("residenti-home", fmt::int(pop), "residenti") })
        },
    },
    Cifra {
        dominio: "territorio",
        mostra: |ctx: &Ctx| {
            let n = ctx.state.territorio.get().province.len() as i64;
            Box::pin(async move { cifra("province-home", fmt::int(n), "province") })
        },
    },
    Cifra {
        dominio: "territorio",
        mostra: |ctx: &Ctx| {
            let n = ctx.state.territorio.get().zone.len() as i64;
            Box::pin(async move { cifra("zone-home", fmt::int(n), "zone di allerta") })
        },
    },
];

/// Comuni can be linked (to plan objectives, ...).
pub const COLLEGAMENTI: &[TipoCollegamento] = &[TipoCollegamento {
    codice: "comune",
    nome: "Comune",
    modulo: moduli::TERRITORIO,
    cerca: |s, _, q| Box::pin(comuni_cerca(s, q)),
    risolvi: |s, _, k| Box::pin(comuni_risolvi(s, k)),
}];

fn comune_dest(c: &super::model::ComuneInfo) -> Destinazione {
    Destinazione {
        chiave: c.codice_istat.clone(),
        etichetta: format!("{} ({})", c.nome, c.sigla_provincia),
        url: format!("/comuni/{}", c.codice_istat),
    }
}

async fn comuni_cerca(s: &AppState, q: &str) -> AppResult<Vec<Destinazione>> {
    let t = s.territorio.get();
    let q = normalize(q);
    Ok(t.comuni
        .iter()
        .filter(|c| !q.is_empty() && (c.nome_norm.contains(&q) || c.codice_istat == q))
        .take(MAX_RISULTATI)
        .map(comune_dest)
        .collect())
}

async fn comuni_risolvi(s: &AppState, chiavi: &[String]) -> AppResult<Vec<Destinazione>> {
    let t = s.territorio.get();
    Ok(chiavi
        .iter()
        .filter_map(|k| t.comune(k))
        .map(comune_dest)
        .collect())
}
