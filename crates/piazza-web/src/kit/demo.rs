//! What a domain's demo step receives ([`DemoCtx`]); the steps and their order are the
//! application's (`crate::demo::STEPS`).

use piazza_db::audit::Actor;
use sea_orm::DatabaseConnection;

use crate::kit::config::AppConfig;
use crate::territorio::Territorio;

/// How much demo data: `Large` makes volume for load tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Small,
    Large,
}

/// The database, configuration and territory a demo step works on, and who it acts as.
pub struct DemoCtx<'a> {
    pub db: &'a DatabaseConnection,
    pub config: &'a AppConfig,
    pub territorio: &'a Territorio,
    pub scale: Scale,
    pub actor: Actor,
}
