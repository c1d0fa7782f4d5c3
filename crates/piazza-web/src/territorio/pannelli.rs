//! What Territorio shows on the home page: the region in four figures (see
//! [`crate::pannelli`]).

use crate::error::AppResult;
use crate::fmt;
use crate::pannelli::{Cifra, CifraVista};
use crate::view::Ctx;

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
