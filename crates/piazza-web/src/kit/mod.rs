//! The shared kit: what every domain uses and no domain owns. Nothing here imports a domain
//! (checked by the `architettura` test).
//!
//! | module | what |
//! |---|---|
//! | `view`, `extract`, `error` | the request context, form/query extractors, the one error type |
//! | `rotte`, `limiti`, `csrf`, `protezioni`, `cliente` | routes, rate limits, CSRF, headers, client address |
//! | `pannelli`, `collegamenti`, `moduli` | the registries domains meet through, the module list |
//! | `fmt`, `text`, `list`, `export`, `pdf` | Italian formatting, text, lists, CSV/XLSX, PDF |
//! | `impagina` | a report written once, out as PDF, DOCX and ODT |
//! | `cache`, `config`, `assets` | read caches, the configuration, static files |
//! | `elaborazioni` | long work in the background: progress page, cancel, outcome |
//! | `orologio` | today's date for date rules, settable in tests (`con_oggi`) |
//! | `posta` | transactional e-mail: queued in the unit of work, sent by a worker |
//! | `qr` | QR codes as SVG and as PDF drawing |
//! | `ical` | iCalendar (RFC 5545): feeds and invitations |

pub mod assets;
pub mod cache;
pub mod cliente;
pub mod collegamenti;
pub mod config;
pub mod csrf;
pub mod demo;
pub mod elaborazioni;
pub mod error;
pub mod export;
pub mod extract;
pub mod fmt;
pub mod ical;
pub mod impagina;
pub mod limiti;
pub mod list;
pub mod moduli;
pub mod orologio;
pub mod pannelli;
pub mod pdf;
pub mod posta;
pub mod protezioni;
pub mod qr;
pub mod rotte;
pub mod text;
pub mod view;
