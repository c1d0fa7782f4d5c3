//! The bound of web-push fan-out on this machine: how many messages per second `cifra` (P-256
//! key generation + ECDH + HKDF + AES-128-GCM) can encrypt, on one core and on all of them.
//! Run by `bench/push.sh`; prints the figures.

use std::time::Instant;

use piazza_push::{Sottoscrizione, cifra};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    // A subscriber's key (the RFC 8291 example's user agent).
    let s = Sottoscrizione::da_json(
        "https://push.example/x",
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        "BTBZMqHH6r4Tts7J_aSIgg",
    )
    .expect("valid keys");
    let messaggio = br#"{"titolo":"Allerta rossa per rischio idraulico","comune":"Lucca","livello":"rosso","url":"https://piazza.example/comuni/046017"}"#;
    // Warm up.
    for _ in 0..500 {
        cifra(&s, messaggio).expect("encrypt");
    }
    let t = Instant::now();
    for _ in 0..n {
        cifra(&s, messaggio).expect("encrypt");
    }
    let uno = n as f64 / t.elapsed().as_secs_f64();
    let core = std::thread::available_parallelism().map_or(1, |c| c.get());
    let t = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..core {
            sc.spawn(|| {
                for _ in 0..n / core {
                    cifra(&s, messaggio).expect("encrypt");
                }
            });
        }
    });
    let tutti = (n / core * core) as f64 / t.elapsed().as_secs_f64();
    println!(
        "cifratura web push (RFC 8291, ring): {uno:.0} messaggi/s su 1 core; {tutti:.0} messaggi/s su {core} core"
    );
}
