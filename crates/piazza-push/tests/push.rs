//! The encryption against the test vector of RFC 8291 (Appendix A) and against an independent
//! receiver (RustCrypto's P-256, as a browser would decrypt); VAPID tokens checked with an
//! independent ECDSA verifier.

use p256::ecdh::diffie_hellman;
use p256::{PublicKey, SecretKey};
use piazza_push::*;

const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn b(s: &str) -> Vec<u8> {
    da_b64(s).unwrap()
}

/// The ECDH secret as the other side computes it, with RustCrypto.
fn ecdh(privata: &[u8], pubblica: &[u8]) -> Vec<u8> {
    let sk = SecretKey::from_slice(privata).unwrap();
    let pk = PublicKey::from_sec1_bytes(pubblica).unwrap();
    diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
        .raw_secret_bytes()
        .to_vec()
}

fn sottoscrizione() -> Sottoscrizione {
    Sottoscrizione::da_json("https://push.example/abc", UA_PUBLIC, AUTH).unwrap()
}

#[test]
fn the_rfc_8291_vector_is_reproduced_byte_for_byte() {
    let s = sottoscrizione();
    let segreto = ecdh(&b(AS_PRIVATE), &b(UA_PUBLIC));
    let corpo = cifra_con(
        PLAINTEXT.as_bytes(),
        &s.p256dh,
        &s.auth,
        &b(SALT).try_into().unwrap(),
        &b(AS_PUBLIC).try_into().unwrap(),
        &segreto,
    )
    .unwrap();
    assert_eq!(b64(&corpo), BODY);
}

#[test]
fn a_browser_decrypts_what_we_encrypt_and_nothing_else() {
    let s = sottoscrizione();
    let ua_private = b(UA_PRIVATE);
    let apri = |corpo: &[u8]| {
        decifra_con(corpo, &s.p256dh, &s.auth, |as_public| {
            Some(ecdh(&ua_private, as_public))
        })
    };
    // The RFC's body, and two encryptions of ours (fresh key and salt each time: different).
    assert_eq!(apri(&b(BODY)).unwrap(), PLAINTEXT.as_bytes());
    let messaggio =
        "Allerta rossa per rischio idraulico a Lucca: non scendere in cantine e sottopassi.";
    let uno = cifra(&s, messaggio.as_bytes()).unwrap();
    let due = cifra(&s, messaggio.as_bytes()).unwrap();
    assert_ne!(uno, due);
    assert_eq!(apri(&uno).unwrap(), messaggio.as_bytes());
    assert_eq!(apri(&due).unwrap(), messaggio.as_bytes());
    assert_eq!(
        u32::from_be_bytes(uno[16..20].try_into().unwrap()),
        RECORD_SIZE
    );
    // A flipped bit, another auth secret: refused.
    let mut guasto = uno.clone();
    *guasto.last_mut().unwrap() ^= 1;
    assert_eq!(apri(&guasto), Err(Errore::Illeggibile));
    let altro = decifra_con(&uno, &s.p256dh, &[7u8; 16], |p| Some(ecdh(&ua_private, p)));
    assert_eq!(altro, Err(Errore::Illeggibile));
    // Too long for one record; bad keys.
    assert_eq!(cifra(&s, &vec![b'x'; 5000]), Err(Errore::TroppoLungo));
    assert_eq!(
        Sottoscrizione::da_json("https://x", "AAAA", AUTH),
        Err(Errore::ChiaveNonValida)
    );
    assert_eq!(
        Sottoscrizione::da_json("https://x", UA_PUBLIC, "AAAA"),
        Err(Errore::AuthNonValido)
    );
}

#[test]
fn vapid_tokens_are_es256_jwts_for_the_push_service_origin() {
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    let v = Vapid::genera();
    let di_nuovo = Vapid::da_pkcs8(v.pkcs8()).unwrap();
    assert_eq!(
        v.chiave_pubblica(),
        di_nuovo.chiave_pubblica(),
        "stored and read back"
    );
    let origine = origine("https://fcm.googleapis.com/fcm/send/abc?x=1").unwrap();
    assert_eq!(origine, "https://fcm.googleapis.com");
    assert_eq!(
        origine_di("http://127.0.0.1:9000/push/1"),
        "http://127.0.0.1:9000"
    );
    let h = v.autorizzazione(
        &origine,
        1_800_000_000,
        "mailto:protezionecivile@ancitoscana.it",
    );
    let (t, k) = h
        .strip_prefix("vapid t=")
        .unwrap()
        .split_once(", k=")
        .unwrap();
    assert_eq!(b(k), v.chiave_pubblica());
    let parti: Vec<&str> = t.split('.').collect();
    assert_eq!(parti.len(), 3);
    let intestazione: serde_json::Value = serde_json::from_slice(&b(parti[0])).unwrap();
    assert_eq!(intestazione["alg"], "ES256");
    let dati: serde_json::Value = serde_json::from_slice(&b(parti[1])).unwrap();
    assert_eq!(dati["aud"], "https://fcm.googleapis.com");
    assert_eq!(dati["exp"], 1_800_000_000u64);
    assert_eq!(dati["sub"], "mailto:protezionecivile@ancitoscana.it");
    let chiave = VerifyingKey::from_sec1_bytes(&b(k)).unwrap();
    let firma = Signature::from_slice(&b(parti[2])).unwrap();
    let firmato = format!("{}.{}", parti[0], parti[1]);
    chiave.verify(firmato.as_bytes(), &firma).unwrap();
    assert!(chiave.verify(b"altro", &firma).is_err());
    assert!(origine_opt("ftp://x/y").is_none());
}

fn origine_di(e: &str) -> String {
    origine(e).unwrap()
}

fn origine_opt(e: &str) -> Option<String> {
    origine(e)
}
