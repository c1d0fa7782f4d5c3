//! The unit of work: every write of every domain goes through one.
//!
//! A [`Lavoro`] is a transaction opened the right way for the backend (on SQLite
//! `BEGIN IMMEDIATE`, so a writer waits for the write lock with the busy timeout instead of
//! failing with "database is locked" when a read inside it must be upgraded while another
//! connection, the delivery engine during a fan-out, holds the lock), the acting user, and the
//! audit log: [`Lavoro::inserisci`], [`Lavoro::aggiorna`] and [`Lavoro::elimina`] write the change
//! and its audit row (before/after, and nothing at all when an update changes nothing) in the
//! same transaction. Reads and the writes that are not audited one by one (link tables, bulk
//! inserts of an import, which record one [`Lavoro::registra`] event) use the unit as a
//! connection: it implements [`ConnectionTrait`].
//!
//! ```ignore
//! let uow = Lavoro::apri(db, actor).await?;
//! let p = uow.inserisci(progetto::ActiveModel { .. }).await?;
//! uow.conferma().await?;
//! ```
//!
//! Dropped without [`Lavoro::conferma`] (an error returned with `?`), nothing is saved.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, ExecResult, IntoActiveModel, ModelTrait,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    TryIntoModel,
};
use serde::Serialize;
use serde_json::Value;

use crate::audit;
pub use crate::audit::Actor;

/// A record the audit log knows: the name of its kind and its key in the log.
pub trait Audita: Serialize {
    /// The `entita` of its audit rows (`progetto`, `persona`, ...).
    const ENTITA: &'static str;
    /// Its `entita_id`: the public id where it has one, else its code or number.
    fn chiave(&self) -> String;
}

/// Fields that change on every save and do not make a change by themselves.
const SEMPRE_NUOVI: &[&str] = &["updated_at", "aggiornato_il"];

/// One transaction, its actor and its audit rows: see the module documentation.
pub struct Lavoro {
    txn: DatabaseTransaction,
    actor: Actor,
}

impl Lavoro {
    /// Opens a unit of work for `actor` (`BEGIN IMMEDIATE` on SQLite).
    pub async fn apri(db: &DatabaseConnection, actor: &Actor) -> Result<Self, DbErr> {
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(Self {
            txn,
            actor: actor.clone(),
        })
    }

    /// Who is making the change.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Commits every change and its audit rows.
    pub async fn conferma(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Inserts a record and its audit row (`crea`).
    pub async fn inserisci<A, M>(&self, am: A) -> Result<M, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        A::Entity: EntityTrait<Model = M>,
        M: ModelTrait<Entity = A::Entity> + IntoActiveModel<A> + Audita + Sync,
    {
        let dopo = am.insert(&self.txn).await?;
        self.registra_modifica("crea", M::ENTITA, &dopo.chiave(), None, Some(&dopo))
            .await?;
        Ok(dopo)
    }

    /// Writes `am` over `prima` with its audit row (`modifica`); when the record would not
    /// change (ignoring its `updated_at`), writes nothing and returns `prima`.
    pub async fn aggiorna<A, M>(&self, prima: &M, am: A) -> Result<M, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + TryIntoModel<M> + Send,
        A::Entity: EntityTrait<Model = M>,
        M: ModelTrait<Entity = A::Entity> + IntoActiveModel<A> + Audita + Clone + Sync,
    {
        self.aggiorna_come("modifica", prima, am).await
    }

    /// As [`Lavoro::aggiorna`], recording the change as `azione` (`annulla`, `ritira`, ...).
    pub async fn aggiorna_come<A, M>(&self, azione: &str, prima: &M, am: A) -> Result<M, DbErr>
    where
        A: ActiveModelTrait + ActiveModelBehavior + TryIntoModel<M> + Send,
        A::Entity: EntityTrait<Model = M>,
        M: ModelTrait<Entity = A::Entity> + IntoActiveModel<A> + Audita + Clone + Sync,
    {
        let candidato = am.clone().try_into_model()?;
        if uguali(prima, &candidato) {
            return Ok(prima.clone());
        }
        let dopo = am.update(&self.txn).await?;
        self.registra_modifica(azione, M::ENTITA, &dopo.chiave(), Some(prima), Some(&dopo))
            .await?;
        Ok(dopo)
    }

    /// Deletes a record, keeping it in its audit row (`elimina`).
    pub async fn elimina<A, M>(&self, m: M) -> Result<(), DbErr>
    where
        A: ActiveModelTrait<Entity = M::Entity> + ActiveModelBehavior + Send,
        M: ModelTrait + IntoActiveModel<A> + Audita + Send,
    {
        self.registra_modifica("elimina", M::ENTITA, &m.chiave(), Some(&m), None)
            .await?;
        m.delete(&self.txn).await?;
        Ok(())
    }

    /// Records an event that is not one record's change (an import, a link, a sending).
    pub async fn registra(
        &self,
        azione: &str,
        entita: &str,
        entita_id: &str,
        prima: Option<Value>,
        dopo: Option<Value>,
    ) -> Result<(), DbErr> {
        audit::record(
            &self.txn,
            &self.actor,
            azione,
            entita,
            entita_id,
            prima,
            dopo,
        )
        .await
    }

    /// Records a change of serialisable states (`None` for "did not exist").
    pub async fn registra_modifica<T: Serialize + ?Sized>(
        &self,
        azione: &str,
        entita: &str,
        entita_id: &str,
        prima: Option<&T>,
        dopo: Option<&T>,
    ) -> Result<(), DbErr> {
        let json = |m: &T| serde_json::to_value(m).unwrap_or_default();
        self.registra(azione, entita, entita_id, prima.map(json), dopo.map(json))
            .await
    }
}

/// Whether two states of a record are the same, ignoring the fields in [`SEMPRE_NUOVI`].
fn uguali<M: Serialize>(a: &M, b: &M) -> bool {
    let pulito = |m: &M| {
        let mut v = serde_json::to_value(m).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            for k in SEMPRE_NUOVI {
                o.remove(*k);
            }
        }
        v
    };
    pulito(a) == pulito(b)
}

