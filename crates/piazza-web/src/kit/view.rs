//! What every page handler gets: the request context (`Ctx`: user, session, URL, htmx) with the
//! permission gates, and the page chrome (header, navigation, breadcrumbs) that `base.html` draws.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use piazza_db::audit::Actor;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::{Principal, store};
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::{self, MODULI};

pub const SESSION_USER_KEY: &str = piazza_db::session_store::CHIAVE_UTENTE;

pub struct Ctx {
    pub user: Option<Principal>,
    pub session: Session,
    /// Path and query of this request, to come back after login.
    pub uri: String,
    pub path: String,
    pub htmx: bool,
    pub state: AppState,
}

impl<S> FromRequestParts<S> for Ctx
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(s);
        let session = Session::from_request_parts(parts, s)
            .await
            .map_err(|(_, m)| AppError::interno(format!("sessione non disponibile: {m}")))?;
        let uid: Option<i64> = session
            .get(SESSION_USER_KEY)
            .await
            .map_err(|e| AppError::causa("sessione", e))?;
        let user = match uid {
            Some(id) => store::load_principal(&state.db, id).await?,
            None => None,
        };
        let htmx = parts.headers.contains_key("hx-request");
        let uri = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Ok(Ctx {
            user,
            session,
            uri,
            path: parts.uri.path().to_owned(),
            htmx,
            state,
        })
    }
}

impl Ctx {
    fn unauthenticated(&self) -> AppError {
        AppError::Unauthenticated {
            next: self.uri.clone(),
        }
    }

    pub fn require_login(&self) -> AppResult<&Principal> {
        self.user.as_ref().ok_or_else(|| self.unauthenticated())
    }

