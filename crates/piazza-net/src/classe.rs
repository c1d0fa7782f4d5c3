//! What kind of network an IP address belongs to.
//!
//! Public means globally routable unicast: everything the IANA special-purpose registries
//! (RFC 6890 and later) set apart is something else. Addresses that carry an IPv4 address
//! inside an IPv6 one are judged by it: IPv4-mapped (`::ffff:a.b.c.d`, the same socket on a
//! dual-stack host) as that IPv4 address; NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and
//! Teredo (`2001::/32`) as public only when the IPv4 address inside is.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind of network an address belongs to (see [`classifica`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Classe {
    /// Globally routable unicast.
    Pubblico,
    /// `127.0.0.0/8`, `::1`: this machine.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, IPv6 unique-local `fc00::/7` and site-local
    /// `fec0::/10`.
    Privato,
    /// `169.254/16` (where cloud metadata services answer), `fe80::/10`.
    LinkLocal,
    /// Unspecified, broadcast, multicast, documentation, benchmarking, reserved, shared address
    /// space (CGNAT `100.64/10`), protocol assignments, and translation/tunnel forms that lead
    /// to a non-public IPv4 address.
    NonInstradabile,
}

/// The kind of network of `ip`.
pub fn classifica(ip: IpAddr) -> Classe {
    match ip {
        IpAddr::V4(v4) => classifica_v4(v4),
        IpAddr::V6(v6) => classifica_v6(v6),
    }
}

fn in_rete(ip: u32, rete: [u8; 4], bit: u32) -> bool {
    let rete = u32::from_be_bytes(rete);
    let maschera = if bit == 0 { 0 } else { u32::MAX << (32 - bit) };
    ip & maschera == rete & maschera
}

fn classifica_v4(ip: Ipv4Addr) -> Classe {
    let n = u32::from(ip);
    let r = |rete, bit| in_rete(n, rete, bit);
    if r([127, 0, 0, 0], 8) {
        Classe::Loopback
    } else if r([10, 0, 0, 0], 8) || r([172, 16, 0, 0], 12) || r([192, 168, 0, 0], 16) {
        Classe::Privato
    } else if r([169, 254, 0, 0], 16) {
        Classe::LinkLocal
    } else if r([0, 0, 0, 0], 8) // "this network", 0.0.0.0 among them
        || r([100, 64, 0, 0], 10) // shared address space (CGNAT)
        || r([192, 0, 0, 0], 24) // IETF protocol assignments
        || r([192, 0, 2, 0], 24) // documentation (TEST-NET-1)
        || r([198, 51, 100, 0], 24) // TEST-NET-2
        || r([203, 0, 113, 0], 24) // TEST-NET-3
        || r([198, 18, 0, 0], 15) // benchmarking
        || r([192, 88, 99, 0], 24) // 6to4 relay anycast (deprecated)
        || r([224, 0, 0, 0], 4) // multicast
        || r([240, 0, 0, 0], 4)
    // reserved, 255.255.255.255 among them
    {
        Classe::NonInstradabile
    } else {
        Classe::Pubblico
    }
}

/// Public when the IPv4 address carried inside a translation or tunnel form is.
fn tramite(v4: Ipv4Addr) -> Classe {
    match classifica_v4(v4) {
        Classe::Pubblico => Classe::Pubblico,
        _ => Classe::NonInstradabile,
    }
}

fn classifica_v6(ip: Ipv6Addr) -> Classe {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classifica_v4(v4);
    }
    let n = u128::from(ip);
    let r = |rete: u128, bit: u32| n >> (128 - bit) == rete >> (128 - bit);
    let v4_in_coda = Ipv4Addr::from(n as u32);
    if ip == Ipv6Addr::LOCALHOST {
        Classe::Loopback
    } else if ip.is_unspecified() || r(0, 96) {
        // `::`, and the deprecated IPv4-compatible `::a.b.c.d`.
        Classe::NonInstradabile
    } else if r(0x0064_ff9b << 96, 96) {
        // NAT64, well-known prefix (RFC 6052).
        tramite(v4_in_coda)
    } else if r(0x2002 << 112, 16) {
        // 6to4: the IPv4 address in bits 16..48.
        tramite(Ipv4Addr::from((n >> 80) as u32))
    } else if r(0x2001_0000 << 96, 32) {
        // Teredo: the server in bits 32..64, the client's address inverted in the last 32.
        match (
            tramite(Ipv4Addr::from((n >> 64) as u32)),
            tramite(Ipv4Addr::from(!(n as u32))),
        ) {
            (Classe::Pubblico, Classe::Pubblico) => Classe::Pubblico,
            _ => Classe::NonInstradabile,
        }
    } else if r(0xfe80 << 112, 10) {
        Classe::LinkLocal
    } else if r(0xfc00 << 112, 7) || r(0xfec0 << 112, 10) {
        Classe::Privato
    } else if r(0x2001 << 112, 23) // IETF protocol assignments (benchmarking, ORCHID...)
        || r(0x2001_0db8 << 96, 32) // documentation
        || r(0x3fff << 112, 20) // documentation (RFC 9637)
        || r(0x0100 << 112, 64) // discard-only
        || r(0x0064_ff9b_0001 << 80, 48) // local-use NAT64 (RFC 8215)
        || !r(0x2000 << 112, 3)
    // outside 2000::/3, the only global unicast allocated: multicast and reserved
    {
        Classe::NonInstradabile
    } else {
        Classe::Pubblico
    }
}
