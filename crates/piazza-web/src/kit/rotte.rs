//! The routes of a domain, declared once: the router is built from them and the
//! permission-matrix test reads the same list ([`Rotte::elenco`]).
//!
//! ```ignore
//! Rotte::new()
//!     .get("/persone", routes::persone)
//!     .get("/persone/nuova", routes::nuova_form)
//!     .post("/persone/nuova", routes::crea)
//!     .strato(DefaultBodyLimit::max(MAX_UPLOAD)) // on the route declared last, every method
//! ```

use std::convert::Infallible;

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, Route};
use tower::{Layer, Service};

use crate::AppState;

/// One path with its methods.
struct Voce {
    percorso: &'static str,
    metodi: Vec<Method>,
    router: MethodRouter<AppState>,
}

/// A list of routes being declared; see the module documentation.
#[derive(Default)]
#[must_use]
pub struct Rotte {
    voci: Vec<Voce>,
}

impl Rotte {
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry of `percorso`: the last one if it is the same path, else a new one.
    fn voce(&mut self, percorso: &'static str) -> &mut Voce {
        let stessa = self.voci.last().is_some_and(|v| v.percorso == percorso);
        if !stessa {
            assert!(
                self.voci.iter().all(|v| v.percorso != percorso),
                "route {percorso} declared twice: keep its methods together"
            );
            self.voci.push(Voce {
                percorso,
                metodi: Vec::new(),
                router: MethodRouter::new(),
            });
        }
        self.voci.last_mut().expect("just pushed")
    }

    /// `GET` (and `HEAD`) on `percorso`.
    pub fn get<H, T>(mut self, percorso: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let v = self.voce(percorso);
        v.metodi.push(Method::GET);
        v.router = std::mem::take(&mut v.router).get(handler);
        self
    }

    /// `POST` on `percorso`.
    pub fn post<H, T>(mut self, percorso: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let v = self.voce(percorso);
        v.metodi.push(Method::POST);
        v.router = std::mem::take(&mut v.router).post(handler);
        self
    }

    /// Wraps every method of the route declared last in `layer` (a body limit, a rate limit).
    pub fn strato<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        let v = self.voci.last_mut().expect("a route before its layer");
        v.router = std::mem::take(&mut v.router).layer(layer);
        self
    }

    /// Adds the routes of another list (a domain's).
    pub fn unisci(mut self, altre: Rotte) -> Self {
        for v in altre.voci {
            assert!(
                self.voci.iter().all(|w| w.percorso != v.percorso),
                "route {} declared by two domains",
                v.percorso
            );
            self.voci.push(v);
        }
        self
    }

    /// Every (method, path) declared, in order.
    pub fn elenco(&self) -> Vec<(Method, &'static str)> {
        self.voci
            .iter()
            .flat_map(|v| v.metodi.iter().map(|m| (m.clone(), v.percorso)))
            .collect()
    }

    /// The router of these routes.
    pub fn router(self) -> Router<AppState> {
        self.voci
            .into_iter()
            .fold(Router::new(), |r, v| r.route(v.percorso, v.router))
    }
}
