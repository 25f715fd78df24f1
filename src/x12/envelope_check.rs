//! Checks the envelopes of an interchange as read: every ISA/GS/ST closed by its trailer, control numbers
//! repeated in the trailers, counts right (SE01, GE01, IEA01), control numbers unique where X12 wants
//! them unique. Findings carry positions; the check never stops early, so one pass reports everything.

use std::collections::HashSet;
use std::fmt;

use super::error::ReadError;
use super::reader::{Position, Reader};
use super::view::SegmentRef;

/// One structural problem, at the segment where it was noticed (for a trailer missing at the end of the
/// input, at its header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub position: Position,
    pub kind: FindingKind,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// A segment the reader could not read (it still counts as a segment of its transaction set).
    Unreadable(ReadError),
    /// A header whose trailer never came (`trailer` is SE, GE or IEA).
    MissingTrailer {
        trailer: &'static str,
        opened_at: Position,
    },
    /// A trailer (SE, GE, IEA) with no open header.
    UnexpectedTrailer { id: &'static str },
    /// A GS outside an interchange, or an ST outside a group.
    HeaderOutsideEnvelope {
        id: &'static str,
        needs: &'static str,
    },
    /// A segment between transaction sets (reported once per run of such segments).
    SegmentOutsideTransaction { id: String },
    /// `trailer` (e.g. SE02) differs from `header` (e.g. ST02).
    ControlNumberMismatch {
        trailer: &'static str,
        header: &'static str,
        expected: String,
        found: String,
    },
    /// A count element (SE01, GE01, IEA01) that differs from what was counted.
    CountMismatch {
        element: &'static str,
        counted: usize,
        declared: String,
    },
    /// ST02 repeated within a group, or GS06 within an interchange.
    DuplicateControlNumber {
        element: &'static str,
        value: String,
    },
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingKind::Unreadable(error) => write!(f, "unreadable segment: {}", error.kind),
            FindingKind::MissingTrailer { trailer, opened_at } => {
                write!(f, "no {trailer} closes the envelope opened at {opened_at}")
            }
            FindingKind::UnexpectedTrailer { id } => write!(f, "{id} closes nothing"),
            FindingKind::HeaderOutsideEnvelope { id, needs } => {
                write!(f, "{id} outside any {needs}")
            }
            FindingKind::SegmentOutsideTransaction { id } => {
                write!(f, "{id} is outside any transaction set (ST..SE)")
            }
            FindingKind::ControlNumberMismatch {
                trailer,
                header,
                expected,
                found,
            } => write!(f, "{trailer} is {found:?} but {header} is {expected:?}"),
            FindingKind::CountMismatch {
                element,
                counted,
                declared,
            } => write!(f, "{element} says {declared:?} but {counted} were counted"),
            FindingKind::DuplicateControlNumber { element, value } => {
                write!(f, "{element} {value:?} is used twice")
            }
        }
    }
}

/// An envelope being read: its header's control number and position, and what it holds so far.
#[derive(Debug, Clone)]
struct Open {
    control_number: String,
    opened_at: Position,
    /// Groups in an interchange, transaction sets in a group, segments in a transaction set.
    count: usize,
    child_control_numbers: HashSet<String>,
}

impl Open {
    fn new(segment: &SegmentRef<'_>, control_element: usize) -> Self {
        Open {
            control_number: segment.get(control_element).to_string(),
            opened_at: segment.position(),
            count: 0,
            child_control_numbers: HashSet::new(),
        }
    }
}

/// How far up an envelope reaches, for closing what a new header or trailer leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Transaction,
    Group,
    Interchange,
}

/// Streaming check: feed it every segment (and every read error) in order, then [`finish`](Self::finish).
/// Lets a reader that already walks the segments (an 835 or 999 reader) check envelopes in the same pass.
#[derive(Debug, Clone, Default)]
pub struct EnvelopeChecker {
    findings: Vec<Finding>,
    interchange: Option<Open>,
    group: Option<Open>,
    transaction: Option<Open>,
    reported_stray: bool,
}

