//! Citizens' subscriptions (Cittadino Informato, part 2): the form as typed and its
//! validation, and the store. A subscription is one channel and one address (an e-mail, a
//! mobile number, a browser's push endpoint) with the comuni, risks, minimum level and
//! all-clear wish; nothing else is kept about the person but the consent (time and text).
//!
//! - E-mail and SMS need a double opt-in: the subscription waits (`da_confermare`) until the
//!   link in the confirmation message is followed; unconfirmed ones are deleted after
//!   `ore_conferma` hours (the retention policy, `piazza_alerts::outbox::pulisci`).
//! - Web push is confirmed by the browser itself (the permission prompt and the subscription).
//! - Links name a subscription and are signed (`piazza_alerts::chiavi`): confirm, manage
//!   (see, change, export, delete), one-click unsubscribe.
//! - The answer to a subscription never says whether the address was already subscribed.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use piazza_alerts::canale;
use piazza_alerts::outbox::{self, iscrizione_stato};
use piazza_db::entities::{consenso, invio, iscrizione, iscrizione_comune};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::bollettino::Livello;
use super::da_cap::RISCHI;
use super::store::sha256;
use crate::error::{AppError, AppResult};
use crate::territorio::Territorio;
use crate::text::normalize;
use crate::view::FormErrors;

/// The consent a subscriber gives, shown next to the box and kept with its time.
pub const CONSENSO: &str = "Acconsento a che l'associazione conservi il recapito indicato e i \
comuni scelti al solo scopo di inviarmi le allerte di protezione civile che ho chiesto. \
Posso vedere, scaricare e cancellare i miei dati in ogni momento dal collegamento presente \
in ogni messaggio; il registro dei messaggi inviati è cancellato dopo 30 giorni.";

/// At most this many comuni per subscription.
pub const MAX_COMUNI: usize = 10;

/// The bit of a risk in `iscrizioni.rischi` (its position in [`RISCHI`]).
pub fn bit(rischio: &str) -> i32 {
    RISCHI
        .iter()
        .position(|(k, _)| *k == rischio)
        .map_or(0, |i| 1 << i)
}

/// Every risk.
pub fn tutti_i_rischi() -> i32 {
    (1 << RISCHI.len()) - 1
}

/// The risks of a mask, as codes.
pub fn rischi_di(mask: i32) -> Vec<&'static str> {
    RISCHI
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, (k, _))| *k)
        .collect()
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct IscrizioneForm {
    /// Comuni as typed: names (any case, accents optional) or ISTAT codes.
    pub comuni: Vec<String>,
    pub rischi: Vec<String>,
    pub soglia: String,
    pub fine_allerta: bool,
    pub email: String,
    pub telefono: String,
    pub consenso: bool,
}

impl IscrizioneForm {
    /// What the empty form proposes: every risk, from yellow, with all-clears.
    pub fn nuovo() -> Self {
        Self {
            comuni: vec![String::new()],
            rischi: RISCHI.iter().map(|(k, _)| (*k).to_owned()).collect(),
            soglia: Livello::Giallo.nome().into(),
            fine_allerta: true,
            ..Default::default()
        }
    }

    pub fn da_coppie(coppie: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in coppie {
            match k.as_str() {
                "comune" => {
                    // One field may hold several, separated by commas or semicolons.
                    f.comuni.extend(
                        v.split([',', ';'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned),
                    )
                }
                "rischi" => f.rischi.push(v),
                "soglia" => f.soglia = v,
                "fine_allerta" => f.fine_allerta = !v.is_empty(),
                "email" => f.email = v,
                "telefono" => f.telefono = v,
                "consenso" => f.consenso = !v.is_empty(),
                _ => {}
            }
        }
        f
    }

    pub fn da_preferenze(p: &Preferenze, t: &Territorio) -> Self {
        Self {
            comuni: p
                .comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id))
                .map(|c| c.nome.clone())
                .collect(),
            rischi: rischi_di(p.rischi).into_iter().map(str::to_owned).collect(),
            soglia: Livello::da_numero(p.soglia).nome().into(),
            fine_allerta: p.fine_allerta,
            ..Default::default()
        }
    }
}

