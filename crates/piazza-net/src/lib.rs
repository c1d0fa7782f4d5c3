//! The outbound-URL guard: which addresses the server may open connections to.
//!
//! Addresses that come from outside — a citizen's push subscription, an alert feed configured
//! by an operator, a redirect a feed answers with — must not make the server talk to its own
//! machine, the internal network or a cloud metadata service (`169.254.169.254`). The same
//! [`Regole`] are checked twice:
//!
//! - when the address is saved, with [`verifica_url`] (the scheme, no credentials, names
//!   such as `localhost` or `*.internal`, literal IP addresses in every form the URL parser
//!   accepts: `127.1`, `0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]`), and [`risolvi`] or
//!   [`verifica_destinazione`] when a friendly "this name does not resolve" helps;
//! - when connecting: the name is resolved and only allowed addresses are connected to
//!   ([`risolvi`], and [`Resolutore`] inside reqwest), so a name that resolved to a public
//!   address when saved and to an internal one later (DNS rebinding) is refused. Redirects
//!   are checked the same way ([`politica_redirect`]). [`ClientSicuro`] puts the pieces
//!   together for reqwest, literal-IP URLs included (reqwest does not ask a resolver for
//!   those).

mod classe;
mod client;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub use classe::{Classe, classifica};
pub use client::{
    ClientSicuro, REDIRECT_MAX, Resolutore, client_sicuro, politica_redirect, rifiuto_in,
};

/// What the server may connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regole {
    /// Also `127.0.0.0/8`, `::1` and the name `localhost` (tests, a service on the same
    /// machine).
    pub consenti_loopback: bool,
    /// `http` as well as `https`.
    pub consenti_http: bool,
    /// Only these hosts and their subdomains (`push.services.mozilla.com` admits
    /// `updates.push.services.mozilla.com`); `None`: any host.
    pub host_consentiti: Option<Vec<String>>,
    /// Only these ports; `None`: any.
    pub porte: Option<Vec<u16>>,
}

impl Regole {
    /// Web push: `https` only, public addresses only, any host.
    pub fn push() -> Self {
        Self {
            consenti_loopback: false,
            consenti_http: false,
            host_consentiti: None,
            porte: None,
        }
    }

    /// Alert feeds of other bodies: `http` or `https`, public addresses only.
    pub fn fonti() -> Self {
        Self {
            consenti_http: true,
            ..Self::push()
        }
    }

    /// The same, and loopback too (`127.0.0.0/8`, `::1`, `localhost`): tests, local
    /// deployments.
    pub fn loopback(mut self) -> Self {
        self.consenti_loopback = true;
        self
    }

    /// Whether `ip` may be connected to.
    pub fn ammette(&self, ip: IpAddr) -> bool {
        match classifica(ip) {
            Classe::Pubblico => true,
            Classe::Loopback => self.consenti_loopback,
            _ => false,
        }
    }

    /// `Ok` if `ip` may be connected to, else why not.
    pub fn verifica_ip(&self, ip: IpAddr) -> Result<(), Rifiuto> {
        if self.ammette(ip) {
            return Ok(());
        }
        Err(match classifica(ip) {
            Classe::NonInstradabile => Rifiuto::NonInstradabile(ip),
            _ => Rifiuto::ReteInterna(ip),
        })
    }
}

impl Default for Regole {
    /// The strictest: [`Regole::push`].
    fn default() -> Self {
        Self::push()
    }
}

/// The browsers' push services known today (Chrome and the Chromium family, Firefox, Edge,
/// Safari), as host suffixes for [`Regole::host_consentiti`]. For information and warnings:
/// [`Regole::push`] does not restrict hosts to these.
pub const SERVIZI_PUSH_NOTI: &[&str] = &[
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "web.push.apple.com",
];

/// Whether `host` is one of [`SERVIZI_PUSH_NOTI`] or a subdomain of one.
pub fn servizio_push_noto(host: &str) -> bool {
    let h = normalizza(host);
    SERVIZI_PUSH_NOTI.iter().any(|s| corrisponde(&h, s))
}

/// Why an address is refused. The messages are for the people who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rifiuto {
    #[error("L'indirizzo non è valido.")]
    NonValido,
    #[error("È ammesso solo https.")]
    SoloHttps,
    #[error("Sono ammessi solo indirizzi http o https.")]
    Schema,
    #[error("L'indirizzo contiene credenziali: non sono ammesse.")]
    Credenziali,
    /// Loopback, private or link-local.
    #[error("L'indirizzo punta alla rete interna ({0}): non è ammesso.")]
    ReteInterna(IpAddr),
    /// A name of the local network or machine (`localhost`, `*.local`, `*.internal`, a name
    /// without a dot...).
    #[error("L'indirizzo punta alla rete interna ({0}): non è ammesso.")]
    NomeInterno(String),
    #[error("L'indirizzo non è raggiungibile da Internet ({0}): non è ammesso.")]
    NonInstradabile(IpAddr),
    #[error("Il nome host non si risolve.")]
    NonRisolto(String),
    #[error("Il nome host non si risolve (tempo scaduto).")]
    DnsScaduto(String),
    #[error("Il nome host non è tra quelli ammessi.")]
    HostNonAmmesso,
    #[error("La porta non è ammessa.")]
    PortaNonAmmessa(u16),
    #[error("Troppi reindirizzamenti (più di {0}).")]
    TroppiRedirect(usize),
}

impl Rifiuto {
    /// Whether asking again cannot change the answer: everything but a name that did not
    /// resolve (the DNS may answer later).
    pub fn permanente(&self) -> bool {
        !matches!(self, Rifiuto::NonRisolto(_) | Rifiuto::DnsScaduto(_))
    }
}

