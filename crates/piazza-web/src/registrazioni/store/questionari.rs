//! The satisfaction survey: after the last session, who attended gets a message with the
//! certificate and three marks to give (overall, contents, organisation, 1–5) and a comment;
//! one answer per registration. The organisers see the averages and the comments.

use chrono::{DateTime, Duration, Utc};
use piazza_db::entities::{offerta, offerta_sessione, presenza, questionario, registrazione};
use piazza_db::lavoro::Lavoro;
use piazza_db::stmt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Deserialize;

use super::super::messaggi::{Avvisi, Avviso};
use super::sessioni_di;
use crate::kit::error::{AppError, AppResult};
use crate::kit::posta;
use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;

/// The marks asked, field and question.
pub const VOCI: [(&str, &str); 3] = [
    ("generale", "Nel complesso, come valuti l'iniziativa?"),
    ("contenuti", "Quanto ti sono stati utili i contenuti?"),
    (
        "organizzazione",
        "Come valuti l'organizzazione (luogo, orari, informazioni)?",
    ),
];

/// Surveys are sent for offers ended in the last days only: loading an old archive sends none.
const FINESTRA_GIORNI: i64 = 14;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct QuestionarioForm {
    #[serde(default)]
    pub generale: String,
    #[serde(default)]
    pub contenuti: String,
    #[serde(default)]
    pub organizzazione: String,
    #[serde(default)]
    pub commento: String,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risposta {
    pub voti: [i32; 3],
    pub commento: Option<String>,
}

impl QuestionarioForm {
    pub fn valore(&self, campo: &str) -> &str {
        match campo {
            "generale" => &self.generale,
            "contenuti" => &self.contenuti,
            _ => &self.organizzazione,
        }
    }

    pub fn validate(&self) -> Result<Risposta, FormErrors> {
        let mut e = FormErrors::default();
        let mut voti = [0; 3];
        for (i, (campo, _)) in VOCI.iter().enumerate() {
            match self.valore(campo).trim().parse::<i32>() {
                Ok(v @ 1..=5) => voti[i] = v,
                _ => e.add(campo, "Scegli un voto da 1 a 5."),
            }
        }
        e.lunghezza("commento", &self.commento, 2000);
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Risposta {
            voti,
            commento: non_empty(&self.commento),
        })
    }
}

/// Where a registration stands with the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatoQuestionario {
    /// The offer has not ended yet, or the person did not attend: nothing to ask.
    NonPrevisto,
    DaCompilare,
    Compilato,
}

impl StatoQuestionario {
    pub fn da_compilare(&self) -> bool {
        *self == Self::DaCompilare
    }

    pub fn compilato(&self) -> bool {
        *self == Self::Compilato
    }
}

async fn ha_partecipato(
    db: &impl ConnectionTrait,
    r: &registrazione::Model,
) -> Result<bool, DbErr> {
    Ok(presenza::Entity::find()
        .filter(presenza::Column::RegistrazioneId.eq(r.id))
        .filter(presenza::Column::Verso.eq("entrata"))
        .count(db)
        .await?
        > 0)
}

/// The registrations of an offer with an entry scan.
async fn partecipanti(db: &impl ConnectionTrait, offerta_id: i64) -> Result<Vec<i64>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT DISTINCT p.registrazione_id AS id FROM presenze p \
         JOIN registrazioni r ON r.id = p.registrazione_id \
         WHERE r.offerta_id = $1 AND p.verso = 'entrata'",
        vec![offerta_id.into()],
    ))
    .await?
    .into_iter()
    .map(|r| r.try_get::<i64>("", "id"))
    .collect()
}

fn finita(sessioni: &[offerta_sessione::Model], ora: DateTime<Utc>) -> bool {
    super::fine(sessioni).is_some_and(|f| f <= ora)
}

pub async fn stato_questionario(
    db: &impl ConnectionTrait,
    r: &registrazione::Model,
    sessioni: &[offerta_sessione::Model],
    ora: DateTime<Utc>,
) -> Result<StatoQuestionario, DbErr> {
    if questionario::Entity::find()
        .filter(questionario::Column::RegistrazioneId.eq(r.id))
        .count(db)
        .await?
        > 0
    {
        return Ok(StatoQuestionario::Compilato);
    }
    Ok(if finita(sessioni, ora) && ha_partecipato(db, r).await? {
        StatoQuestionario::DaCompilare
    } else {
        StatoQuestionario::NonPrevisto
    })
}

