use super::*;

/// Rows of `(expected, inputs)`: a normalized form or an error message, and inputs giving it.
type Cases<'a> = &'a [(&'a str, &'a [&'a str])];

fn pairs<'a>(cases: Cases<'a>) -> impl Iterator<Item = (&'a str, &'a str)> {
    cases
        .iter()
        .flat_map(|(expected, inputs)| inputs.iter().map(move |i| (*expected, *i)))
}

/// Good inputs must parse to the expected normalized form (in Display and JSON alike);
/// bad inputs, and always blank ones, must fail with the expected message.
fn check<T: fmt::Display + Serialize>(
    parse: fn(&str) -> Result<T, String>,
    good: Cases,
    bad: Cases,
) {
    for (expected, input) in pairs(good) {
        let value = parse(input).unwrap_or_else(|e| panic!("{input:?} rejected: {e}"));
        assert_eq!(value.to_string(), expected, "input {input:?}");
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, format!("\"{expected}\""), "input {input:?}");
    }
    let blank: Cases = &[("must not be empty", &["", " \t\n "])];
    for (message, input) in pairs(bad).chain(pairs(blank)) {
        let got = parse(input).map(|v| v.to_string());
        assert_eq!(got, Err(message.to_string()), "input {input:?}");
    }
}

#[test]
fn npi_accepts_ten_digits_with_a_valid_check_digit() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (&[
        ("1234567893", &["1234567893", " 1234567893\t"]),
        ("2987654326", &["2987654326"]),
    ], &[
        ("must be 10 digits", &["123456789", "12345678930", "123456789X", "1234-67893"]),
        ("check digit is wrong", &["1234567890", "2987654325"]),
    ]);
    check(Npi::parse, good, bad);
    assert_eq!(npi_check_digit("123456789"), Some(3));
    assert_eq!(npi_check_digit("12345678"), None);
}

#[test]
fn npi_check_digit_catches_every_single_digit_substitution() {
    let valid = *b"1234567893";
    for position in 0..valid.len() {
        for digit in (b'0'..=b'9').filter(|d| *d != valid[position]) {
            let mut typo = valid;
            typo[position] = digit;
            let typo = std::str::from_utf8(&typo).unwrap();
            assert_eq!(
                Npi::parse(typo),
                Err("check digit is wrong".into()),
                "{typo}"
            );
        }
    }
}

#[test]
fn zip_codes_are_stored_as_five_or_nine_digits_without_a_dash() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("02134", &["02134", " 02134 "]), ("021341234", &["02134-1234", "021341234"])],
        &[("must be 5 or 9 digits", &["2134", "02134-", "0213-41234", "02134-12345", "ABCDE"])],
    );
    check(ZipCode::parse, good, bad);
    let plus4 = ZipCode::parse("02134-1234").unwrap();
    assert!(plus4.is_zip_plus4());
    assert_eq!(plus4.zip5(), "02134");
    assert!(!ZipCode::parse("02134").unwrap().is_zip_plus4());
}

#[test]
fn state_codes_are_case_insensitive_and_include_dc_territories_and_military() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("MA", &["ma", " Ma "]), ("DC", &["dc"]), ("PR", &["pr"]), ("AP", &["AP"])],
        &[("is not a USPS state code", &["XX", "Mass", "M", "FM"])],
    );
    check(StateCode::parse, good, bad);
    let mut states = STATE_CODES.to_vec();
    states.sort_unstable();
    states.dedup();
    assert_eq!(states.len(), 59);
}

#[test]
fn phone_numbers_normalize_to_ten_digits_and_follow_nanp_rules() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (&[
        ("5552345678", &["(555) 234-5678", "555-234-5678", "+1 555 234 5678", "1-555-234-5678"]),
        ("5552345678", &["555.234.5678", "5552345678", "+1 (555) 234-5678"]),
    ], &[
        ("must be 10 digits", &["555-2345", "555 234 56789"]),
        ("area code must not start with 0 or 1", &["055-234-5678", "155-234-5678"]),
        ("exchange must not start with 0 or 1", &["(555) 123-4567", "555-034-5678"]),
        ("extensions are not supported", &["555-234-5678 x12", "555-234-5678 ext. 12", "5552345678#1"]),
        ("must be a +1 (North American) number", &["+44 20 7946 0958", "+5552345678"]),
        ("may contain only digits, spaces and + ( ) - .", &["555/234/5678", "555-CALL-NOW"]),
    ]);
    check(Phone::parse, good, bad);
}

#[test]
fn emails_keep_the_local_part_and_lowercase_the_domain() {
    let long_local = format!("{}@example.com", "a".repeat(65));
    let too_long = format!("a@{}.com", "b".repeat(250));
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (&[
        ("Jane.Doe@example.com", &["Jane.Doe@Example.COM", " Jane.Doe@example.com "]),
        ("o'brien+claims@mail.clinic-a.org", &["o'brien+claims@mail.clinic-a.org"]),
    ], &[
        ("must contain exactly one @", &["jane.example.com", "jane@doe@example.com"]),
        ("must have a name before the @", &["@example.com"]),
        ("must have at most 64 characters before the @", &[&long_local]),
        ("must be at most 254 characters", &[&too_long]),
        ("must not contain spaces", &["jane doe@example.com", "jane@exam\tple.com"]),
        (X12_SEPARATOR_MESSAGE, &["jane*doe@example.com", "jane~@example.com"]),
        ("domain is not valid", &["jane@localhost", "jane@-example.com", "jane@example-.com"]),
        ("domain is not valid", &["jane@example..com", "jane@exa_mple.com", "jane@example.com."]),
    ]);
    check(Email::parse, good, bad);
}

