//! Labels judged by referees we did not write: zxing-cpp (`shared/oracles/barcode_decode.py`) must read
//! the accession back from every PNG at 203 and 300 dpi, from every SVG rasterised by librsvg at 2×,
//! and from every page of a PDF rasterised by poppler; ZPL is checked structurally. All specimens and
//! patients are invented.

#[path = "common/oracles.rs"]
mod oracles;

use std::process::Command;

use backoffice::specimens::label::{
    DocumentFormat, Dpi, LabelData, LabelFields, LabelFormat, LabelJob, LabelSpec, Layout, render,
    render_document,
};
use chrono::NaiveDate;
use oracles::{Oracles, Scratch, run, tool};

const LAST: [&str; 8] = [
    "Doe",
    "O'Brien",
    "Núñez",
    "Smith-Jones",
    "Nguyen",
    "Müller",
    "<b>Roe</b>",
    "Ka^XZ~JA",
];
const FIRST: [&str; 6] = ["Jane", "Liam", "José", "Ana María", "Wei", "Zoë"];
const CONTAINERS: [&str; 5] = [
    "SST",
    "lavender EDTA",
    "urine cup",
    "light blue citrate",
    "gray NaF",
];

/// 24 invented specimens: accessions of the shapes the service hands out (`S26-000017K`: prefix, year,
/// sequence of six or more digits, check character; aliquots `.n`), with check characters that are
/// digits and letters; patients with apostrophes, accents and markup in their names.
fn specimens() -> Vec<LabelData> {
    let mut accessions: Vec<String> = (0..18u32)
        .map(|i| {
            let seq = 17 + i * 7919;
            let check = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(seq % 36) as usize] as char;
            format!("S26-{seq:06}{check}")
        })
        .collect();
    accessions.extend(
        [
            "S26-000017K.1",
            "S26-000017K.12",
            "S25-999999X",
            "H26-000420Q",
            "CHEM26-001234P",
            "S26-1234567Z",
        ]
        .map(String::from),
    );
    accessions
        .iter()
        .enumerate()
        .map(|(i, accession)| {
            LabelData::new(LabelFields {
                accession: accession.clone(),
                last_name: LAST[i % LAST.len()].into(),
                first_name: FIRST[i % FIRST.len()].into(),
                date_of_birth: NaiveDate::from_ymd_opt(1940 + i as i32 * 3, 1 + i as u32 % 12, 28)
                    .unwrap(),
                mrn: format!("M{:07}", 1000 + i * 37),
                collected_at: (i % 4 != 0).then(|| {
                    NaiveDate::from_ymd_opt(2026, 11, 29)
                        .unwrap()
                        .and_hms_opt(6 + i as u32 % 12, (i as u32 * 7) % 60, 0)
                        .unwrap()
                }),
                container: CONTAINERS[i % CONTAINERS.len()].into(),
                test_codes: ["80053", "85025", "83036", "84443", "81001"][..1 + i % 5]
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            })
            .unwrap()
        })
        .collect()
}

const DPIS: [(Dpi, u32); 2] = [(Dpi::D203, 203), (Dpi::D300, 300)];

