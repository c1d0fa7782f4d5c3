//! RFC 8291 message encryption with the `aes128gcm` content coding of RFC 8188.

use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::agreement::{ECDH_P256, EphemeralPrivateKey, UnparsedPublicKey, agree_ephemeral};
use ring::hkdf::{HKDF_SHA256, KeyType, Prk, Salt};
use ring::rand::{SecureRandom, SystemRandom};

/// The record size written in the header: one record carries the whole message.
pub const RECORD_SIZE: u32 = 4096;
/// The longest message that fits one record (record size − 16 bytes of tag − 1 delimiter).
const MAX_MESSAGGIO: usize = RECORD_SIZE as usize - 17;

/// Why a message could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Errore {
    /// The subscription's public key is not an uncompressed P-256 point.
    ChiaveNonValida,
    /// The auth secret is not 16 bytes.
    AuthNonValido,
    /// The message does not fit one record.
    TroppoLungo,
    /// The body is not an `aes128gcm` body this key can open.
    Illeggibile,
}

impl std::fmt::Display for Errore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Errore::ChiaveNonValida => "chiave p256dh della sottoscrizione non valida",
            Errore::AuthNonValido => "segreto auth della sottoscrizione non valido",
            Errore::TroppoLungo => "messaggio troppo lungo per una notifica push",
            Errore::Illeggibile => "contenuto cifrato non leggibile",
        })
    }
}

impl std::error::Error for Errore {}

/// What a browser gives for a push subscription (`PushSubscription.toJSON()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sottoscrizione {
    pub endpoint: String,
    /// The user agent's public key, uncompressed (65 bytes, `0x04 || x || y`).
    pub p256dh: [u8; 65],
    /// The auth secret (16 bytes).
    pub auth: [u8; 16],
}

impl Sottoscrizione {
    /// From the endpoint and the base64url `keys.p256dh` and `keys.auth`.
    pub fn da_json(endpoint: &str, p256dh: &str, auth: &str) -> Result<Self, Errore> {
        let k = crate::da_b64(p256dh).ok_or(Errore::ChiaveNonValida)?;
        let a = crate::da_b64(auth).ok_or(Errore::AuthNonValido)?;
        let p256dh: [u8; 65] = k.try_into().map_err(|_| Errore::ChiaveNonValida)?;
        if p256dh[0] != 4 {
            return Err(Errore::ChiaveNonValida);
        }
        Ok(Self {
            endpoint: endpoint.to_owned(),
            p256dh,
            auth: a.try_into().map_err(|_| Errore::AuthNonValido)?,
        })
    }
}

/// An output length for ring's HKDF.
struct Lunghezza(usize);

impl KeyType for Lunghezza {
    fn len(&self) -> usize {
        self.0
    }
}

fn espandi(prk: &Prk, info: &[&[u8]], out: &mut [u8]) {
    prk.expand(info, Lunghezza(out.len()))
        .and_then(|okm| okm.fill(out))
        .expect("HKDF output lengths are fixed and small");
}

/// The content-encryption key and nonce of RFC 8291 §3.3–3.4 and RFC 8188 §2.2–2.3.
fn chiavi(
    ecdh: &[u8],
    auth: &[u8; 16],
    ua_public: &[u8; 65],
    as_public: &[u8; 65],
    salt: &[u8; 16],
) -> ([u8; 16], [u8; 12]) {
    // PRK_key = HKDF-Extract(auth_secret, ecdh_secret); IKM = HKDF-Expand(PRK_key, key_info, 32)
    let prk_key = Salt::new(HKDF_SHA256, auth).extract(ecdh);
    let mut ikm = [0u8; 32];
    espandi(
        &prk_key,
        &[b"WebPush: info\0", ua_public, as_public],
        &mut ikm,
    );
    let prk = Salt::new(HKDF_SHA256, salt).extract(&ikm);
    let mut cek = [0u8; 16];
    espandi(&prk, &[b"Content-Encoding: aes128gcm\0"], &mut cek);
    let mut nonce = [0u8; 12];
    espandi(&prk, &[b"Content-Encoding: nonce\0"], &mut nonce);
    (cek, nonce)
}