/// What a subscriber wants to receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferenze {
    /// Comune ids, in the order given.
    pub comuni: Vec<i64>,
    pub rischi: i32,
    /// 1 yellow .. 3 red.
    pub soglia: i32,
    pub fine_allerta: bool,
}

/// A validated subscription from the public form: e-mail and/or mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NuovaIscrizione {
    pub preferenze: Preferenze,
    pub email: Option<String>,
    pub telefono: Option<String>,
}

/// A comune by ISTAT code or by name (case and accents ignored).
pub fn trova_comune<'t>(t: &'t Territorio, s: &str) -> Option<&'t crate::territorio::ComuneInfo> {
    let s = s.trim();
    t.comune(s).or_else(|| {
        let n = normalize(s);
        t.comuni.iter().find(|c| c.nome_norm == n)
    })
}

/// Comuni, risks, threshold, all-clears.
pub fn valida_preferenze(f: &IscrizioneForm, t: &Territorio, e: &mut FormErrors) -> Preferenze {
    let mut comuni = Vec::new();
    let mut visti = BTreeSet::new();
    for c in f.comuni.iter().filter(|c| !c.trim().is_empty()) {
        match trova_comune(t, c) {
            Some(cm) => {
                if visti.insert(cm.id) {
                    comuni.push(cm.id);
                }
            }
            None => e.add(
                "comune",
                format!("Comune non trovato: «{}». Sceglilo dall'elenco.", c.trim()),
            ),
        }
    }
    if comuni.is_empty() && !e.has("comune") {
        e.add("comune", "Scegli almeno un comune.");
    }
    if comuni.len() > MAX_COMUNI {
        e.add(
            "comune",
            format!("Puoi seguire al massimo {MAX_COMUNI} comuni con un'iscrizione."),
        );
    }
    let mut rischi = 0;
    for r in &f.rischi {
        match bit(r) {
            0 => e.add("rischi", format!("Rischio sconosciuto: «{r}».")),
            b => rischi |= b,
        }
    }
    if rischi == 0 && !e.has("rischi") {
        e.add("rischi", "Scegli almeno un rischio.");
    }
    let soglia = match Livello::da_nome(f.soglia.trim()) {
        Some(l) if l > Livello::Verde => l.numero(),
        _ => {
            e.add(
                "soglia",
                "Scegli da quale livello avvisarti: giallo, arancione o rosso.",
            );
            1
        }
    };
    Preferenze {
        comuni,
        rischi,
        soglia,
        fine_allerta: f.fine_allerta,
    }
}

/// An e-mail address in a plain form (`nome@dominio.tld`), lower-cased.
pub fn email(s: &str) -> Option<String> {
    let s = s.trim();
    let (locale, dominio) = s.rsplit_once('@')?;
    let ok = !locale.is_empty()
        && locale.len() <= 64
        && s.len() <= 254
        && dominio.contains('.')
        && !dominio.starts_with('.')
        && !dominio.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !locale.contains(['<', '>', '(', ')', ',', ';', ':', '\\', '"', '[', ']'])
        && dominio
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    // Lower-cased whole: mailboxes that differ only by case are one person in practice, and
    // one address must be one subscription.
    ok.then(|| s.to_lowercase())
}

/// An Italian mobile number, as `+39` and 9–10 digits starting with 3.
pub fn cellulare(s: &str) -> Option<String> {
    let compatto: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !['-', '.', '/', '(', ')'].contains(c))
        .collect();
    let cifre = compatto
        .strip_prefix("+39")
        .or_else(|| compatto.strip_prefix("0039"))
        .unwrap_or(&compatto);
    (cifre.starts_with('3')
        && (9..=10).contains(&cifre.len())
        && cifre.chars().all(|c| c.is_ascii_digit()))
    .then(|| format!("+39{cifre}"))
}