#[async_trait::async_trait]
impl ConnectionTrait for Lavoro {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// `Audita` for entities: the kind's name and the field that is its key in the log.
macro_rules! audita {
    ($($m:ident => $nome:literal, |$r:ident| $chiave:expr;)*) => {$(
        impl Audita for crate::entities::$m::Model {
            const ENTITA: &'static str = $nome;
            fn chiave(&self) -> String {
                let $r = self;
                $chiave.to_string()
            }
        }
    )*};
}

audita! {
    allerta => "allerta", |r| r.id;
    amministratore => "amministratore", |r| r.id;
    attestato => "attestato", |r| r.codice;
    avviso_comunale => "avviso_comunale", |r| r.id;
    bando => "bando", |r| r.id;
    canale_telegram => "canale_telegram", |r| r.id;
    collegamento_obiettivo => "collegamento_obiettivo", |r| r.id;
    evento => "evento", |r| r.public_id;
    evento_calendario => "evento_calendario", |r| r.id;
    evento_partner => "evento_partner", |r| r.id;
    fonte_allerta => "fonte_allerta", |r| r.codice;
    geocodice_allerta => "geocodice_allerta", |r| r.id;
    indicatore => "indicatore", |r| r.public_id;
    misura_indicatore => "misura", |r| r.id;
    obiettivo => "obiettivo", |r| r.public_id;
    offerta => "offerta", |r| r.id;
    offerta_sessione => "offerta_sessione", |r| r.id;
    organizzazione => "organizzazione", |r| r.public_id;
    persona => "persona", |r| r.public_id;
    piano => "piano", |r| r.anno;
    piano_area => "piano_area", |r| r.id;
    progetto => "progetto", |r| r.public_id;
    progetto_comune => "progetto_comune", |r| r.id;
    progetto_continuita => "progetto_continuita", |r| r.id;
    progetto_partner => "progetto_partner", |r| r.id;
    progetto_periodo => "progetto_periodo", |r| r.id;
    progetto_scadenza => "progetto_scadenza", |r| r.id;
    progetto_staff => "progetto_staff", |r| r.id;
    progetto_wp => "progetto_wp", |r| r.id;
    programma => "programma", |r| r.codice;
    proposta => "proposta", |r| r.id;
    proposta_evento => "proposta_evento", |r| r.id;
    questionario => "questionario", |r| r.registrazione_id;
    protezione_civile_comune => "protezione_civile_comune", |r| r.comune_id;
    registrazione => "registrazione", |r| r.codice;
    registrazione_sessione => "registrazione_sessione", |r| r.id;
    stato_obiettivo => "stato_obiettivo", |r| r.codice;
    token_calendario => "token_calendario", |r| r.id;
    utente_ruolo => "utente_ruolo", |r| r.id;
}
