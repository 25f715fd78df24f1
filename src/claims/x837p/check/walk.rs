//! One pass over the segments: the envelope checker sees every segment, the walker follows the loops
//! (which NM1 opens which loop), numbers HLs, and gathers each claim for [`super::claim_rules`].

use super::claim_rules::ClaimRead;
use super::{Expectations, Finding, Problem};
use crate::claims::x837p::validate::npi_is_valid;
use crate::x12::{EnvelopeChecker, Position, Reader, SegmentRef};

/// An HL as read, for numbering and parent checks.
struct Level {
    id: String,
    level: String,
    declared_children: String,
    has_children: bool,
    position: Position,
}

pub(super) struct Walker<'e> {
    expectations: &'e dyn Expectations,
    findings: Vec<Finding>,
    loop_id: Option<&'static str>,
    claim: Option<ClaimRead>,
    /// Every claim's CLM01 and its segments (first, last), to name the claim of an envelope finding.
    claim_spans: Vec<(usize, usize, String)>,
    levels: Vec<Level>,
    last_segment: usize,
}

impl<'e> Walker<'e> {
    pub fn new(expectations: &'e dyn Expectations) -> Self {
        Walker {
            expectations,
            findings: Vec::new(),
            loop_id: None,
            claim: None,
            claim_spans: Vec::new(),
            levels: Vec::new(),
            last_segment: 0,
        }
    }

    pub fn run(mut self, file: &[u8]) -> Vec<Finding> {
        let reader = match Reader::new(file) {
            Ok(reader) => reader,
            Err(error) => {
                return vec![Finding {
                    claim: None,
                    loop_id: None,
                    segment: String::new(),
                    position: error.position.unwrap_or_default(),
                    problem: Problem::NotX12(error.to_string()),
                }];
            }
        };
        let mut envelopes = EnvelopeChecker::new();
        let mut ids: Vec<&str> = Vec::new();
        for item in reader {
            match item {
                Ok(segment) => {
                    envelopes.observe(&segment);
                    ids.push(segment.id());
                    self.segment(&segment);
                    self.last_segment = segment.position().segment;
                }
                Err(error) => {
                    envelopes.observe_error(&error);
                    ids.push("");
                }
            }
        }
        self.close_claim();
        self.close_levels();
        for finding in envelopes.finish() {
            let ordinal = finding.position.segment;
            self.findings.push(Finding {
                claim: self.claim_at(ordinal),
                loop_id: None,
                segment: ordinal
                    .checked_sub(1)
                    .and_then(|i| ids.get(i))
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                position: finding.position,
                problem: Problem::Envelope(finding.kind),
            });
        }
        self.findings.sort_by_key(|finding| finding.position);
        self.findings
    }

