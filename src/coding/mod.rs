//! Coding: code sets (import, index, search, lookup); encounters, fee schedules and the scrubber build on
//! the catalog in `codesets`.

pub mod codesets;
