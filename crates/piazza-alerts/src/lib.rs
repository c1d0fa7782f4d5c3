//! Cittadino Informato's delivery engine: every notification of a change of the alert state
//! reaches every subscriber who asked for it, on their channel, once.
//!
//! - `outbox`: the durable outbox in the database — one row per (notification, recipient,
//!   channel), so a re-run of the fan-out never duplicates; claiming, recording, resuming after
//!   a crash, counters.
//! - `motore`: the workers, one per channel, with bounded concurrency, per-destination rate
//!   limits, retries with backoff and jitter honouring `Retry-After`, messages past the alert's
//!   expiry dropped.
//! - The channels: `push` (RFC 8291 + RFC 8292), `email` (SMTP with a connection pool, RFC 8058
//!   one-click unsubscribe), `telegram` (Bot API, one channel per comune), `sms` (a configurable
//!   HTTP gateway).
//! - `chiavi`: the keys generated at install (VAPID, the secret of subscribers' links);
//!   `ritmo`: rate limits and backoff.
//!
//! What a message says is the caller's (`motore::Compositore`): the engine only delivers.

pub mod chiavi;
pub mod email;
pub mod h1;
pub mod motore;
pub mod outbox;
pub mod push;
pub mod ritmo;
pub mod sms;
pub mod telegram;

use std::time::Duration;

/// The channels (`invii.canale`, `iscrizioni.canale`).
pub mod canale {
    pub const PUSH: &str = "push";
    pub const EMAIL: &str = "email";
    pub const SMS: &str = "sms";
    pub const TELEGRAM: &str = "telegram";
    pub const TUTTI: [&str; 4] = [PUSH, EMAIL, SMS, TELEGRAM];

    pub fn nome(c: &str) -> &'static str {
        match c {
            PUSH => "notifiche push",
            EMAIL => "e-mail",
            SMS => "SMS",
            TELEGRAM => "Telegram",
            _ => "?",
        }
    }
}

/// What happened to one message, whatever the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Esito {
    Consegnato,
    /// Try again, not before `dopo` when the peer said so (429 `Retry-After`, `retry_after`).
    Riprova {
        dopo: Option<Duration>,
        motivo: String,
    },
    /// The recipient is gone for good (a push subscription answered 404/410): remove it.
    Scaduta,
    /// Refused for good (a bad address, a request the peer will never accept).
    Rifiutato(String),
    /// The recipient's address is one the server may not connect to (the outbound rules of
    /// `piazza_net`: an address of this machine or the internal network, a local name, a
    /// scheme or port not allowed): it can never be delivered to, like a gone subscription —
    /// remove it. Nothing was sent anywhere.
    Vietato(String),
}