    fn claim_at(&self, ordinal: usize) -> Option<String> {
        self.claim_spans
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&ordinal))
            .map(|(_, _, number)| number.clone())
    }

    fn report(&mut self, segment: &SegmentRef<'_>, problem: Problem) {
        self.findings.push(Finding {
            claim: self.claim.as_ref().map(|claim| claim.number.clone()),
            loop_id: self.loop_id,
            segment: segment.id().to_string(),
            position: segment.position(),
            problem,
        });
    }

    fn segment(&mut self, segment: &SegmentRef<'_>) {
        match segment.id() {
            "ISA" | "GS" | "GE" | "IEA" | "SE" => {
                self.close_claim();
                self.loop_id = Some(envelope_label(segment.id()));
            }
            "ST" => {
                self.close_claim();
                self.close_levels();
                self.loop_id = Some("ST");
            }
            "BHT" => self.loop_id = Some("BHT"),
            "HL" => {
                self.close_claim();
                self.hl(segment);
            }
            "NM1" => self.nm1(segment),
            "CLM" => {
                self.close_claim();
                self.loop_id = Some("2300");
                let (claim, problem) = ClaimRead::open(segment);
                self.claim = Some(claim);
                if let Some(problem) = problem {
                    self.report(segment, problem);
                }
            }
            "SBR" if self.claim.is_some() => {
                self.loop_id = Some("2320");
                self.with_claim(segment, ClaimRead::other_payer);
            }
            "LX" => {
                self.loop_id = Some("2400");
                self.with_claim(segment, ClaimRead::line);
            }
            "LIN" => self.loop_id = Some("2410"),
            "SVD" => {
                self.loop_id = Some("2430");
                self.with_claim(segment, ClaimRead::line_adjudication);
            }
            "HI" => self.with_claim(segment, ClaimRead::diagnoses),
            "SV1" => self.with_claim(segment, ClaimRead::service),
            "DTP" if self.loop_id == Some("2400") => {
                self.with_claim(segment, ClaimRead::service_date)
            }
            "CAS" => {
                let claim_level = self.loop_id == Some("2320");
                self.with_claim(segment, |claim, s| claim.adjustment(s, claim_level));
            }
            "AMT" if self.loop_id == Some("2320") => {
                self.with_claim(segment, ClaimRead::other_payer_paid)
            }
            _ => {}
        }
    }

    /// Feeds a segment to the open claim; problems it finds are reported at the segment.
    fn with_claim(
        &mut self,
        segment: &SegmentRef<'_>,
        read: impl FnOnce(&mut ClaimRead, &SegmentRef<'_>) -> Option<Problem>,
    ) {
        let problem = self.claim.as_mut().and_then(|claim| read(claim, segment));
        if let Some(problem) = problem {
            self.report(segment, problem);
        }
    }

    fn nm1(&mut self, segment: &SegmentRef<'_>) {
        let in_claim = self.claim.is_some();
        let loop_id = match (segment.get(1), in_claim) {
            ("41", _) => "1000A",
            ("40", _) => "1000B",
            ("85", _) => "2010AA",
            ("87", _) => "2010AB",
            ("IL", false) => "2010BA",
            ("IL", true) => "2330A",
            ("PR", false) => "2010BB",
            ("PR", true) => "2330B",
            ("QC", _) => "2010CA",
            ("DN", _) => "2310A",
            ("82", _) if self.in_lines() => "2420A",
            ("82", _) => "2310B",
            ("77", _) => "2310C",
            ("DQ", _) => "2310D",
            _ => self.loop_id.unwrap_or("?"),
        };
        self.loop_id = Some(loop_id);
        if loop_id == "2330B" {
            self.with_claim(segment, ClaimRead::other_payer_id);
        }
        if segment.get(8) == "XX" && !npi_is_valid(segment.get(9)) {
            let npi = segment.get(9).to_string();
            self.report(segment, Problem::InvalidNpi { npi });
        }
    }

    fn in_lines(&self) -> bool {
        matches!(self.loop_id, Some("2400" | "2410" | "2420A" | "2430"))
    }

    fn hl(&mut self, segment: &SegmentRef<'_>) {
        let (id, parent, level) = (segment.get(1), segment.get(2), segment.get(3));
        self.loop_id = Some(match level {
            "20" => "2000A",
            "22" => "2000B",
            "23" => "2000C",
            _ => "HL",
        });
        let expected = self.levels.len() + 1;
        if id != expected.to_string() {
            let found = id.to_string();
            self.report(segment, Problem::HlSequence { expected, found });
        }
        let parent_level = match level {
            "20" => None,
            "22" => Some("20"),
            "23" => Some("22"),
            _ => Some("?"),
        };
        let parent_index = self.levels.iter().position(|l| l.id == parent);
        let parent_ok = match (parent_level, parent_index) {
            (None, None) => parent.is_empty(),
            (Some(wanted), Some(index)) => self.levels[index].level == wanted,
            _ => false,
        };
        if !parent_ok {
            let problem = Problem::HlParent {
                level: level.to_string(),
                parent: parent.to_string(),
            };
            self.report(segment, problem);
        }
        if let Some(index) = parent_index {
            self.levels[index].has_children = true;
        }
        self.levels.push(Level {
            id: id.to_string(),
            level: level.to_string(),
            declared_children: segment.get(4).to_string(),
            has_children: false,
            position: segment.position(),
        });
    }

    /// At the end of a transaction set: HL04 against the children actually found.
    fn close_levels(&mut self) {
        for level in std::mem::take(&mut self.levels) {
            let declared_ok = match level.declared_children.as_str() {
                "1" => level.has_children,
                "0" => !level.has_children,
                _ => false,
            };
            if !declared_ok {
                self.findings.push(Finding {
                    claim: None,
                    loop_id: Some(match level.level.as_str() {
                        "20" => "2000A",
                        "22" => "2000B",
                        "23" => "2000C",
                        _ => "HL",
                    }),
                    segment: "HL".into(),
                    position: level.position,
                    problem: Problem::HlChildCode {
                        declared: level.declared_children,
                        has_children: level.has_children,
                    },
                });
            }
        }
    }

    fn close_claim(&mut self) {
        let Some(claim) = self.claim.take() else {
            return;
        };
        let first = claim.position.segment;
        self.claim_spans
            .push((first, self.last_segment.max(first), claim.number.clone()));
        let number = claim.number.clone();
        for (loop_id, segment, position, problem) in claim.finish(self.expectations) {
            self.findings.push(Finding {
                claim: Some(number.clone()),
                loop_id: Some(loop_id),
                segment: segment.into(),
                position,
                problem,
            });
        }
    }
}

fn envelope_label(id: &str) -> &'static str {
    match id {
        "ISA" => "ISA",
        "GS" => "GS",
        "GE" => "GE",
        "IEA" => "IEA",
        _ => "SE",
    }
}
