//! Lab specimens: orders, lifecycle, accession numbers, labels, bench scans.

pub mod label;