impl EnvelopeChecker {
    pub fn new() -> Self {
        EnvelopeChecker::default()
    }

    pub fn observe(&mut self, segment: &SegmentRef<'_>) {
        match segment.id() {
            "ISA" => self.open_interchange(segment),
            "GS" => self.open_group(segment),
            "ST" => self.open_transaction(segment),
            "SE" => self.close_transaction(segment),
            "GE" => self.close_group(segment),
            "IEA" => self.close_interchange(segment),
            id => self.body_segment(id, segment.position()),
        }
    }

    /// Records a segment the reader could not read; it still counts toward SE01.
    pub fn observe_error(&mut self, error: &ReadError) {
        let position = error.position.unwrap_or_default();
        if let Some(transaction) = self.transaction.as_mut() {
            transaction.count += 1;
        }
        self.report(position, FindingKind::Unreadable(error.clone()));
    }

    /// Reports envelopes left open at the end of the input, and returns every finding in input order.
    pub fn finish(mut self) -> Vec<Finding> {
        for (open, trailer) in [
            (self.transaction.take(), "SE"),
            (self.group.take(), "GE"),
            (self.interchange.take(), "IEA"),
        ] {
            if let Some(open) = open {
                let kind = FindingKind::MissingTrailer {
                    trailer,
                    opened_at: open.opened_at,
                };
                self.report(open.opened_at, kind);
            }
        }
        self.findings
    }

    fn report(&mut self, position: Position, kind: FindingKind) {
        self.findings.push(Finding { position, kind });
    }

    fn body_segment(&mut self, id: &str, position: Position) {
        if let Some(transaction) = self.transaction.as_mut() {
            transaction.count += 1;
        } else if !self.reported_stray {
            self.reported_stray = true;
            self.report(
                position,
                FindingKind::SegmentOutsideTransaction { id: id.to_string() },
            );
        }
    }

    /// Closes, with a finding each, the envelopes still open below a header or trailer: the transaction
    /// set always, the group from `Level::Group` up, the interchange at `Level::Interchange`.
    fn abandon(&mut self, level: Level, at: Position) {
        self.reported_stray = false;
        let transaction = self.transaction.take();
        let group = if level >= Level::Group {
            self.group.take()
        } else {
            None
        };
        let interchange = if level >= Level::Interchange {
            self.interchange.take()
        } else {
            None
        };
        for (open, trailer) in [(transaction, "SE"), (group, "GE"), (interchange, "IEA")] {
            if let Some(open) = open {
                let kind = FindingKind::MissingTrailer {
                    trailer,
                    opened_at: open.opened_at,
                };
                self.report(at, kind);
            }
        }
    }

    fn open_interchange(&mut self, isa: &SegmentRef<'_>) {
        self.abandon(Level::Interchange, isa.position());
        self.interchange = Some(Open::new(isa, 13));
    }

    fn open_group(&mut self, gs: &SegmentRef<'_>) {
        self.abandon(Level::Group, gs.position());
        let group = Open::new(gs, 6);
        match self.interchange.as_mut() {
            Some(interchange) => {
                interchange.count += 1;
                if !interchange
                    .child_control_numbers
                    .insert(group.control_number.clone())
                {
                    let kind = FindingKind::DuplicateControlNumber {
                        element: "GS06",
                        value: group.control_number.clone(),
                    };
                    self.report(gs.position(), kind);
                }
            }
            None => self.report(
                gs.position(),
                FindingKind::HeaderOutsideEnvelope {
                    id: "GS",
                    needs: "ISA",
                },
            ),
        }
        self.group = Some(group);
    }

    fn open_transaction(&mut self, st: &SegmentRef<'_>) {
        self.abandon(Level::Transaction, st.position());
        let mut transaction = Open::new(st, 2);
        transaction.count = 1; // ST itself
        match self.group.as_mut() {
            Some(group) => {
                group.count += 1;
                if !group
                    .child_control_numbers
                    .insert(transaction.control_number.clone())
                {
                    let kind = FindingKind::DuplicateControlNumber {
                        element: "ST02",
                        value: transaction.control_number.clone(),
                    };
                    self.report(st.position(), kind);
                }
            }
            None => self.report(
                st.position(),
                FindingKind::HeaderOutsideEnvelope {
                    id: "ST",
                    needs: "GS",
                },
            ),
        }
        self.transaction = Some(transaction);
    }

