//! backoffice: the back office of a medical or dental practice and its lab bench.

pub mod app;
pub mod ascii;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod claims;
pub mod cli;
pub mod coding;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod error;
pub mod http;
pub mod ledger;
pub mod money;
pub mod patient_accounts;
pub mod remittance;
pub mod reports;
pub mod specimens;
pub mod x12;
