//! A hand-written 835 with every segment the reader keeps reads field by field, and malformed segments
//! are refused naming the segment (ordinal) and element at fault.

use super::balance;
use super::tests::{HEADER, SAMPLE_835, day, dec, edited, malformed_at, only, wrap};

#[test]
fn every_kept_segment_reads_field_by_field() {
    let header = HEADER.replace("PER*BL", "REF*2U*ACME01~PER*BL");
    let file = wrap(&format!(
        "{header}LX*7~TS3*1234567893*11*20241231*1*150~\
         CLP*C1*2*150*90*20*MB*ICN1*11*7~CAS*PR*1*10*1*2*10~CAS*OA*23*30~\
         NM1*QC*1*DOE*JANE****MI*M1~NM1*IL*1*DOE*JOHN****MI*M0~NM1*82*1*WHO*DOC****XX*1234567893~\
         NM1*TT*2*CROSSOVER PLAN*****PI*CO1~MOA***MA01*N1~MIA*0***12*MA02****************MA03~\
         REF*EA*MRN1~DTM*232*20240101~DTM*233*20240102~AMT*AU*150~PER*CX*X~QTY*CA*1~\
         SVC*HC:99213:25:59:::OFFICE VISIT*150*90*0450*1*HC:99214*2~DTM*472*20240101~\
         CAS*CO*45*10*1*253*1~REF*6R*C1-1~REF*6B*AUTH1~AMT*B6*120~QTY*ZL*1~LQ*HE*M15~LQ*RX*99~\
         PLB*1234567893*20241231*WO:ICN0*10*L6*-2.5~PLB*1234567893*20241231*72*2.5~"
    ));
    let remittance = only(&file);
    assert_eq!(remittance.payer.additional_id.as_deref(), Some("ACME01"));
    let claim = &remittance.claims[0];
    assert_eq!(claim.header_number.as_deref(), Some("7"));
    assert_eq!(claim.status, "2");
    assert_eq!(claim.patient_responsibility, Some(dec("20")));
    assert_eq!(claim.filing_indicator, "MB");
    assert_eq!(claim.facility.as_deref(), Some("11"));
    assert_eq!(claim.frequency.as_deref(), Some("7"));
    let cas: Vec<_> = claim
        .adjustments
        .iter()
        .map(|a| (a.group.as_str(), a.reason.as_str(), a.amount, a.quantity))
        .collect();
    assert_eq!(
        cas,
        [
            ("PR", "1", dec("10"), Some(dec("1"))),
            ("PR", "2", dec("10"), None),
            ("OA", "23", dec("30"), None)
        ]
    );
    assert_eq!(
        claim.insured.as_ref().and_then(|p| p.id.as_deref()),
        Some("M0")
    );
    assert_eq!(
        claim
            .rendering_provider
            .as_ref()
            .and_then(|p| p.id.as_deref()),
        Some("1234567893")
    );
    assert_eq!(claim.other_parties[0].entity, "TT");
    let remarks: Vec<_> = claim
        .adjudication
        .iter()
        .map(|r| (r.segment.as_str(), r.remark_codes.clone()))
        .collect();
    assert_eq!(
        remarks,
        [
            ("MOA", vec!["MA01".to_string(), "N1".to_string()]),
            ("MIA", vec!["MA02".to_string(), "MA03".to_string()])
        ]
    );
    assert_eq!(claim.references[0].qualifier, "EA");
    assert_eq!(claim.date("232"), Some(day(2024, 1, 1)));
    assert_eq!(claim.date("233"), Some(day(2024, 1, 2)));
    assert_eq!(claim.amount("AU"), Some(dec("150")));
    let line = &claim.lines[0];
    assert_eq!(line.procedure.code, "99213");
    assert_eq!(line.procedure.modifiers, ["25", "59"]);
    assert_eq!(line.procedure.description.as_deref(), Some("OFFICE VISIT"));
    assert_eq!(line.revenue_code.as_deref(), Some("0450"));
    let original = line.original_procedure.as_ref().expect("SVC06");
    assert_eq!(
        (original.code.as_str(), line.original_units),
        ("99214", Some(dec("2")))
    );
    assert_eq!(line.adjustments.len(), 2);
    assert_eq!(line.adjustments[1].reason, "253");
    assert_eq!(line.line_id(), Some("C1-1"));
    assert_eq!(line.reference("6B"), Some("AUTH1"));
    assert_eq!(line.allowed(), Some(dec("120")));
    assert_eq!(line.remark_codes(), ["M15"]);
    assert_eq!(line.remarks.len(), 2);
    let plb: Vec<_> = remittance
        .provider_adjustments
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| (i.reason.as_str(), i.reference.as_deref(), i.amount))
        .collect();
    assert_eq!(
        plb,
        [
            ("WO", Some("ICN0"), dec("10")),
            ("L6", None, dec("-2.5")),
            ("72", None, dec("2.5"))
        ]
    );
    // 90 paid − (10 − 2.5 + 2.5) taken back = 80, but BPR02 says 100.
    let imbalances = balance::check(&remittance);
    assert_eq!(imbalances.len(), 3, "{imbalances:?}");
    assert_eq!(
        (imbalances[0].expected, imbalances[0].found),
        (dec("80"), dec("100"))
    );
}