    fn close_transaction(&mut self, se: &SegmentRef<'_>) {
        self.reported_stray = false;
        match self.transaction.take() {
            Some(transaction) => self.check_trailer(
                se,
                transaction.count + 1,
                ("SE01", "SE02", "ST02"),
                &transaction,
            ),
            None => self.report(se.position(), FindingKind::UnexpectedTrailer { id: "SE" }),
        }
    }

    fn close_group(&mut self, ge: &SegmentRef<'_>) {
        self.abandon(Level::Transaction, ge.position());
        match self.group.take() {
            Some(group) => self.check_trailer(ge, group.count, ("GE01", "GE02", "GS06"), &group),
            None => self.report(ge.position(), FindingKind::UnexpectedTrailer { id: "GE" }),
        }
    }

    fn close_interchange(&mut self, iea: &SegmentRef<'_>) {
        self.abandon(Level::Group, iea.position());
        match self.interchange.take() {
            Some(interchange) => self.check_trailer(
                iea,
                interchange.count,
                ("IEA01", "IEA02", "ISA13"),
                &interchange,
            ),
            None => self.report(iea.position(), FindingKind::UnexpectedTrailer { id: "IEA" }),
        }
    }

    /// Compares a trailer's count (element 1) and control number (element 2) with what was read.
    fn check_trailer(
        &mut self,
        trailer: &SegmentRef<'_>,
        counted: usize,
        (count_element, control_element, header_element): (
            &'static str,
            &'static str,
            &'static str,
        ),
        open: &Open,
    ) {
        let declared = trailer.get(1);
        if declared.parse::<usize>().ok() != Some(counted) {
            let kind = FindingKind::CountMismatch {
                element: count_element,
                counted,
                declared: declared.to_string(),
            };
            self.report(trailer.position(), kind);
        }
        let found = trailer.get(2);
        if found != open.control_number {
            let kind = FindingKind::ControlNumberMismatch {
                trailer: control_element,
                header: header_element,
                expected: open.control_number.clone(),
                found: found.to_string(),
            };
            self.report(trailer.position(), kind);
        }
    }
}