/// Names that only mean something on the local machine or network (RFC 6761, 6762, 8375,
/// and the `.internal` of ICANN's private use).
const SUFFISSI_INTERNI: &[&str] = &[
    "local",
    "internal",
    "home.arpa",
    "localdomain",
    "lan",
    "intranet",
];

fn normalizza(host: &str) -> String {
    host.trim_start_matches("*.")
        .trim_start_matches('.')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// `host` is `dominio` or a subdomain of it.
fn corrisponde(host: &str, dominio: &str) -> bool {
    let d = normalizza(dominio);
    !d.is_empty()
        && (host == d
            || host
                .strip_suffix(d.as_str())
                .is_some_and(|p| p.ends_with('.')))
}

/// Checks a name (not an IP address) against the rules.
fn verifica_nome(nome: &str, r: &Regole) -> Result<(), Rifiuto> {
    let h = normalizza(nome);
    if h.is_empty() {
        return Err(Rifiuto::NonValido);
    }
    if h == "localhost" || h.ends_with(".localhost") {
        if !r.consenti_loopback {
            return Err(Rifiuto::NomeInterno(h));
        }
    } else if !h.contains('.') || SUFFISSI_INTERNI.iter().any(|s| corrisponde(&h, s)) {
        return Err(Rifiuto::NomeInterno(h));
    }
    if let Some(ammessi) = &r.host_consentiti
        && !ammessi.iter().any(|a| corrisponde(&h, a))
    {
        return Err(Rifiuto::HostNonAmmesso);
    }
    Ok(())
}

/// The checks that need no network: the scheme, no credentials, a host, a literal IP address
/// that is allowed (in any form the URL parser normalises: `127.1`, `0x7f.1`, `2130706433`,
/// `0177.0.0.1`, `[::ffff:127.0.0.1]`), no local-network names (`localhost` only with
/// loopback allowed), the allowed hosts and ports. Gives the parsed URL.
pub fn verifica_url(url: &str, r: &Regole) -> Result<url::Url, Rifiuto> {
    let u = url::Url::parse(url.trim()).map_err(|_| Rifiuto::NonValido)?;
    match u.scheme() {
        "https" => {}
        "http" if r.consenti_http => {}
        _ if !r.consenti_http => return Err(Rifiuto::SoloHttps),
        _ => return Err(Rifiuto::Schema),
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Rifiuto::Credenziali);
    }
    match u.host() {
        None => return Err(Rifiuto::NonValido),
        Some(url::Host::Ipv4(ip)) => r.verifica_ip(ip.into())?,
        Some(url::Host::Ipv6(ip)) => r.verifica_ip(ip.into())?,
        Some(url::Host::Domain(d)) => verifica_nome(d, r)?,
    }
    if let Some(ip) = ip_letterale(u.host_str().unwrap_or_default())
        && let Some(ammessi) = &r.host_consentiti
        && !ammessi.iter().any(|a| ip_letterale(a) == Some(ip))
    {
        return Err(Rifiuto::HostNonAmmesso);
    }
    let porta = u.port_or_known_default().ok_or(Rifiuto::NonValido)?;
    if let Some(porte) = &r.porte
        && !porte.contains(&porta)
    {
        return Err(Rifiuto::PortaNonAmmessa(porta));
    }
    Ok(u)
}

/// `host` as an IP address, with or without the brackets of IPv6 in URLs.
fn ip_letterale(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// How long a name may take to resolve.
const TEMPO_DNS: Duration = Duration::from_secs(10);

/// Resolves `host` (a name, or an IP address with or without brackets) and keeps the
/// addresses the rules allow, with `porta`. None allowed: refused, naming the first address
/// the name resolved to. An IP address is checked without the DNS. Only addresses are judged
/// here: names and schemes are [`verifica_url`]'s.
pub async fn risolvi(host: &str, porta: u16, r: &Regole) -> Result<Vec<SocketAddr>, Rifiuto> {
    if let Some(ip) = ip_letterale(host) {
        r.verifica_ip(ip)?;
        return Ok(vec![SocketAddr::new(ip, porta)]);
    }
    let nome = host.trim_end_matches('.');
    if nome.is_empty() {
        return Err(Rifiuto::NonValido);
    }
    let trovati: Vec<SocketAddr> =
        match tokio::time::timeout(TEMPO_DNS, tokio::net::lookup_host((nome, porta))).await {
            Err(_) => return Err(Rifiuto::DnsScaduto(nome.to_owned())),
            Ok(Err(_)) => return Err(Rifiuto::NonRisolto(nome.to_owned())),
            Ok(Ok(a)) => a.collect(),
        };
    let Some(primo) = trovati.first() else {
        return Err(Rifiuto::NonRisolto(nome.to_owned()));
    };
    let primo = primo.ip();
    // An IPv4-mapped answer is the IPv4 address: connect to that one.
    let ammessi: Vec<SocketAddr> = trovati
        .iter()
        .filter(|a| r.ammette(a.ip()))
        .map(|a| SocketAddr::new(a.ip().to_canonical(), a.port()))
        .collect();
    if ammessi.is_empty() {
        return Err(r
            .verifica_ip(primo)
            .err()
            .unwrap_or(Rifiuto::ReteInterna(primo)));
    }
    Ok(ammessi)
}

/// [`verifica_url`], then [`risolvi`] for its host and port: the URL and the addresses it may
/// be reached at.
pub async fn verifica_destinazione(
    url: &str,
    r: &Regole,
) -> Result<(url::Url, Vec<SocketAddr>), Rifiuto> {
    let u = verifica_url(url, r)?;
    let host = u.host_str().ok_or(Rifiuto::NonValido)?;
    let porta = u.port_or_known_default().ok_or(Rifiuto::NonValido)?;
    let indirizzi = risolvi(host, porta, r).await?;
    Ok((u, indirizzi))
}