/// Records the answer of `r`: only who attended, after the end, once.
pub async fn rispondi(
    uow: &Lavoro,
    r: &registrazione::Model,
    risposta: Risposta,
    ora: DateTime<Utc>,
) -> AppResult<()> {
    let sessioni = sessioni_di(uow, r.offerta_id).await?;
    match stato_questionario(uow, r, &sessioni, ora).await? {
        StatoQuestionario::Compilato => {
            return Err(AppError::Conflict(
                "Hai già risposto al questionario: grazie.".into(),
            ));
        }
        StatoQuestionario::NonPrevisto => {
            return Err(AppError::Conflict(
                "Il questionario è per chi ha partecipato, dopo la fine dell'iniziativa.".into(),
            ));
        }
        StatoQuestionario::DaCompilare => {}
    }
    let [generale, contenuti, organizzazione] = risposta.voti;
    uow.inserisci(questionario::ActiveModel {
        registrazione_id: Set(r.id),
        offerta_id: Set(r.offerta_id),
        generale: Set(generale),
        contenuti: Set(contenuti),
        organizzazione: Set(organizzazione),
        commento: Set(risposta.commento),
        risposto_at: Set(ora),
        ..Default::default()
    })
    .await
    .map_err(|e| {
        // Two answers at once: the unique key decides.
        if e.to_string().to_lowercase().contains("unique") {
            AppError::Conflict("Hai già risposto al questionario: grazie.".into())
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// What the attendees said of an offer.
#[derive(Debug, Clone, Default)]
pub struct Esiti {
    pub risposte: u64,
    /// Attended (who was asked).
    pub partecipanti: u64,
    /// Averages of the three marks, as [`VOCI`].
    pub medie: [f64; 3],
    /// The latest comments first.
    pub commenti: Vec<String>,
}

pub async fn esiti(db: &impl ConnectionTrait, offerta_id: i64) -> Result<Esiti, DbErr> {
    let righe = questionario::Entity::find()
        .filter(questionario::Column::OffertaId.eq(offerta_id))
        .order_by_desc(questionario::Column::RispostoAt)
        .all(db)
        .await?;
    let partecipanti = partecipanti(db, offerta_id).await?.len() as u64;
    let n = righe.len() as f64;
    let mut medie = [0.0; 3];
    if n > 0.0 {
        for q in &righe {
            for (m, v) in medie
                .iter_mut()
                .zip([q.generale, q.contenuti, q.organizzazione])
            {
                *m += f64::from(v) / n;
            }
        }
    }
    Ok(Esiti {
        risposte: righe.len() as u64,
        partecipanti,
        medie,
        commenti: righe.into_iter().filter_map(|q| q.commento).collect(),
    })
}

/// Sends the survey of every offer that ended (in the last [`FINESTRA_GIORNI`] days) and was
/// not surveyed yet, to each person who attended; returns how many messages were queued. The
/// offer is marked in the same unit of work, so two nodes running the ticker send it once
/// (the second finds it marked, or fails its update and rolls back).
pub async fn invia_questionari(
    uow: &Lavoro,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<u32> {
    // Only the offers with a session ended in the window are looked at (not the archive).
    let recenti: Vec<i64> = offerta_sessione::Entity::find()
        .select_only()
        .column(offerta_sessione::Column::OffertaId)
        .distinct()
        .filter(offerta_sessione::Column::Fine.lte(ora))
        .filter(offerta_sessione::Column::Fine.gte(ora - Duration::days(FINESTRA_GIORNI)))
        .into_tuple()
        .all(uow)
        .await?;
    let candidate = offerta::Entity::find()
        .filter(offerta::Column::Id.is_in(recenti))
        .filter(offerta::Column::QuestionarioAt.is_null())
        .all(uow)
        .await?;
    let mut inviati = 0;
    for o in candidate {
        let sessioni = sessioni_di(uow, o.id).await?;
        let Some(fine) = super::fine(&sessioni) else {
            continue;
        };
        if fine > ora || fine < ora - Duration::days(FINESTRA_GIORNI) {
            continue;
        }
        // Claim the offer: only the update that finds it unmarked goes on.
        let preso = offerta::Entity::update_many()
            .col_expr(offerta::Column::QuestionarioAt, ora.into())
            .filter(offerta::Column::Id.eq(o.id))
            .filter(offerta::Column::QuestionarioAt.is_null())
            .exec(uow)
            .await?
            .rows_affected
            == 1;
        if !preso {
            continue;
        }
        for chunk in partecipanti(uow, o.id).await?.chunks(500) {
            let regs = registrazione::Entity::find()
                .filter(registrazione::Column::Id.is_in(chunk.to_vec()))
                .all(uow)
                .await?;
            for r in regs {
                posta::accoda(
                    uow,
                    avvisi.messaggio(Avviso::Questionario, &r, &o, &sessioni),
                    ora,
                )
                .await?;
                inviati += 1;
            }
        }
    }
    Ok(inviati)
}
