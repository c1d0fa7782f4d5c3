//! The person's side of a registration, without an account: the ticket page its signed link
//! opens (confirm the e-mail, see the ticket and its QR, accept an offered seat, cancel or
//! leave the waitlist, download the certificate) and the public verification of certificates.

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_db::entities::{attestato, offerta, registrazione};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::messaggi::{Avvisi, quando};
use super::model::{mostra_codice, stato};
use super::store::{QuestionarioForm, StatoQuestionario, VOCI};
use super::{certificato, store};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Form, Path, Query};
use crate::kit::fmt;
use crate::kit::qr;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};

#[derive(Template)]
#[template(path = "registrazioni/biglietto.html")]
struct BigliettoPage {
    chrome: Chrome,
    gettone: String,
    r: registrazione::Model,
    o: offerta::Model,
    stato: &'static str,
    quando: String,
    codice: String,
    qr: String,
    posizione: Option<u64>,
    scade: String,
    attestato: Option<String>,
    puo_annullare: bool,
    avviso: Option<&'static str>,
    questionario: StatoQuestionario,
    /// The sessions with their own seats chosen, and whether the seat is held.
    scelte: Vec<(String, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Avviso {
    #[serde(default)]
    fatto: String,
}

fn verifica(ctx: &Ctx, gettone: &str) -> AppResult<i64> {
    Avvisi::da(&ctx.state)
        .verifica(gettone)
        .ok_or(AppError::NotFound)
}

/// The registration a signed token names, its offer and the offer's sessions.
async fn dal_gettone(
    ctx: &Ctx,
    gettone: &str,
) -> AppResult<(
    registrazione::Model,
    offerta::Model,
    Vec<piazza_db::entities::offerta_sessione::Model>,
)> {
    let id = verifica(ctx, gettone)?;
    let db = &ctx.state.db;
    let r = store::registrazione(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let o = store::offerta(db, r.offerta_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessioni = store::sessioni_di(db, o.id).await?;
    Ok((r, o, sessioni))
}

/// The ticket: what the registration is and what its person can do.
pub async fn biglietto(
    ctx: Ctx,
    Path(gettone): Path<String>,
    Query(a): Query<Avviso>,
) -> AppResult<Response> {
    let (r, o, sessioni) = dal_gettone(&ctx, &gettone).await?;
    let db = &ctx.state.db;
    let posizione = store::posizione_in_lista(db, &r).await?;
    let attestato = attestato::Entity::find()
        .filter(attestato::Column::RegistrazioneId.eq(r.id))
        .one(db)
        .await?
        .map(|a| a.codice);
    let questionario = store::stato_questionario(db, &r, &sessioni, Utc::now()).await?;
    let scelte = store::scelte_sessioni(db, o.id, Some(r.id))
        .await?
        .remove(&r.id)
        .unwrap_or_default();
    let codice = mostra_codice(&r.codice);
    let avviso = match a.fatto.as_str() {
        "confermata" => Some("Grazie: la registrazione è confermata."),
        "accettato" => Some("Hai accettato il posto: la registrazione è confermata."),
        "annullata" => Some("La registrazione è annullata."),
        "questionario" => Some("Grazie di aver risposto al questionario."),
        _ => None,
    };
    render(&BigliettoPage {
        chrome: ctx.chrome(o.titolo.clone(), &[("Biglietto", "")]),
        qr: qr::svg(&r.codice, 220, &format!("QR del biglietto {codice}")),
        stato: stato::nome(&r.stato),
        quando: quando(&sessioni),
        scade: r
            .offerta_scade_at
            .map(fmt::ora_italiana)
            .unwrap_or_default(),
        puo_annullare: !stato::CHIUSI.contains(&r.stato.as_str()),
        codice,
        posizione,
        attestato,
        gettone,
        avviso,
        questionario,
        scelte,
        r,
        o,
    })
}

/// Runs `f` on the registration the token names in a unit of work of its person.
async fn azione<F>(ctx: &Ctx, gettone: &str, f: F) -> AppResult<()>
where
    F: AsyncFnOnce(&Lavoro, i64, &Avvisi) -> AppResult<()>,
{
    let id = verifica(ctx, gettone)?;
    let actor = piazza_db::audit::Actor::system(&format!("registrazione {id} (dal biglietto)"));
    let uow = Lavoro::apri(&ctx.state.db, &actor).await?;
    f(&uow, id, &Avvisi::da(&ctx.state)).await?;
    uow.conferma().await?;
    Ok(())
}

pub async fn conferma(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    azione(&ctx, &gettone, async |uow, id, av| {
        store::conferma_email(uow, id, av, Utc::now())
            .await
            .map(|_| ())
    })
    .await?;
    Ok(see_other(&format!("/biglietto/{gettone}?fatto=confermata")))
}

pub async fn accetta(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    azione(&ctx, &gettone, async |uow, id, av| {
        store::accetta(uow, id, av, Utc::now()).await
    })
    .await?;
    Ok(see_other(&format!("/biglietto/{gettone}?fatto=accettato")))
}

pub async fn annulla(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    azione(&ctx, &gettone, async |uow, id, av| {
        store::annulla(uow, id, av, Utc::now()).await.map(|_| ())
    })
    .await?;
    Ok(see_other(&format!("/biglietto/{gettone}?fatto=annullata")))
}

/// The certificate of attendance (issued at the first download).
pub async fn attestato_pdf(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, &gettone)?;
    let db = &ctx.state.db;
    let actor = piazza_db::audit::Actor::system(&format!("registrazione {id} (dal biglietto)"));
    let uow = Lavoro::apri(db, &actor).await?;
    let r = store::registrazione(&uow, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let o = store::offerta(&uow, r.offerta_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = store::attestato(&uow, &r, &o, Utc::now()).await?;
    uow.conferma().await?;
    let cfg = &ctx.state.config.associazione;
    let pdf = certificato::pdf(
        &a,
        &cfg.nome_associazione,
        cfg.public_url.trim_end_matches('/'),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"attestato-{}.pdf\"", a.codice),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "registrazioni/questionario.html")]
struct QuestionarioPage {
    chrome: Chrome,
    gettone: String,
    titolo: String,
    voci: Vec<(&'static str, &'static str, String)>,
    commento: String,
    errors: FormErrors,
    stato: StatoQuestionario,
}

async fn questionario_page(
    ctx: &Ctx,
    gettone: String,
    f: &QuestionarioForm,
    errors: FormErrors,
) -> AppResult<QuestionarioPage> {
    let (r, o, sessioni) = dal_gettone(ctx, &gettone).await?;
    let db = &ctx.state.db;
    Ok(QuestionarioPage {
        chrome: ctx.chrome(
            "Questionario di gradimento",
            &[
                ("Biglietto", &format!("/biglietto/{gettone}")),
                ("Questionario", ""),
            ],
        ),
        stato: store::stato_questionario(db, &r, &sessioni, Utc::now()).await?,
        gettone,
        titolo: o.titolo,
        voci: VOCI
            .iter()
            .map(|(k, d)| (*k, *d, f.valore(k).trim().to_owned()))
            .collect(),
        commento: f.commento.clone(),
        errors,
    })
}

/// The satisfaction survey of who attended.
pub async fn questionario(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let p = questionario_page(
        &ctx,
        gettone,
        &QuestionarioForm::default(),
        FormErrors::default(),
    )
    .await?;
    render(&p)
}

pub async fn questionario_invia(
    ctx: Ctx,
    Path(gettone): Path<String>,
    Form(f): Form<QuestionarioForm>,
) -> AppResult<Response> {
    let risposta = match f.validate() {
        Ok(r) => r,
        Err(e) => return render_invalid(&questionario_page(&ctx, gettone, &f, e).await?),
    };
    azione(&ctx, &gettone, async |uow, id, _| {
        let r = store::registrazione(uow, id)
            .await?
            .ok_or(AppError::NotFound)?;
        store::rispondi(uow, &r, risposta, Utc::now()).await
    })
    .await?;
    Ok(see_other(&format!(
        "/biglietto/{gettone}?fatto=questionario"
    )))
}

#[derive(Template)]
#[template(path = "registrazioni/verifica.html")]
struct VerificaPage {
    chrome: Chrome,
    cercato: String,
    a: Option<attestato::Model>,
    ore: String,
    emesso: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct VerificaQuery {
    #[serde(default)]
    codice: String,
}

async fn verifica_page(ctx: &Ctx, codice: &str) -> AppResult<Response> {
    let a = if codice.trim().is_empty() {
        None
    } else {
        store::attestato_per_codice(&ctx.state.db, codice).await?
    };
    let mut resp = render(&VerificaPage {
        chrome: ctx.chrome(
            "Verifica di un attestato",
            &[("Verifica attestato", "/verifica")],
        ),
        cercato: codice.trim().to_owned(),
        ore: a
            .as_ref()
            .map(|a| certificato::ore(a.minuti))
            .unwrap_or_default(),
        emesso: a
            .as_ref()
            .map(|a| fmt::ora_italiana(a.emesso_at))
            .unwrap_or_default(),
        a,
    })?;
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        "no-store".parse().expect("valid header"),
    );
    Ok(resp)
}

/// `/verifica?codice=…`: the form, and the certificate when a code is given.
pub async fn verifica_form(ctx: Ctx, Query(q): Query<VerificaQuery>) -> AppResult<Response> {
    verifica_page(&ctx, &q.codice).await
}

/// `/verifica/{codice}`: the link printed on the certificate and in its QR.
pub async fn verifica_codice(ctx: Ctx, Path(codice): Path<String>) -> AppResult<Response> {
    verifica_page(&ctx, &codice).await
}