#[test]
fn place_of_service_accepts_only_assigned_cms_codes() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("11", &["11", " 11 "]), ("02", &["02"]), ("10", &["10"]), ("66", &["66"]), ("99", &["99"])],
        &[("is not a CMS place of service code", &["00", "1", "011", "AB", "30", "59", "98"])],
    );
    check(PlaceOfService::parse, good, bad);
    assert_eq!(PlaceOfService::parse("11").unwrap().name(), "Office");
    assert_eq!(
        PlaceOfService::parse("81").unwrap().name(),
        "Independent Laboratory"
    );
    assert_eq!(PLACE_OF_SERVICE_CODES.len(), 52);
}

#[test]
fn claim_filing_indicators_are_case_insensitive_and_know_medicare() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("MB", &["mb", " Mb "]), ("CI", &["CI"]), ("11", &["11"]), ("ZZ", &["zz"])],
        &[("is not an X12 claim filing indicator code", &["MD", "10", "B", "MBX"])],
    );
    check(ClaimFilingIndicator::parse, good, bad);
    let part_b = ClaimFilingIndicator::parse("MB").unwrap();
    assert!(part_b.is_medicare());
    assert_eq!(part_b.name(), "Medicare Part B");
    assert!(ClaimFilingIndicator::parse("MA").unwrap().is_medicare());
    assert!(!ClaimFilingIndicator::parse("MC").unwrap().is_medicare());
}

#[test]
fn code_tables_are_sorted_without_duplicates() {
    for table in [&PLACE_OF_SERVICE_CODES[..], CLAIM_FILING_INDICATOR_CODES] {
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

#[test]
fn taxonomy_codes_are_nine_letters_or_digits_then_x() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (&[
        ("207Q00000X", &["207Q00000X", " 207q00000x "]),
        ("291U00000X", &["291U00000X"]),
    ], &[
        ("must be 10 characters", &["207Q0000X", "207Q00000XX"]),
        ("must contain only letters and digits", &["207Q-0000X", "207Q 0000X"]),
        ("must end with X", &["207Q000000"]),
    ]);
    check(TaxonomyCode::parse, good, bad);
}

#[test]
fn tax_ids_accept_the_dashed_form_and_reject_unissued_prefixes() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (&[("123456789", &["12-3456789", " 123456789 "])], &[
        ("must be 9 digits", &["12345678", "123-456789", "12-345678X", "12-34567890"]),
        ("is not a valid EIN prefix", &["00-1234567", "07-1234567", "971234567"]),
    ]);
    check(TaxId::parse, good, bad);
}

#[test]
fn person_names_keep_case_and_reject_x12_separators() {
    let (sixty, sixty_one) = ("a".repeat(60), "a".repeat(61));
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("O'Brien", &[" O'Brien "]), ("de la Cruz", &["de la Cruz"]), (&sixty, &[&sixty])],
        &[
            ("must be at most 60 characters", &[&sixty_one]),
            ("must not contain control characters", &["Ann\u{7}e"]),
            (X12_SEPARATOR_MESSAGE, &["Smith*Jones", "Smith~", "Smith:Jones", "Smith^Jones"]),
            ("must contain a letter", &["123", "-"]),
        ],
    );
    check(PersonName::parse, good, bad);
}

#[test]
fn sex_parses_letters_and_words_and_serializes_as_a_letter() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("F", &["F", "female"]), ("M", &["m", "MALE"]), ("U", &[" u ", "Unknown"])],
        &[("must be F, M or U", &["X", "woman"])],
    );
    check(Sex::parse, good, bad);
    assert_eq!(Sex::parse("f"), Ok(Sex::Female));
}

#[test]
fn bounded_text_trims_and_enforces_length_and_characters() {
    #[rustfmt::skip]
    let (good, bad): (Cases, Cases) = (
        &[("12 Main St", &["  12 Main St  ", "12 Main St"]), ("Zoë Ln", &["Zoë Ln"])],
        &[
            ("must be at most 10 characters", &["12 Main St.", "Suite 1000A"]),
            ("must not contain control characters", &["Suite\u{0}5"]),
            (X12_SEPARATOR_MESSAGE, &["Suite ^5", "A*B"]),
        ],
    );
    check(|s| bounded_text(s, 10), good, bad);
}

#[test]
fn clia_numbers_are_two_digits_d_and_seven_digits() {
    assert_eq!(
        CliaNumber::parse(" 05d0987654 ").unwrap().as_str(),
        "05D0987654"
    );
    for bad in [
        "",
        "05D098765",
        "05D09876543",
        "5D09876543X",
        "05X0987654",
        "0AD0987654",
        "05D098765A",
        "05D09876É4",
    ] {
        assert!(CliaNumber::parse(bad).is_err(), "{bad:?}");
    }
}
