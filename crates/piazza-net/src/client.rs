//! The guard inside reqwest: a resolver that only gives allowed addresses, a redirect policy
//! that checks every target, and [`ClientSicuro`], which also checks the URLs reqwest would
//! connect to without asking a resolver (literal IP addresses).

use std::error::Error;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

use crate::{Regole, Rifiuto, risolvi, verifica_url};

/// A reqwest resolver that resolves with the system's and keeps only the addresses the rules
/// allow ([`risolvi`]); a name with none fails with the [`Rifiuto`] as the error's source
/// (see [`rifiuto_in`]). The connection goes to the addresses it gives: no second lookup that
/// a rebinding DNS could answer differently.
///
/// reqwest does not call a resolver for literal IP addresses (`http://127.0.0.1/`), nor for
/// names given to `ClientBuilder::resolve`: on its own this is not enough — see
/// [`ClientSicuro`].
#[derive(Debug, Clone)]
pub struct Resolutore {
    regole: Regole,
}

impl Resolutore {
    pub fn new(regole: Regole) -> Self {
        Self { regole }
    }
}

impl Resolve for Resolutore {
    fn resolve(&self, name: Name) -> Resolving {
        let regole = self.regole.clone();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's.
            let a = risolvi(name.as_str(), 0, &regole).await?;
            Ok(Box::new(a.into_iter()) as Addrs)
        })
    }
}

/// Follows up to `max` redirects, each to a URL that passes [`verifica_url`] (a redirect to
/// `http://169.254.169.254/` fails before anything connects to it; a name is then resolved
/// through the client's resolver, a [`Resolutore`] in [`ClientSicuro`]).
pub fn politica_redirect(r: Regole, max: usize) -> Policy {
    Policy::custom(move |tentativo| {
        if tentativo.previous().len() > max {
            return tentativo.error(Rifiuto::TroppiRedirect(max));
        }
        match verifica_url(tentativo.url().as_str(), &r) {
            Ok(_) => tentativo.follow(),
            Err(e) => tentativo.error(e),
        }
    })
}

/// The [`Rifiuto`] behind an error (a reqwest error's chain of sources), if the guard is what
/// failed.
pub fn rifiuto_in<'a>(e: &'a (dyn Error + 'static)) -> Option<&'a Rifiuto> {
    let mut c = Some(e);
    while let Some(x) = c {
        if let Some(r) = x.downcast_ref::<Rifiuto>() {
            return Some(r);
        }
        c = x.source();
    }
    None
}

/// Redirects [`client_sicuro`] follows.
pub const REDIRECT_MAX: usize = 5;

/// A reqwest client that connects only where its [`Regole`] allow: every request's URL is
/// checked with [`verifica_url`] before it is built (literal IP addresses included), names are
/// resolved by a [`Resolutore`], redirects are checked by [`politica_redirect`], and no proxy
/// is used (an `HTTP_PROXY` in the environment would otherwise make the proxy connect for us,
/// wherever the URL says). There is no way to a request that skips the checks.
#[derive(Debug, Clone)]
pub struct ClientSicuro {
    client: reqwest::Client,
    regole: Arc<Regole>,
}

/// [`ClientSicuro::new`] with up to [`REDIRECT_MAX`] redirects.
pub fn client_sicuro(b: reqwest::ClientBuilder, r: Regole) -> reqwest::Result<ClientSicuro> {
    ClientSicuro::new(b, r, REDIRECT_MAX)
}

impl ClientSicuro {
    /// The client of `b` (timeouts, user agent...) with the guard for `r` and up to
    /// `max_redirect` redirects. The builder's resolver, redirect policy and proxies are
    /// replaced; do not give it `ClientBuilder::resolve` overrides (they bypass resolvers).
    pub fn new(b: reqwest::ClientBuilder, r: Regole, max_redirect: usize) -> reqwest::Result<Self> {
        let client = b
            .dns_resolver(Arc::new(Resolutore::new(r.clone())))
            .redirect(politica_redirect(r.clone(), max_redirect))
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            regole: Arc::new(r),
        })
    }

    pub fn regole(&self) -> &Regole {
        &self.regole
    }

    /// A request to `url` if the rules allow it.
    pub fn richiesta(
        &self,
        metodo: reqwest::Method,
        url: &str,
    ) -> Result<reqwest::RequestBuilder, Rifiuto> {
        let u = verifica_url(url, &self.regole)?;
        Ok(self.client.request(metodo, u))
    }

    /// A `GET` of `url` if the rules allow it.
    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, Rifiuto> {
        self.richiesta(reqwest::Method::GET, url)
    }

    /// A `POST` to `url` if the rules allow it.
    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, Rifiuto> {
        self.richiesta(reqwest::Method::POST, url)
    }
}
