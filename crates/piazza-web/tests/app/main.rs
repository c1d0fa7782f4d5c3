//! The one integration-test binary of piazza-web: the router driven in process (`oneshot`), on a
//! fresh SQLite file per test, or on PostgreSQL (a fresh database per test) when
//! `TEST_DATABASE_URL` is set.

mod common;

mod allerte;
mod anagrafica;
mod architettura;
mod auth;
mod elaborazioni;
mod errori;
mod eventi;
mod iscrizioni;
mod lavoro;
mod ostile;
mod pari;
mod pdfa;
mod permessi;
mod piano;
mod progetti;
mod sessioni;
mod territorio;
