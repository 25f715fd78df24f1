//! Feeds arbitrary bytes to the 835 reader and the balance check: neither may panic, every error can be
//! shown, and an error past the ISA has a position.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The libraries themselves, compiled in like x12_reader does (see Cargo.toml for why).
#[path = "../../src/x12/mod.rs"]
#[allow(dead_code, unused_imports)]
mod x12;

#[path = "../../src/money.rs"]
#[allow(dead_code)]
mod money;

#[path = "../../src/remittance/mod.rs"]
#[allow(dead_code, unused_imports)]
mod remittance;

fuzz_target!(|data: &[u8]| {
    match remittance::read_835(data) {
        Ok(sets) => {
            for set in &sets {
                let _ = set.payment_key();
                for imbalance in remittance::balance::check(set) {
                    let _ = imbalance.to_string();
                }
            }
        }
        Err(error) => {
            let _ = error.to_string();
            let _ = error.position();
        }
    }
});
