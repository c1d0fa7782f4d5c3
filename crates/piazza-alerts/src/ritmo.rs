//! Rate limits and backoff.

use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

/// At most `n` events per second, spaced evenly: each caller reserves the next slot and
/// sleeps until it (a global limit such as Telegram's 30 messages per second, an SMS gateway's).
pub struct Ritmo {
    intervallo: Duration,
    prossimo: Mutex<Instant>,
}

impl Ritmo {
    pub fn al_secondo(n: f64) -> Self {
        Self {
            intervallo: Duration::from_secs_f64(1.0 / n.max(0.001)),
            prossimo: Mutex::new(Instant::now()),
        }
    }

    pub fn intervallo(&self) -> Duration {
        self.intervallo
    }

    /// Waits for this caller's slot.
    pub async fn attendi(&self) {
        let slot = {
            let mut p = self.prossimo.lock().expect("ritmo");
            let ora = Instant::now();
            let slot = (*p).max(ora);
            *p = slot + self.intervallo;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Nobody gets a slot before `quando` (a 429 from the peer).
    pub fn sospendi_fino(&self, quando: Instant) {
        let mut p = self.prossimo.lock().expect("ritmo");
        *p = (*p).max(quando);
    }
}

/// First retry after about this long, doubling up to [`MASSIMO`].
pub const BASE: Duration = Duration::from_secs(5);
pub const MASSIMO: Duration = Duration::from_secs(3600);

/// The wait before retry number `tentativi` (1 = first retry): exponential, with jitter in
/// [½, 1] of the step so that many failures at once do not come back together, and never
/// shorter than what the peer asked for (`Retry-After`).
pub fn ritardo(tentativi: u32, richiesto: Option<Duration>) -> Duration {
    let passo = BASE
        .saturating_mul(1u32 << tentativi.saturating_sub(1).min(16))
        .min(MASSIMO);
    let jitter = rand::rng().random_range(0.5..=1.0);
    passo.mul_f64(jitter).max(richiesto.unwrap_or_default())
}

/// The wait a peer asked for in `Retry-After` (seconds; the HTTP-date form is not used by the
/// services we talk to and is ignored).
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    h.get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(secondi_retry_after)
}

/// The value of a `Retry-After` header, in seconds (see [`retry_after`]).
pub fn secondi_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_honours_retry_after() {
        for t in 1..8u32 {
            let step = BASE * (1 << (t - 1));
            for _ in 0..50 {
                let d = ritardo(t, None);
                assert!(d >= step / 2 && d <= step, "{t}: {d:?}");
            }
        }
        assert!(ritardo(40, None) <= MASSIMO);
        assert!(ritardo(1, Some(Duration::from_secs(120))) >= Duration::from_secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced() {
        let r = Ritmo::al_secondo(10.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            r.attendi().await;
        }
        // Slots at 0, 100, 200, 300, 400 ms.
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
        r.sospendi_fino(Instant::now() + Duration::from_secs(3));
        r.attendi().await;
        assert!(t0.elapsed() >= Duration::from_millis(3400));
    }
}