#[test]
fn malformed_segments_are_refused_naming_segment_and_element() {
    let (segment, problem) = malformed_at(&edited(
        SAMPLE_835,
        "CLP*S24000123*1*150*120",
        "CLP*S24000123*1*150*12O",
    ));
    assert_eq!(segment, 14);
    assert!(problem.starts_with("CLP04 \"12O\""), "{problem}");
    let (segment, problem) = malformed_at(&edited(SAMPLE_835, "CAS*CO*45*20", "CAS*CO**20"));
    assert_eq!(segment, 19);
    assert!(problem.starts_with("CAS02"), "{problem}");
    let (_, problem) = malformed_at(&edited(SAMPLE_835, "DTM*472*20240110", "DTM*472*20241310"));
    assert!(problem.contains("CCYYMMDD"), "{problem}");
    let (segment, problem) = malformed_at(&edited(SAMPLE_835, "AMT*B6*80~", "HL*1**20~"));
    assert_eq!(segment, 20);
    assert!(
        problem.contains("HL is not expected in a service line"),
        "{problem}"
    );
    let (segment, problem) = malformed_at(&edited(SAMPLE_835, "BPR*I*122.5", "BPR*I*1.225"));
    assert_eq!(segment, 4);
    assert!(problem.contains("BPR02"), "{problem}");
    let (_, problem) = malformed_at(&edited(SAMPLE_835, "BPR*I*122.5*C", "BPR*I*122.5*X"));
    assert!(problem.contains("BPR03"), "{problem}");
    let (_, problem) = malformed_at(&wrap("TRN*1*X*1~"));
    assert!(problem.contains("starts with BPR"), "{problem}");
    let (_, problem) = malformed_at(&wrap("BPR*I*0*C*NON************20240120~"));
    assert!(problem.contains("no TRN"), "{problem}");
    let (_, problem) = malformed_at(&wrap(&format!("{HEADER}CAS*CO*45*1~")));
    assert!(
        problem.contains("CAS is not expected in the payee loop"),
        "{problem}"
    );
    let (_, problem) = malformed_at(&wrap(&format!("{HEADER}PLB*1*20241231*L6*-1~LX*1~")));
    assert!(problem.contains("after PLB"), "{problem}");
    let (_, problem) = malformed_at(&wrap(
        "BPR*I*0*C*NON************20240120~TRN*1*X*1~N1*PR*P~LX*1~",
    ));
    assert!(problem.contains("before the payee"), "{problem}");
    let seven = "CAS*CO*1*1**2*1**3*1**4*1**5*1**6*1**7*1~";
    let (_, problem) = malformed_at(&wrap(&format!("{HEADER}LX*1~CLP*A*1*10*3**12*I~{seven}")));
    assert!(problem.contains("more than six"), "{problem}");
}