    /// Reading `modulo`: public modules need nothing, others a grant.
    pub fn require_read(&self, modulo: &str) -> AppResult<()> {
        if moduli::modulo(modulo).is_some_and(|m| m.lettura_pubblica) {
            return Ok(());
        }
        let u = self.require_login()?;
        if u.can_read(modulo) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Editing a record of `modulo` that belongs to `comune` (if any).
    pub fn require_edit(&self, modulo: &str, comune: Option<i64>) -> AppResult<&Principal> {
        let u = self.require_login()?;
        if u.can_edit(modulo, comune) {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Opening a form of `modulo` whose comune is not known yet.
    pub fn require_edit_some(&self, modulo: &str) -> AppResult<&Principal> {
        let u = self.require_login()?;
        if u.can_edit_some(modulo) {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Staff of `modulo`: a grant on it (admin, editor or viewer), beyond what is public.
    pub fn require_grant(&self, modulo: &str) -> AppResult<&Principal> {
        let u = self.require_login()?;
        if u.has_grant(modulo) {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn has_grant(&self, modulo: &str) -> bool {
        self.user.as_ref().is_some_and(|u| u.has_grant(modulo))
    }

    pub fn require_admin(&self) -> AppResult<&Principal> {
        let u = self.require_login()?;
        if u.is_admin() {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn can_read(&self, modulo: &str) -> bool {
        moduli::modulo(modulo).is_some_and(|m| m.lettura_pubblica)
            || self.user.as_ref().is_some_and(|u| u.can_read(modulo))
    }

    pub fn can_edit(&self, modulo: &str, comune: Option<i64>) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.can_edit(modulo, comune))
    }

    pub fn can_edit_some(&self, modulo: &str) -> bool {
        self.user.as_ref().is_some_and(|u| u.can_edit_some(modulo))
    }

    /// Who to write in the audit log.
    pub fn actor(&self) -> Actor {
        match &self.user {
            Some(u) => Actor {
                utente_id: Some(u.id),
                descrizione: u.email.clone(),
            },
            None => Actor::system("anonimo"),
        }
    }

    /// The page chrome: `title` and the breadcrumbs after "Home".
    pub fn chrome(&self, title: impl Into<String>, crumbs: &[(&str, &str)]) -> Chrome {
        let current_module = MODULI
            .iter()
            .find(|m| module_owns_path(m.chiave, &self.path))
            .map(|m| m.chiave);
        let nav = MODULI
            .iter()
            .filter(|m| self.can_read(m.chiave))
            .map(|m| NavItem {
                nome: m.nome,
                path: m.path,
                attivo: Some(m.chiave) == current_module,
            })
            .collect();
        Chrome {
            app_name: self.state.config.associazione.nome_associazione.clone(),
            title: title.into(),
            user_nome: self.user.as_ref().map(|u| u.nome.clone()),
            nav,
            crumbs: crumbs
                .iter()
                .map(|(n, p)| Crumb {
                    nome: (*n).to_owned(),
                    path: (*p).to_owned(),
                })
                .collect(),
        }
    }
}

/// Which module a path belongs to, for the active tab in the header.
fn module_owns_path(modulo: &str, path: &str) -> bool {
    let prefixes: &[&str] = match modulo {
        moduli::TERRITORIO => &["/comuni", "/mappa", "/zone-allerta"],
        moduli::ANAGRAFICA => &["/persone", "/organizzazioni", "/amministratori"],
        moduli::PIANO => &["/piano"],
        moduli::PROGETTI => &["/progetti"],
        moduli::ALLERTE => &["/allerte"],
        moduli::AMMINISTRAZIONE => &["/admin"],
        _ => &[],
    };
    prefixes.iter().any(|p| path.starts_with(p))
}

pub struct Chrome {
    pub app_name: String,
    pub title: String,
    pub user_nome: Option<String>,
    pub nav: Vec<NavItem>,
    pub crumbs: Vec<Crumb>,
}

pub struct NavItem {
    pub nome: &'static str,
    pub path: &'static str,
    pub attivo: bool,
}

pub struct Crumb {
    pub nome: String,
    pub path: String,
}

/// Errors of a form, by field name, shown next to each field.
#[derive(Debug, Default)]
pub struct FormErrors(pub BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, msg: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| msg.into());
    }
    /// An optional date field (`gg/mm/aaaa` or ISO): `None` when empty; an invalid one is
    /// recorded as an error of `field`.
    pub fn date(&mut self, field: &'static str, value: &str) -> Option<chrono::NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        let d = crate::kit::fmt::parse_date(v);
        if d.is_none() {
            self.add(field, "Data non valida: usare il formato gg/mm/aaaa.");
        }
        d
    }
    /// A text field of at most `max` characters; a longer one is recorded as an error of `field`.
    pub fn lunghezza(&mut self, field: &'static str, value: &str, max: usize) {
        if value.trim().chars().count() > max {
            self.add(
                field,
                format!("Il testo è troppo lungo: al massimo {max} caratteri."),
            );
        }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    /// The messages of `campi` in a validation error raised below the page (a store's check, a
    /// unique index), to show next to those fields; any other error is given back.
    /// A message about a field the page does not show is not dropped: the error is given
    /// back whole (a 422 page with every message).
    pub fn da_errore(e: AppError, campi: &[&'static str]) -> Result<Self, AppError> {
        let AppError::Invalido {
            campi: messaggi, ..
        } = &e
        else {
            return Err(e);
        };
        if messaggi.keys().any(|k| !campi.contains(&k.as_str())) {
            return Err(e);
        }
        let mut f = Self::default();
        for c in campi {
            if let Some(m) = messaggi.get(*c) {
                f.add(c, m.clone());
            }
        }
        Ok(f)
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> AppResult<Response> {
    let html = t.render().map_err(|e| AppError::causa("template", e))?;
    Ok(Html(html).into_response())
}

/// Renders a form page again after validation errors, with status 422.
pub fn render_invalid<T: Template>(t: &T) -> AppResult<Response> {
    let html = t.render().map_err(|e| AppError::causa("template", e))?;
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response())
}

/// A redirect after a successful POST (303, so the browser GETs the target).
pub fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

/// Every field of a multipart form (uploads), by name. A broken upload is a 400 in Italian, one
/// over the route's body limit (`limite`, the route's `DefaultBodyLimit`) a 413 that says the limit.
pub async fn campi_multipart(
    crate::kit::extract::Multipart(mut multipart): crate::kit::extract::Multipart,
    limite: usize,
) -> AppResult<std::collections::HashMap<String, Vec<u8>>> {
    let rotto = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TroppoGrande {
                limite: Some(limite),
            }
        } else {
            AppError::BadRequest(
                "Il caricamento si è interrotto o non è leggibile: riprova a inviare il file."
                    .into(),
            )
        }
    };
    let mut campi = std::collections::HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(rotto)? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(rotto)?;
        campi.insert(name, bytes.to_vec());
    }
    Ok(campi)
}

/// Decodes `application/x-www-form-urlencoded` into pairs, repeated keys kept (checkboxes and
/// multiple selects).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A choice of a `<select>` (every module's forms and filters).
pub struct Opzione {
    pub valore: String,
    pub nome: String,
    pub scelta: bool,
}

/// The options of a catalogue of (code, name), `scelta` selected.
pub fn opzioni(catalogo: &[(&str, &str)], scelta: &str) -> Vec<Opzione> {
    catalogo
        .iter()
        .map(|(c, n)| Opzione {
            valore: (*c).into(),
            nome: (*n).into(),
            scelta: *c == scelta,
        })
        .collect()
}

/// A tab of a module's sub-navigation (`templates/<module>/schede.html`).
pub struct Scheda {
    pub nome: &'static str,
    pub href: &'static str,
    pub attiva: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_keeps_the_messages_a_page_cannot_show() {
        let errore = |campo: &'static str| {
            let mut e = FormErrors::default();
            e.add(campo, "Messaggio.");
            AppError::invalido(e)
        };
        let f = FormErrors::da_errore(errore("email"), &["email"]).unwrap();
        assert_eq!(f.get("email"), Some("Messaggio."));
        // A field the page does not show: the whole error comes back, message included.
        match FormErrors::da_errore(errore("sessioni"), &["email"]) {
            Err(AppError::Invalido { messaggio, .. }) => assert_eq!(messaggio, "Messaggio."),
            altro => panic!("{altro:?}"),
        }
        assert!(FormErrors::da_errore(AppError::NotFound, &["email"]).is_err());
    }
}
