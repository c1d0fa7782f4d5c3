//! Web Push for Piazza, without I/O: the encryption of a message for one subscription
//! (RFC 8291: ECDH on P-256 with the subscription's key, HKDF with its auth secret, one
//! `aes128gcm` record of RFC 8188) and the application server's identification (RFC 8292:
//! VAPID, an ES256 JWT per push service origin). Built on `ring`, whose P-256 key agreement is
//! several times faster than the pure-Rust implementations: the fan-out of an alert to a
//! million subscribers is bounded by it.
//!
//! The HTTP request (endpoint, `TTL`, `Urgency`, `Topic`, `Authorization`) is the caller's.

mod ece;
mod vapid;

pub use ece::{Errore, RECORD_SIZE, Sottoscrizione, cifra, cifra_con, decifra_con};
pub use vapid::{Vapid, origine};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// base64url without padding (as browsers give `p256dh` and `auth`, and as JWTs are written).
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64url with or without padding.
pub fn da_b64(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim().trim_end_matches('=')).ok()
}
