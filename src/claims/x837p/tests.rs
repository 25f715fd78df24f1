//! Unit tests of the writer and the self-check on the invented samples.
