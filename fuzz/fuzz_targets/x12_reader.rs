//! Feeds arbitrary bytes to the X12 reader and the envelope check: neither may panic, and positions must
//! move forward through the input.

#![no_main]

use libfuzzer_sys::fuzz_target;

// The library itself, compiled in (see Cargo.toml for why); the writer half is unused here.
#[path = "../../src/x12/mod.rs"]
#[allow(dead_code, unused_imports)]
mod x12;

use x12::{Position, Reader, check_envelopes};

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = Reader::new(data) {
        let mut previous: Option<Position> = None;
        for item in reader {
            let position = match item {
                Ok(segment) => {
                    for element in segment.elements() {
                        for repetition in element.repetitions() {
                            let _ = repetition.components().count();
                            let _ = repetition.component(2);
                        }
                    }
                    let _ = segment.get(segment.element_count() + 1);
                    let _ = segment.to_segment();
                    segment.position()
                }
                Err(error) => {
                    let _ = error.to_string();
                    error
                        .position
                        .expect("errors after the ISA have a position")
                }
            };
            assert!(position.offset < data.len());
            if let Some(previous) = previous {
                assert_eq!(position.segment, previous.segment + 1);
                assert!(position.offset > previous.offset);
                assert!(position.line >= previous.line);
            }
            previous = Some(position);
        }
    }
    if let Ok(findings) = check_envelopes(data) {
        for finding in findings {
            let _ = finding.to_string();
        }
    }
});