pub fn valida(f: &IscrizioneForm, t: &Territorio) -> Result<NuovaIscrizione, FormErrors> {
    let mut e = FormErrors::default();
    let preferenze = valida_preferenze(f, t, &mut e);
    let email_v = (!f.email.trim().is_empty())
        .then(|| {
            email(&f.email).or_else(|| {
                e.add("email", "Indirizzo e-mail non valido.");
                None
            })
        })
        .flatten();
    let tel_v = (!f.telefono.trim().is_empty())
        .then(|| {
            cellulare(&f.telefono).or_else(|| {
                e.add(
                    "telefono",
                    "Numero di cellulare non valido: un numero italiano che inizia con 3, \
                     anche con +39.",
                );
                None
            })
        })
        .flatten();
    if f.email.trim().is_empty() && f.telefono.trim().is_empty() {
        e.add(
            "email",
            "Indica un indirizzo e-mail o un numero di cellulare (per le notifiche nel browser \
             usa il pulsante apposito).",
        );
    }
    if !f.consenso {
        e.add(
            "consenso",
            "Per iscriverti serve il consenso al trattamento dei dati.",
        );
    }
    if e.is_empty() {
        Ok(NuovaIscrizione {
            preferenze,
            email: email_v,
            telefono: tel_v,
        })
    } else {
        Err(e)
    }
}