/// Reads `input` and checks its envelopes. Fails only when the input has no usable ISA; unreadable
/// segments after it become findings.
pub fn check_envelopes(input: &[u8]) -> Result<Vec<Finding>, ReadError> {
    let mut checker = EnvelopeChecker::new();
    for item in Reader::new(input)? {
        match item {
            Ok(segment) => checker.observe(&segment),
            Err(error) => checker.observe_error(&error),
        }
    }
    Ok(checker.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*LABSUBMIT01    *ZZ*PAYERRCV01     *240115*1230*^*00501*000000001*0*T*:~";

    /// Findings for an interchange whose body (after the ISA) is given one segment per line.
    fn findings(body: &str) -> Vec<FindingKind> {
        let input = format!("{ISA}\n{body}");
        check_envelopes(input.as_bytes())
            .expect("valid ISA")
            .into_iter()
            .map(|finding| finding.kind)
            .collect()
    }

    const GOOD: &str = "GS*HC*A*B*20240115*1230*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019~
SE*3*0001~
ST*837*0002*005010X222A1~
SE*2*0002~
GE*2*1~
IEA*1*000000001~
";

    #[test]
    fn a_well_formed_interchange_has_no_findings() {
        assert_eq!(findings(GOOD), []);
    }

    #[test]
    fn wrong_counts_are_reported() {
        let body = GOOD
            .replace("SE*3*0001", "SE*4*0001")
            .replace("GE*2*1", "GE*3*1")
            .replace("IEA*1*", "IEA*x*");
        assert_eq!(
            findings(&body),
            [
                FindingKind::CountMismatch {
                    element: "SE01",
                    counted: 3,
                    declared: "4".into()
                },
                FindingKind::CountMismatch {
                    element: "GE01",
                    counted: 2,
                    declared: "3".into()
                },
                FindingKind::CountMismatch {
                    element: "IEA01",
                    counted: 1,
                    declared: "x".into()
                },
            ]
        );
    }

    #[test]
    fn mismatched_control_numbers_are_reported_at_the_trailer() {
        let body = GOOD
            .replace("SE*2*0002", "SE*2*0003")
            .replace("GE*2*1", "GE*2*2")
            .replace("IEA*1*000000001", "IEA*1*1");
        let input = format!("{ISA}\n{body}");
        let found = check_envelopes(input.as_bytes()).expect("valid ISA");
        let summary: Vec<(usize, String)> = found
            .iter()
            .map(|f| (f.position.line, f.kind.to_string()))
            .collect();
        assert_eq!(
            summary,
            [
                (7, r#"SE02 is "0003" but ST02 is "0002""#.to_string()),
                (8, r#"GE02 is "2" but GS06 is "1""#.to_string()),
                (9, r#"IEA02 is "1" but ISA13 is "000000001""#.to_string()),
            ]
        );
    }

    #[test]
    fn missing_trailers_are_reported_where_noticed_or_at_their_header() {
        let missing_se = GOOD.replace("SE*3*0001~\n", "");
        assert_eq!(
            findings(&missing_se),
            [FindingKind::MissingTrailer {
                trailer: "SE",
                opened_at: Position {
                    segment: 3,
                    offset: 149,
                    line: 3
                },
            }]
        );
        let truncated = "GS*HC*A*B*20240115*1230*1*X*005010X222A1~\nST*837*0001~\nBHT*0019~\n";
        let kinds = findings(truncated);
        let trailers: Vec<&str> = kinds
            .iter()
            .filter_map(|kind| match kind {
                FindingKind::MissingTrailer { trailer, .. } => Some(*trailer),
                _ => None,
            })
            .collect();
        assert_eq!(trailers, ["SE", "GE", "IEA"]);
    }

    #[test]
    fn headers_and_trailers_out_of_place_are_reported() {
        let body = "SE*1*0001~\nST*837*0001~\nSE*2*0001~\nGE*0*1~\nGS*HC*A*B*20240115*1230*1*X*0~\nGE*0*1~\nIEA*1*000000001~\nIEA*0*000000001~\n";
        assert_eq!(
            findings(body),
            [
                FindingKind::UnexpectedTrailer { id: "SE" },
                FindingKind::HeaderOutsideEnvelope {
                    id: "ST",
                    needs: "GS"
                },
                FindingKind::UnexpectedTrailer { id: "GE" },
                FindingKind::UnexpectedTrailer { id: "IEA" },
            ]
        );
    }

    #[test]
    fn segments_between_transaction_sets_are_reported_once_per_run() {
        let body = GOOD.replace("ST*837*0002", "LX*1~\nLX*2~\nST*837*0002");
        assert_eq!(
            findings(&body),
            [FindingKind::SegmentOutsideTransaction { id: "LX".into() }]
        );
    }

    #[test]
    fn repeated_control_numbers_are_reported() {
        let body = GOOD.replace("0002", "0001");
        assert_eq!(
            findings(&body),
            [FindingKind::DuplicateControlNumber {
                element: "ST02",
                value: "0001".into()
            }]
        );
        let two_groups = format!("{}{}", &GOOD[..GOOD.len() - 17], &GOOD[..GOOD.len() - 17])
            + "IEA*2*000000001~";
        assert_eq!(
            findings(&two_groups),
            [FindingKind::DuplicateControlNumber {
                element: "GS06",
                value: "1".into()
            }]
        );
    }

    #[test]
    fn unreadable_segments_are_findings_and_still_counted() {
        let body = GOOD.replace("BHT*0019", "B@T*0019");
        let kinds = findings(&body);
        assert_eq!(kinds.len(), 1, "{kinds:?}");
        assert!(matches!(kinds[0], FindingKind::Unreadable(_)));
    }
}
