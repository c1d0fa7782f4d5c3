//! The alerts' section of the comune page (`/comuni/{codice}`).

use super::avvisi::{AvvisoRiga, avviso_riga};
use super::{AllertaRiga, DocumentoRiga, documento_riga, per_canale, quadro, riga};
use crate::allerte::da_cap::RISCHI;
use crate::allerte::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::fmt;
use crate::kit::view::Ctx;

/// What `/comuni/{codice}` shows of the alerts: levels per risk now, alerts in force, notices
/// in force, the history.
pub struct SezioneComune {
    pub livello: &'static str,
    pub rischi: Vec<(&'static str, &'static str)>,
    pub attive: Vec<AllertaRiga>,
    pub avvisi: Vec<AvvisoRiga>,
    pub storia: std::sync::Arc<Vec<DocumentoRiga>>,
    pub codice: String,
    /// Subscriptions following the comune (counts only) and by channel.
    pub iscritti: String,
    pub iscritti_canali: String,
}

pub async fn sezione_comune(ctx: &Ctx, comune_id: i64, codice: &str) -> AppResult<SezioneComune> {
    let q = quadro(ctx, None).await?;
    let t = ctx.state.territorio.get();
    let l = q.livello(comune_id, None);
    let db = &ctx.state.db;
    // Cached like the administrators: the comune page is public and busy in a storm.
    let storia = ctx
        .state
        .allerte
        .storia
        .get_or_load(comune_id, &ctx.state.generazione, || async move {
            let fonti = store::fonti(db).await?;
            Ok::<_, AppError>(
                store::storia_comune(db, comune_id, 20)
                    .await?
                    .iter()
                    .map(|a| documento_riga(a, &fonti))
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    let adesione = crate::allerte::iscrizioni_routes::adesione(ctx).await?;
    Ok(SezioneComune {
        iscritti: fmt::int(adesione.comune(comune_id)),
        iscritti_canali: per_canale(adesione.per_comune.get(&comune_id)),
        livello: l.nome(),
        rischi: RISCHI
            .iter()
            .map(|(k, n)| (*n, q.livello(comune_id, Some(k)).nome()))
            .collect(),
        attive: q
            .attive
            .iter()
            .filter(|x| x.tocca(comune_id))
            .map(riga)
            .collect(),
        avvisi: q
            .avvisi
            .iter()
            .filter(|a| a.comune_id == comune_id)
            .map(|a| avviso_riga(&t, a))
            .collect(),
        storia,
        codice: codice.to_owned(),
    })
}
