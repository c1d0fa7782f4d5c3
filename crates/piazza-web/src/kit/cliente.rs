//! Who the client is, by address: the TCP peer, or — when the peer is one of the configured
//! trusted proxies (`proxy_fidati`) — the address the proxies say in `X-Forwarded-For`.
//! Behind a reverse proxy every request comes from the proxy's address: without this, one
//! client over its login limit would block everyone's login. A header sent by anyone else is
//! ignored, so a client cannot choose its own address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The client's address, put in every request's extensions by [`annota`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IndirizzoCliente(pub IpAddr);

/// The trusted proxies: addresses or networks (`10.0.0.1`, `10.0.0.0/8`, `::1`).
#[derive(Clone, Debug, Default)]
pub struct ProxyFidati(Arc<Vec<IpNet>>);

impl ProxyFidati {
    /// Parses the configured list; the error names the entry that is neither an address nor a
    /// network.
    pub fn parse(voci: &[String]) -> Result<Self, String> {
        let mut reti = Vec::with_capacity(voci.len());
        for v in voci {
            let v = v.trim();
            let rete = v
                .parse::<IpNet>()
                .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "proxy_fidati: «{v}» non è un indirizzo IP né una rete (es. 10.0.0.0/8)"
                    )
                })?;
            reti.push(rete);
        }
        Ok(Self(Arc::new(reti)))
    }

    fn fidato(&self, ip: IpAddr) -> bool {
        let ip = canonico(ip);
        self.0.iter().any(|r| r.contains(&ip))
    }

    /// The client of a request that came from `peer` with these headers: walking
    /// `X-Forwarded-For` from the right (the hop nearest to us), the first address that is not a
    /// trusted proxy. A malformed entry stops the walk at the last address known good.
    pub fn cliente(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonico(peer);
        if !self.fidato(peer) {
            return peer;
        }
        let mut ultimo = peer;
        let voci = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for v in voci.iter().rev() {
            let Some(ip) = leggi_ip(v) else {
                return ultimo;
            };
            if !self.fidato(ip) {
                return ip;
            }
            ultimo = ip;
        }
        ultimo
    }
}

/// An address as a proxy writes it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:80`.
fn leggi_ip(v: &str) -> Option<IpAddr> {
    let v = v.trim();
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(canonico(ip));
    }
    v.parse::<SocketAddr>().ok().map(|s| canonico(s.ip()))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, how a dual-stack socket reports IPv4 peers)
/// as the IPv4 address they are.
fn canonico(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The middleware: computes the client's address once per request.
pub async fn annota(State(p): State<ProxyFidati>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let ip = p.cliente(peer, req.headers());
    req.extensions_mut().insert(IndirizzoCliente(ip));
    next.run(req).await
}

/// The client address of a request that went through [`annota`] (loopback otherwise: served
/// in process by the tests).
pub fn di<B>(req: &axum::http::Request<B>) -> IpAddr {
    req.extensions()
        .get::<IndirizzoCliente>()
        .map(|c| c.0)
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let p = ProxyFidati::parse(&["10.0.0.0/8".into(), "::1".into()]).unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not through a trusted proxy: the header is the client's own word, ignored.
        assert_eq!(
            p.cliente(ip("203.0.113.9"), &h(&["1.2.3.4"])),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            p.cliente(ip("10.1.2.3"), &h(&["198.51.100.7"])),
            ip("198.51.100.7")
        );
        // A client that forges the header gets its own address prepended by the proxy: the
        // rightmost untrusted entry is the real one.
        assert_eq!(
            p.cliente(ip("10.1.2.3"), &h(&["6.6.6.6, 198.51.100.7"])),
            ip("198.51.100.7")
        );
        // Two proxies in a row, over two header lines, with a port and a mapped address.
        assert_eq!(
            p.cliente(
                ip("::ffff:10.1.2.3"),
                &h(&["198.51.100.7:4711", "10.9.9.9"])
            ),
            ip("198.51.100.7")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(p.cliente(ip("10.1.2.3"), &h(&["nonsense"])), ip("10.1.2.3"));
        assert_eq!(p.cliente(ip("::1"), &h(&[])), ip("::1"));
        assert!(ProxyFidati::parse(&["proxy.example".into()]).is_err());
    }
}