#[test]
fn png_and_svg_labels_of_24_specimens_decode_to_their_accessions_at_203_and_300_dpi() {
    let Some(oracles) = Oracles::find() else {
        return;
    };
    let Some(rsvg) = tool("rsvg-convert", "librsvg2-bin") else {
        return;
    };
    let scratch = Scratch::new("labels");
    let specimens = specimens();
    assert!(specimens.len() >= 20);
    let mut failures = vec![];
    for (i, data) in specimens.iter().enumerate() {
        let mut images = vec![];
        for (dpi, n) in DPIS {
            let spec = LabelSpec::two_by_one(dpi);
            let png = scratch.path(&format!("{i:02}-{n}.png"));
            std::fs::write(&png, render(data, &spec, LabelFormat::Png).unwrap()).unwrap();
            let svg = scratch.path(&format!("{i:02}-{n}.svg"));
            std::fs::write(&svg, render(data, &spec, LabelFormat::Svg).unwrap()).unwrap();
            let svg_png = scratch.path(&format!("{i:02}-{n}.svg.png"));
            run(Command::new(&rsvg)
                .args(["-z", "2", "-b", "white", "-o"])
                .arg(&svg_png)
                .arg(&svg));
            images.extend([png, svg_png]);
        }
        if let Err(report) = oracles.decode_expect(data.accession(), &images) {
            failures.push(format!("{}:\n{report}", data.accession()));
        }
    }
    assert!(
        failures.is_empty(),
        "labels the referee could not read back:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_page_of_a_pdf_batch_decodes_to_its_accession_in_order() {
    let Some(oracles) = Oracles::find() else {
        return;
    };
    let Some(pdftoppm) = tool("pdftoppm", "poppler-utils") else {
        return;
    };
    let scratch = Scratch::new("labels-pdf");
    let specimens = specimens();
    let jobs: Vec<LabelJob> = specimens[..6]
        .iter()
        .enumerate()
        .map(|(i, data)| LabelJob {
            layout: Layout::new(data, &LabelSpec::two_by_one(Dpi::D203)).unwrap(),
            copies: 1 + i as u32 % 2,
        })
        .collect();
    let pdf = scratch.path("batch.pdf");
    std::fs::write(&pdf, render_document(&jobs, DocumentFormat::Pdf).unwrap()).unwrap();
    run(Command::new(&pdftoppm)
        .args(["-r", "400", "-gray", "-png"])
        .arg(&pdf)
        .arg(scratch.path("page")));
    let expected: Vec<&str> = jobs
        .iter()
        .flat_map(|j| std::iter::repeat_n(j.layout.accession.as_str(), j.copies as usize))
        .collect();
    let mut pages: Vec<_> = std::fs::read_dir(&scratch.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), expected.len(), "one page per copy");
    for (page, accession) in pages.iter().zip(expected) {
        if let Err(report) = oracles.decode_expect(accession, std::slice::from_ref(page)) {
            panic!("page {} should read {accession}:\n{report}", page.display());
        }
    }
}

#[test]
fn zpl_stream_of_24_specimens_has_one_format_per_label_whose_barcode_field_is_the_accession() {
    for (dpi, n) in DPIS {
        let specimens = specimens();
        let jobs: Vec<LabelJob> = specimens
            .iter()
            .enumerate()
            .map(|(i, data)| LabelJob {
                layout: Layout::new(data, &LabelSpec::two_by_one(dpi)).unwrap(),
                copies: 1 + i as u32 % 3,
            })
            .collect();
        let zpl = String::from_utf8(render_document(&jobs, DocumentFormat::Zpl).unwrap()).unwrap();
        let formats: Vec<&str> = zpl.split_inclusive("^XZ\n").collect();
        assert_eq!(formats.len(), jobs.len(), "{n} dpi");
        for (format, job) in formats.iter().zip(&jobs) {
            assert!(format.starts_with("^XA\n") && format.ends_with("^XZ\n"));
            assert_eq!(format.matches("^XA").count(), 1, "{format}");
            assert_eq!(format.matches("^XZ").count(), 1, "{format}");
            assert!(
                !format.contains('~'),
                "no control command can hide in field data"
            );
            assert!(format.contains(&format!("^PW{}\n^LL{}\n", n * 2, n)));
            // The one barcode field, and what it holds.
            let bc = format.split("^BC").nth(1).expect("a ^BC barcode");
            assert_eq!(format.matches("^BC").count(), 1);
            let fd = bc.split("^FD").nth(1).unwrap().split("^FS").next().unwrap();
            assert_eq!(fd, job.layout.accession, "{fd}");
            assert!(format.contains(&format!("^PQ{}\n", job.copies)));
        }
    }
}