/// The consent text's row, created on first use.
async fn consenso_id(c: &impl ConnectionTrait, testo: &str) -> AppResult<i64> {
    let h = sha256(testo);
    let trova = || consenso::Entity::find().filter(consenso::Column::Sha256.eq(&h));
    if let Some(k) = trova().one(c).await? {
        return Ok(k.id);
    }
    consenso::Entity::insert(consenso::ActiveModel {
        sha256: Set(h.clone()),
        testo: Set(testo.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(consenso::Column::Sha256)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(trova()
        .one(c)
        .await?
        .ok_or_else(|| AppError::Internal("consenso non salvato".into()))?
        .id)
}

async fn scrivi_comuni(c: &impl ConnectionTrait, id: i64, comuni: &[i64]) -> AppResult<()> {
    iscrizione_comune::Entity::delete_many()
        .filter(iscrizione_comune::Column::IscrizioneId.eq(id))
        .exec(c)
        .await?;
    if comuni.is_empty() {
        return Ok(());
    }
    iscrizione_comune::Entity::insert_many(comuni.iter().map(|cm| {
        iscrizione_comune::ActiveModel {
            iscrizione_id: Set(id),
            comune_id: Set(*cm),
            ..Default::default()
        }
    }))
    .exec_without_returning(c)
    .await?;
    Ok(())
}

fn nuova_riga(
    canale: &str,
    indirizzo: &str,
    p: &Preferenze,
    stato: &str,
    consenso_id: i64,
    ora: DateTime<Utc>,
) -> iscrizione::ActiveModel {
    iscrizione::ActiveModel {
        canale: Set(canale.to_owned()),
        indirizzo: Set(indirizzo.to_owned()),
        p256dh: Set(None),
        auth: Set(None),
        soglia: Set(p.soglia),
        rischi: Set(p.rischi),
        fine_allerta: Set(p.fine_allerta),
        tester: Set(false),
        stato: Set(stato.to_owned()),
        consenso_id: Set(consenso_id),
        consenso_at: Set(ora),
        confermata_at: Set((stato == iscrizione_stato::ATTIVA).then_some(ora)),
        created_at: Set(ora),
        ..Default::default()
    }
}

async fn per_indirizzo(
    c: &impl ConnectionTrait,
    canale: &str,
    indirizzo: &str,
) -> AppResult<Option<iscrizione::Model>> {
    Ok(iscrizione::Entity::find()
        .filter(iscrizione::Column::Canale.eq(canale))
        .filter(iscrizione::Column::Indirizzo.eq(indirizzo))
        .one(c)
        .await?)
}

/// A confirmation message is queued at most once per this interval for one subscription.
const INTERVALLO_CONFERME: i64 = 10;

/// Subscribes by e-mail and/or SMS (double opt-in), in one transaction: a new address waits
/// for confirmation; one still waiting takes the new preferences; an active one is left as it
/// is (its owner changes it from the manage link). Each gets a confirmation message, at most
/// one every ten minutes. Returns the subscription ids.
pub async fn iscrivi(
    db: &DatabaseConnection,
    n: &NuovaIscrizione,
    ora: DateTime<Utc>,
    ore_conferma: i64,
) -> AppResult<Vec<i64>> {
    let txn = piazza_db::scrittura(db).await?;
    let consenso = consenso_id(&txn, CONSENSO).await?;
    let mut ids = Vec::new();
    for (c, indirizzo) in [
        (canale::EMAIL, n.email.as_deref()),
        (canale::SMS, n.telefono.as_deref()),
    ] {
        let Some(indirizzo) = indirizzo else { continue };
        let riga = match per_indirizzo(&txn, c, indirizzo).await? {
            None => {
                let r = nuova_riga(
                    c,
                    indirizzo,
                    &n.preferenze,
                    iscrizione_stato::DA_CONFERMARE,
                    consenso,
                    ora,
                )
                .insert(&txn)
                .await?;
                scrivi_comuni(&txn, r.id, &n.preferenze.comuni).await?;
                r
            }
            Some(r) if r.stato == iscrizione_stato::DA_CONFERMARE => {
                let mut a = r.into_active_model();
                a.soglia = Set(n.preferenze.soglia);
                a.rischi = Set(n.preferenze.rischi);
                a.fine_allerta = Set(n.preferenze.fine_allerta);
                a.consenso_id = Set(consenso);
                a.consenso_at = Set(ora);
                let r = a.update(&txn).await?;
                scrivi_comuni(&txn, r.id, &n.preferenze.comuni).await?;
                r
            }
            Some(r) => r,
        };
        let recenti = invio::Entity::find()
            .filter(invio::Column::NotificaId.is_null())
            .filter(invio::Column::DestinatarioId.eq(riga.id))
            .filter(invio::Column::Canale.eq(c))
            .filter(
                invio::Column::CreatedAt
                    .gt(outbox::al_ms(ora - Duration::minutes(INTERVALLO_CONFERME))),
            )
            .count(&txn)
            .await?;
        if recenti == 0 {
            outbox::accoda_conferma(&txn, &riga, ora, ora + Duration::hours(ore_conferma)).await?;
        }
        ids.push(riga.id);
    }
    txn.commit().await?;
    Ok(ids)
}

/// What a browser sends after `pushManager.subscribe()`, with the preferences.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PushJson {
    pub endpoint: String,
    pub keys: PushKeys,
    #[serde(default)]
    pub comuni: Vec<String>,
    #[serde(default)]
    pub rischi: Vec<String>,
    #[serde(default)]
    pub soglia: String,
    #[serde(default)]
    pub fine_allerta: bool,
    #[serde(default)]
    pub consenso: bool,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct PushKeys {
    pub p256dh: String,
    pub auth: String,
}

/// Validates a push subscription: an endpoint the server may post to under `rete` (`https`
/// to a public address of an allowed push service: otherwise anybody could make the server
/// post inside its network; the delivery engine checks again when it connects), keys that
/// encrypt, preferences, consent.
pub fn valida_push(
    j: &PushJson,
    t: &Territorio,
    rete: &piazza_net::Regole,
) -> Result<Preferenze, FormErrors> {
    let mut e = FormErrors::default();
    let f = IscrizioneForm {
        comuni: j.comuni.clone(),
        rischi: j.rischi.clone(),
        soglia: j.soglia.clone(),
        fine_allerta: j.fine_allerta,
        ..Default::default()
    };
    let p = valida_preferenze(&f, t, &mut e);
    if j.endpoint.len() > 1024 || piazza_push::origine(&j.endpoint).is_none() {
        e.add(
            "endpoint",
            "Indirizzo della sottoscrizione push non valido.",
        );
    } else if let Err(r) = piazza_net::verifica_url(&j.endpoint, rete) {
        e.add(
            "endpoint",
            format!("Indirizzo della sottoscrizione push non ammesso: {r}"),
        );
    }
    if piazza_push::Sottoscrizione::da_json(&j.endpoint, &j.keys.p256dh, &j.keys.auth).is_err() {
        e.add("endpoint", "Chiavi della sottoscrizione push non valide.");
    }
    if !j.consenso {
        e.add(
            "consenso",
            "Per iscriverti serve il consenso al trattamento dei dati.",
        );
    }
    if e.is_empty() { Ok(p) } else { Err(e) }
}

/// What a push subscription request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EsitoPush {
    /// A new subscription (its id).
    Nuova(i64),
    /// The same browser again (the endpoint and its secret `auth` match): new preferences.
    Aggiornata(i64),
    /// The endpoint is subscribed with another secret: nothing changed, nothing to show.
    /// Only the browser holds the secret; whoever knows an endpoint cannot take it over.
    GiaIscritta,
}

/// Subscribes a browser, or updates the preferences of the same browser (the endpoint and
/// its `auth` secret both match, compared in constant time).
pub async fn iscrivi_push(
    db: &DatabaseConnection,
    j: &PushJson,
    p: &Preferenze,
    ora: DateTime<Utc>,
) -> AppResult<EsitoPush> {
    let txn = piazza_db::scrittura(db).await?;
    let consenso = consenso_id(&txn, CONSENSO).await?;
    let esito = match per_indirizzo(&txn, canale::PUSH, &j.endpoint).await? {
        Some(r) => {
            let stesso = r.auth.as_deref().is_some_and(|a| {
                piazza_alerts::chiavi::uguali(a.as_bytes(), j.keys.auth.as_bytes())
            }) && r.p256dh.as_deref() == Some(j.keys.p256dh.as_str());
            if !stesso {
                return Ok(EsitoPush::GiaIscritta);
            }
            let mut a = r.into_active_model();
            a.soglia = Set(p.soglia);
            a.rischi = Set(p.rischi);
            a.fine_allerta = Set(p.fine_allerta);
            a.consenso_id = Set(consenso);
            a.consenso_at = Set(ora);
            EsitoPush::Aggiornata(a.update(&txn).await?.id)
        }
        None => {
            let mut a = nuova_riga(
                canale::PUSH,
                &j.endpoint,
                p,
                iscrizione_stato::ATTIVA,
                consenso,
                ora,
            );
            a.p256dh = Set(Some(j.keys.p256dh.clone()));
            a.auth = Set(Some(j.keys.auth.clone()));
            EsitoPush::Nuova(a.insert(&txn).await?.id)
        }
    };
    let id = match esito {
        EsitoPush::Nuova(id) | EsitoPush::Aggiornata(id) => id,
        EsitoPush::GiaIscritta => unreachable!("returned above"),
    };
    scrivi_comuni(&txn, id, &p.comuni).await?;
    txn.commit().await?;
    Ok(esito)
}

/// A subscription with its comuni and consent text.
#[derive(Debug, Clone)]
pub struct Scheda {
    pub iscrizione: iscrizione::Model,
    pub preferenze: Preferenze,
    pub consenso: String,
}

pub async fn scheda(db: &impl ConnectionTrait, id: i64) -> AppResult<Scheda> {
    let i = iscrizione::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let comuni = iscrizione_comune::Entity::find()
        .select_only()
        .column(iscrizione_comune::Column::ComuneId)
        .filter(iscrizione_comune::Column::IscrizioneId.eq(id))
        .order_by_asc(iscrizione_comune::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let consenso = consenso::Entity::find_by_id(i.consenso_id)
        .one(db)
        .await?
        .map(|c| c.testo)
        .unwrap_or_default();
    Ok(Scheda {
        preferenze: Preferenze {
            comuni,
            rischi: i.rischi,
            soglia: i.soglia,
            fine_allerta: i.fine_allerta,
        },
        iscrizione: i,
        consenso,
    })
}

/// Confirms a subscription (double opt-in). Confirming twice is harmless.
pub async fn conferma(db: &DatabaseConnection, id: i64, ora: DateTime<Utc>) -> AppResult<()> {
    let i = iscrizione::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if i.stato == iscrizione_stato::DA_CONFERMARE {
        let mut a = i.into_active_model();
        a.stato = Set(iscrizione_stato::ATTIVA.into());
        a.confermata_at = Set(Some(ora));
        a.update(db).await?;
    }
    Ok(())
}

/// Changes what a subscriber receives.
pub async fn aggiorna(db: &DatabaseConnection, id: i64, p: &Preferenze) -> AppResult<()> {
    let txn = piazza_db::scrittura(db).await?;
    let i = iscrizione::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut a = i.into_active_model();
    a.soglia = Set(p.soglia);
    a.rischi = Set(p.rischi);
    a.fine_allerta = Set(p.fine_allerta);
    a.update(&txn).await?;
    scrivi_comuni(&txn, id, &p.comuni).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a subscription and every trace of it: its comuni and its messages (queued or sent).
pub async fn elimina(db: &DatabaseConnection, id: i64) -> AppResult<bool> {
    let txn = piazza_db::scrittura(db).await?;
    let Some(i) = iscrizione::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    invio::Entity::delete_many()
        .filter(invio::Column::DestinatarioId.eq(id))
        .filter(invio::Column::Canale.eq(&i.canale))
        .exec(&txn)
        .await?;
    iscrizione::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// The messages of a subscription, newest first.
pub async fn messaggi(
    db: &impl ConnectionTrait,
    i: &iscrizione::Model,
    limite: u64,
) -> AppResult<Vec<invio::Model>> {
    Ok(invio::Entity::find()
        .filter(invio::Column::DestinatarioId.eq(i.id))
        .filter(invio::Column::Canale.eq(&i.canale))
        .order_by_desc(invio::Column::Id)
        .limit(limite)
        .all(db)
        .await?)
}

/// Everything kept about a subscription, for its owner (JSON).
pub async fn esporta(
    db: &impl ConnectionTrait,
    s: &Scheda,
    t: &Territorio,
) -> AppResult<serde_json::Value> {
    let i = &s.iscrizione;
    let messaggi = messaggi(db, i, 10_000).await?;
    Ok(serde_json::json!({
        "canale": i.canale,
        "indirizzo": i.indirizzo,
        "stato": i.stato,
        "comuni": s.preferenze.comuni.iter().filter_map(|id| t.comune_by_id(*id)).map(|c| serde_json::json!({"codice_istat": c.codice_istat, "nome": c.nome})).collect::<Vec<_>>(),
        "rischi": rischi_di(i.rischi),
        "livello_minimo": Livello::da_numero(i.soglia).nome(),
        "fine_allerta": i.fine_allerta,
        "consenso": { "testo": s.consenso, "dato_il": i.consenso_at.to_rfc3339() },
        "creata_il": i.created_at.to_rfc3339(),
        "confermata_il": i.confermata_at.map(|t| t.to_rfc3339()),
        "messaggi": messaggi.iter().map(|m| serde_json::json!({
            "notifica": m.notifica_id,
            "stato": m.stato,
            "tentativi": m.tentativi,
            "creato_il": m.created_at.to_rfc3339(),
            "inviato_il": m.inviato_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
    }))
}

/// Marks (or unmarks) the active subscriptions of an address as testers: they receive
/// exercises. Returns how many.
pub async fn imposta_tester(
    db: &DatabaseConnection,
    indirizzo: &str,
    tester: bool,
) -> AppResult<u64> {
    let indirizzo = email(indirizzo)
        .or_else(|| cellulare(indirizzo))
        .unwrap_or_else(|| indirizzo.trim().to_owned());
    Ok(iscrizione::Entity::update_many()
        .col_expr(
            iscrizione::Column::Tester,
            sea_orm::sea_query::Expr::value(tester),
        )
        .filter(iscrizione::Column::Indirizzo.eq(indirizzo))
        .filter(iscrizione::Column::Stato.eq(iscrizione_stato::ATTIVA))
        .exec(db)
        .await?
        .rows_affected)
}

/// Active subscriptions by comune and channel (counts only): (comune id, channel, count).
pub async fn adesione(db: &impl ConnectionTrait) -> AppResult<Vec<(i64, String, i64)>> {
    let righe = db
        .query_all_raw(outbox::stmt(
            db,
            "SELECT ic.comune_id AS comune_id, i.canale AS canale, COUNT(*) AS n \
             FROM iscrizioni_comuni ic JOIN iscrizioni i ON i.id = ic.iscrizione_id \
             WHERE i.stato = $1 GROUP BY ic.comune_id, i.canale",
            vec![iscrizione_stato::ATTIVA.into()],
        ))
        .await?;
    Ok(righe
        .iter()
        .map(|r| {
            Ok((
                r.try_get("", "comune_id")?,
                r.try_get("", "canale")?,
                r.try_get("", "n")?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Active subscriptions by month of confirmation (`AAAA-MM`, count), oldest first.
pub async fn crescita(db: &impl ConnectionTrait) -> AppResult<Vec<(String, i64)>> {
    let mese = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            "to_char(confermata_at AT TIME ZONE 'UTC', 'YYYY-MM')"
        }
        _ => "substr(confermata_at, 1, 7)",
    };
    let righe = db
        .query_all_raw(outbox::stmt(
            db,
            &format!(
                "SELECT {mese} AS mese, COUNT(*) AS n FROM iscrizioni \
                 WHERE stato = $1 AND confermata_at IS NOT NULL GROUP BY {mese} ORDER BY {mese}"
            ),
            vec![iscrizione_stato::ATTIVA.into()],
        ))
        .await?;
    Ok(righe
        .iter()
        .map(|r| Ok((r.try_get("", "mese")?, r.try_get("", "n")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Active subscriptions by comune and channel, and in total (counts only).
#[derive(Debug, Clone, Default)]
pub struct Adesione {
    pub per_comune: std::collections::HashMap<i64, std::collections::BTreeMap<String, i64>>,
    pub totali: std::collections::BTreeMap<String, i64>,
    /// Distinct subscriptions (one following three comuni counts once).
    pub iscrizioni: i64,
}

impl Adesione {
    pub async fn carica(db: &impl ConnectionTrait) -> AppResult<Self> {
        let mut a = Self::default();
        for (comune, canale, n) in adesione(db).await? {
            a.per_comune.entry(comune).or_default().insert(canale, n);
        }
        let per_canale: Vec<(String, i64)> = iscrizione::Entity::find()
            .select_only()
            .column(iscrizione::Column::Canale)
            .column_as(iscrizione::Column::Id.count(), "n")
            .filter(iscrizione::Column::Stato.eq(iscrizione_stato::ATTIVA))
            .group_by(iscrizione::Column::Canale)
            .into_tuple()
            .all(db)
            .await?;
        a.iscrizioni = per_canale.iter().map(|(_, n)| n).sum();
        a.totali = per_canale.into_iter().collect();
        Ok(a)
    }

    /// Subscriptions following a comune, all channels.
    pub fn comune(&self, id: i64) -> i64 {
        self.per_comune.get(&id).map_or(0, |m| m.values().sum())
    }
}
