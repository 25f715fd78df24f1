//! Black-box tests over real HTTP. Each test runs on SQLite, and again on PostgreSQL when
//! `BACKOFFICE_TEST_POSTGRES_URL` is set (see helpers.rs).

mod bench;
mod claims_support;
mod coding_support;
mod fixtures;
mod helpers;
#[path = "../common/oracles.rs"]
mod oracles;
mod templates;

mod audit;
mod auth;
mod batches;
mod bench_to_bill;
mod claims;
mod cli;
mod codes;
mod demo;
mod encounters;
mod fees;
mod health;
mod inbound;
mod labels;
mod ledger;
mod locations;
mod migrations;
mod patient_accounts;
mod patients;
mod payers;
mod policies;
mod posting;
mod practice;
mod providers;
mod reports;
mod robustness;
mod roles;
mod scans;
mod scrubber;
mod specimens;
