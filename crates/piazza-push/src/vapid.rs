//! VAPID (RFC 8292): the application server signs, for each push service origin, a JWT (ES256)
//! with the audience, an expiry within 24 hours and a contact; the push service checks it with
//! the public key the browser was given when it subscribed.

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

use crate::b64;

/// The application server's key pair (P-256), kept as PKCS#8.
pub struct Vapid {
    coppia: EcdsaKeyPair,
    pkcs8: Vec<u8>,
}

impl Vapid {
    /// A new key pair (done once, at installation; the PKCS#8 is stored).
    pub fn genera() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("P-256 key generation")
            .as_ref()
            .to_vec();
        Self::da_pkcs8(&pkcs8).expect("a key just generated")
    }

    /// The key pair stored.
    pub fn da_pkcs8(pkcs8: &[u8]) -> Option<Self> {
        let rng = SystemRandom::new();
        let coppia =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng).ok()?;
        Some(Self {
            coppia,
            pkcs8: pkcs8.to_vec(),
        })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key, uncompressed (65 bytes): the browser's `applicationServerKey`.
    pub fn chiave_pubblica(&self) -> &[u8] {
        self.coppia.public_key().as_ref()
    }

    /// The signed JWT for a push service origin, valid until `scadenza` (seconds since the
    /// epoch; at most 24 hours ahead), with a contact (`mailto:` or `https:`).
    pub fn jwt(&self, origine: &str, scadenza: u64, contatto: &str) -> String {
        let intestazione = b64(br#"{"typ":"JWT","alg":"ES256"}"#);
        let dati = b64(
            serde_json::json!({ "aud": origine, "exp": scadenza, "sub": contatto })
                .to_string()
                .as_bytes(),
        );
        let firmato = format!("{intestazione}.{dati}");
        let firma = self
            .coppia
            .sign(&SystemRandom::new(), firmato.as_bytes())
            .expect("ECDSA signing");
        format!("{firmato}.{}", b64(firma.as_ref()))
    }

    /// The `Authorization` header of RFC 8292 §3: `vapid t=<jwt>, k=<public key>`.
    pub fn autorizzazione(&self, origine: &str, scadenza: u64, contatto: &str) -> String {
        format!(
            "vapid t={}, k={}",
            self.jwt(origine, scadenza, contatto),
            b64(self.chiave_pubblica())
        )
    }
}

/// The origin of an endpoint (`https://host[:port]`): the JWT's audience, and the key of the
/// cache of tokens (one per push service).
pub fn origine(endpoint: &str) -> Option<String> {
    let (schema, resto) = endpoint.split_once("://")?;
    let host = resto.split(['/', '?', '#']).next()?;
    (!host.is_empty() && (schema == "https" || schema == "http"))
        .then(|| format!("{schema}://{host}"))
}