/// Encrypts `messaggio` for a subscription with a fresh ephemeral key and salt: the body of the
/// push request (`Content-Encoding: aes128gcm`).
pub fn cifra(s: &Sottoscrizione, messaggio: &[u8]) -> Result<Vec<u8>, Errore> {
    let rng = SystemRandom::new();
    let mut salt = [0u8; 16];
    rng.fill(&mut salt).map_err(|_| Errore::Illeggibile)?;
    let privata =
        EphemeralPrivateKey::generate(&ECDH_P256, &rng).map_err(|_| Errore::Illeggibile)?;
    let pubblica: [u8; 65] = privata
        .compute_public_key()
        .map_err(|_| Errore::Illeggibile)?
        .as_ref()
        .try_into()
        .map_err(|_| Errore::Illeggibile)?;
    let ecdh = agree_ephemeral(
        privata,
        &UnparsedPublicKey::new(&ECDH_P256, &s.p256dh),
        |segreto| segreto.to_vec(),
    )
    .map_err(|_| Errore::ChiaveNonValida)?;
    cifra_con(messaggio, &s.p256dh, &s.auth, &salt, &pubblica, &ecdh)
}

/// The encryption with the sender's ephemeral public key, the ECDH secret and the salt given
/// (for the RFC's test vector; [`cifra`] draws them).
pub fn cifra_con(
    messaggio: &[u8],
    ua_public: &[u8; 65],
    auth: &[u8; 16],
    salt: &[u8; 16],
    as_public: &[u8; 65],
    ecdh: &[u8],
) -> Result<Vec<u8>, Errore> {
    if messaggio.len() > MAX_MESSAGGIO {
        return Err(Errore::TroppoLungo);
    }
    let (cek, nonce) = chiavi(ecdh, auth, ua_public, as_public, salt);
    let chiave = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &cek).expect("16-byte key"));
    // Header: salt (16) || rs (4, big endian) || idlen (1) || keyid (the sender's public key).
    let mut out = Vec::with_capacity(16 + 4 + 1 + 65 + messaggio.len() + 1 + 16);
    out.extend_from_slice(salt);
    out.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    out.push(65);
    out.extend_from_slice(as_public);
    // The only (so the last) record: the message, the delimiter 0x02, no padding.
    let mut record = Vec::with_capacity(messaggio.len() + 17);
    record.extend_from_slice(messaggio);
    record.push(2);
    chiave
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut record,
        )
        .map_err(|_| Errore::Illeggibile)?;
    out.extend_from_slice(&record);
    Ok(out)
}

/// Decrypts a one-record body on the receiving side: `ecdh` computes the shared secret from
/// the sender's public key with the subscription's private key (a browser's job; the tests'
/// push service does it).
pub fn decifra_con(
    corpo: &[u8],
    ua_public: &[u8; 65],
    auth: &[u8; 16],
    ecdh: impl FnOnce(&[u8; 65]) -> Option<Vec<u8>>,
) -> Result<Vec<u8>, Errore> {
    if corpo.len() < 21 + 65 + 17 || corpo[20] != 65 {
        return Err(Errore::Illeggibile);
    }
    let salt: [u8; 16] = corpo[..16].try_into().map_err(|_| Errore::Illeggibile)?;
    let as_public: [u8; 65] = corpo[21..86].try_into().map_err(|_| Errore::Illeggibile)?;
    let segreto = ecdh(&as_public).ok_or(Errore::Illeggibile)?;
    let (cek, nonce) = chiavi(&segreto, auth, ua_public, &as_public, &salt);
    let chiave = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &cek).expect("16-byte key"));
    let mut record = corpo[86..].to_vec();
    let chiaro = chiave
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut record,
        )
        .map_err(|_| Errore::Illeggibile)?;
    // Strip the padding (zeros) and the last-record delimiter 0x02.
    let fine = chiaro
        .iter()
        .rposition(|b| *b != 0)
        .ok_or(Errore::Illeggibile)?;
    if chiaro[fine] != 2 {
        return Err(Errore::Illeggibile);
    }
    Ok(chiaro[..fine].to_vec())
}
