//! Demo data. Each module adds its own step to [`STEPS`]; `piazza demo` runs them in order on an
//! empty database. `Scale::Large` makes volume for load tests.

use std::future::Future;
use std::pin::Pin;

use piazza_db::entities::utente;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::kit::error::AppResult;

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
    Step {
        nome: "eventi",
        run: |c| Box::pin(crate::eventi::demo::carica(c)),
    },
];

/// The demo logins, printed by `piazza demo`.
pub use crate::auth::demo::{DEMO_PASSWORD, utenti};

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
