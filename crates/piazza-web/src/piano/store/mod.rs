//! Queries and changes of the plan: every change in one transaction with its audit-log row.
//!
//! - `piani`: the plan of a year, saved from a read document, its own fields;
//! - `vista`: the plan as pages show it, with the progress of everything;
//! - `obiettivi`: objectives found, added and changed; the choices of a link, the sectors;
//! - `aggiornamenti`: the timeline of an objective;
//! - `indicatori`: indicators and their measurements;
//! - `collegamenti`: links from objectives to other modules' records, both sides;
//! - `calendario`: the political calendar and the legislature risk window;
//! - `cruscotto`: the staff dashboard;
//! - `stati`: the catalogue of objective states.

mod aggiornamenti;
mod calendario;
mod collegamenti;
mod cruscotto;
mod indicatori;
mod obiettivi;
mod piani;
mod stati;
mod vista;

pub use self::aggiornamenti::*;
pub use self::calendario::*;
pub use self::collegamenti::*;
pub use self::cruscotto::*;
pub use self::indicatori::*;
pub use self::obiettivi::*;
pub use self::piani::*;
pub use self::stati::*;
pub use self::vista::*;
