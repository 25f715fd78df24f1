//! Claims out: claim versions built from ready encounters, frozen as snapshots, written as ANSI X12 837P
//! 005010X222A1 batches for clearinghouses.

pub mod partner;
pub mod snapshot;
pub mod x837p;
