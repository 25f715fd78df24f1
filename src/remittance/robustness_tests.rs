//! No input makes the reader or the balance check panic: every prefix of the sample (a truncated
//! download) is refused, and thousands of deterministic mutations (bytes changed, inserted, deleted;
//! stretches repeated or cut) read or fail with an error that can be shown.

use super::tests::SAMPLE_835;
use super::{balance, read_835};

#[test]
fn every_prefix_of_the_sample_is_refused_without_panic() {
    let last_terminator = SAMPLE_835
        .iter()
        .rposition(|&b| b == b'~')
        .expect("terminator");
    for length in 0..=SAMPLE_835.len() {
        let result = read_835(&SAMPLE_835[..length]);
        if length <= last_terminator {
            let error = result.expect_err("a prefix is refused");
            if length > 106 {
                assert!(error.position().is_some(), "{length}: {error}");
            }
        } else {
            assert!(result.is_ok(), "the whole file ({length} bytes) is refused");
        }
    }
}

/// xorshift64: deterministic mutations without a dependency.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        const INTERESTING: &[u8] = b"~*:^\r\n0123456789AZaz -.\xff\x00";
        let mut bytes = input.to_vec();
        for _ in 0..=self.below(3) {
            let at = self.below(bytes.len());
            let byte = if self.below(2) == 0 {
                INTERESTING[self.below(INTERESTING.len())]
            } else {
                (self.next() & 0xff) as u8
            };
            match self.below(4) {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                2 if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                _ => {
                    // Duplicate or drop a stretch: repeated or missing segments.
                    let end = (at + self.below(40)).min(bytes.len());
                    let stretch = bytes[at..end].to_vec();
                    if self.below(2) == 0 {
                        bytes.splice(at..at, stretch);
                    } else {
                        bytes.drain(at..end);
                    }
                }
            }
        }
        bytes
    }
}

#[test]
fn thousands_of_mutated_samples_read_or_fail_without_panic() {
    let mut mutator = Mutator(0x9E37_79B9_7F4A_7C15);
    let mut refused = 0;
    for _ in 0..6000 {
        let mutated = mutator.mutate(SAMPLE_835);
        let outcome = std::panic::catch_unwind(|| match read_835(&mutated) {
            Ok(sets) => {
                for set in &sets {
                    for imbalance in balance::check(set) {
                        let _ = imbalance.to_string();
                    }
                }
                false
            }
            Err(error) => {
                let _ = error.to_string(); // every error can be shown
                true
            }
        });
        match outcome {
            Ok(was_refused) => refused += usize::from(was_refused),
            Err(_) => panic!("panic on {:?}", String::from_utf8_lossy(&mutated)),
        }
    }
    assert!(refused > 3000, "most mutations must be refused ({refused})");
}
