//! Login attempts per account: a token bucket per e-mail address, on top of the limit per
//! client address (`lib.rs`). Behind a proxy or from many addresses, one account still cannot
//! be guessed at faster than this; unknown addresses are counted the same, so the answer
//! does not reveal which accounts exist.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many addresses are tracked; beyond it the full buckets are dropped first.
const MAX_VOCI: usize = 100_000;

pub struct TentativiAccesso {
    burst: f64,
    intervallo: Duration,
    voci: Mutex<HashMap<String, (f64, Instant)>>,
}

impl TentativiAccesso {
    /// `burst` attempts at once, then one every `intervallo`.
    pub fn new(burst: u32, intervallo: Duration) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            intervallo: intervallo.max(Duration::from_millis(1)),
            voci: Mutex::default(),
        }
    }

    /// Counts one attempt for `account`: `Err(seconds to wait)` when its budget is spent.
    pub fn prova(&self, account: &str, ora: Instant) -> Result<(), u64> {
        let chiave = account.trim().to_lowercase();
        let mut voci = self.voci.lock().expect("tentativi");
        if voci.len() >= MAX_VOCI && !voci.contains_key(&chiave) {
            let (burst, intervallo) = (self.burst, self.intervallo);
            voci.retain(|_, (gettoni, quando)| {
                *gettoni + ora.duration_since(*quando).as_secs_f64() / intervallo.as_secs_f64()
                    < burst
            });
            if voci.len() >= MAX_VOCI {
                voci.clear();
            }
        }
        let (gettoni, quando) = voci.entry(chiave).or_insert((self.burst, ora));
        let maturati =
            ora.saturating_duration_since(*quando).as_secs_f64() / self.intervallo.as_secs_f64();
        *gettoni = (*gettoni + maturati).min(self.burst);
        *quando = ora;
        if *gettoni >= 1.0 {
            *gettoni -= 1.0;
            Ok(())
        } else {
            let mancante = (1.0 - *gettoni) * self.intervallo.as_secs_f64();
            Err(mancante.ceil().max(1.0) as u64)
        }
    }
}

impl TentativiAccesso {
    /// A successful sign-in: the account's budget is whole again (the limit is for guessing).
    pub fn riuscito(&self, account: &str) {
        self.voci
            .lock()
            .expect("tentativi")
            .remove(&account.trim().to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_one_per_interval_per_account() {
        let t = TentativiAccesso::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(t.prova("Anna@Example.it", t0).is_ok());
        }
        // The same account, however written, is out of attempts; another one is not.
        assert_eq!(t.prova(" anna@example.it ", t0), Err(10));
        assert!(t.prova("bruno@example.it", t0).is_ok());
        assert_eq!(
            t.prova("anna@example.it", t0 + Duration::from_secs(4)),
            Err(6)
        );
        assert!(
            t.prova("anna@example.it", t0 + Duration::from_secs(11))
                .is_ok()
        );
        assert!(
            t.prova("anna@example.it", t0 + Duration::from_secs(11))
                .is_err()
        );
    }
}
