//! The statement as a US Letter PDF: practice and statement box at the top, the patient's address
//! where a window envelope shows it, the open items as a table, then totals and the amount due with
//! its "pay by" line. Text is measured (`metrics`), so figures right-align, descriptions wrap and
//! nothing runs past its column; items that do not fit continue on further pages under a repeated
//! table header, each page numbered.

use printpdf::{
    BuiltinFont, Color, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};

use super::metrics::{Weight, amount, fitting_size, printable, width, wrap};
use super::statement::{Statement, StatementItem};

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const LEFT: f32 = 48.0;
const RIGHT: f32 = PAGE_W - 48.0;
/// Rows stop here; the footer sits below.
const BOTTOM: f32 = PAGE_H - 70.0;
const BODY: f32 = 8.5;
const LINE: f32 = 11.0;
const PAD: f32 = 3.0;
/// What the totals row and the amount-due block need below the last row.
const CLOSING_HEIGHT: f32 = 120.0;

/// Table columns: title, left edge, width, right-aligned.
const COLUMNS: [(&str, f32, f32, bool); 8] = [
    ("Date", LEFT, 54.0, false),
    ("Claim", LEFT + 54.0, 66.0, false),
    ("Services", LEFT + 120.0, 170.0, false),
    ("Charge", LEFT + 290.0, 44.0, true),
    ("Ins. paid", LEFT + 334.0, 46.0, true),
    ("Adjusted", LEFT + 380.0, 44.0, true),
    ("You paid", LEFT + 424.0, 44.0, true),
    ("You owe", LEFT + 468.0, 48.0, true),
];

/// Drawing operations of one page, in top-down coordinates.
struct Canvas {
    ops: Vec<Op>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas { ops: Vec::new() }
    }

    fn grey(&mut self, level: f32) {
        self.ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: level,
                icc_profile: None,
            }),
        });
    }

    /// Text with its baseline at `y` from the top of the page.
    fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let font = match weight {
            Weight::Regular => BuiltinFont::Helvetica,
            Weight::Bold => BuiltinFont::HelveticaBold,
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(PAGE_H - y),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text ending at `right`, shrunk if it would not fit in `room`.
    fn text_right(&mut self, right: f32, room: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let size = fitting_size(text, weight, size, room);
        let x = right - width(text, weight, size);
        self.text(x, y, size, weight, text);
    }

    /// Text from `x`, shrunk if it would not fit in `room`.
    fn text_fit(&mut self, x: f32, room: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let size = fitting_size(text, weight, size, room);
        self.text(x, y, size, weight, text);
    }

    /// A filled rectangle whose top edge is at `y` from the top.
    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.grey(level);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - y - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
        self.grey(0.0);
    }

    fn rule(&mut self, y: f32, level: f32) {
        self.fill(LEFT, y, RIGHT - LEFT, 0.6, level);
    }
}

/// A line of the Services column: a procedure code in bold (its first line only), then text from
/// `indent`, so a description's wrapped lines hang under its first.
struct ServiceLine {
    code: Option<String>,
    indent: f32,
    text: String,
}

/// One table row, laid out: the Services lines and the row's height.
struct Row<'a> {
    item: &'a StatementItem,
    services: Vec<ServiceLine>,
    height: f32,
}

fn row(item: &StatementItem) -> Row<'_> {
    let room = COLUMNS[2].2 - 2.0 * PAD;
    let mut services = Vec::new();
    for p in &item.procedures {
        let code = printable(&p.code);
        let indent = width(&code, Weight::Bold, BODY) + 4.0;
        let description = p.description.as_deref().map(printable).unwrap_or_default();
        for (i, text) in wrap(&description, Weight::Regular, BODY, room - indent)
            .into_iter()
            .enumerate()
        {
            services.push(ServiceLine {
                code: (i == 0).then(|| code.clone()),
                indent,
                text,
            });
        }
    }
    if !item.insurance_pending.is_zero() {
        let text = format!("Insurance pending {}", amount(item.insurance_pending));
        for text in wrap(&text, Weight::Regular, BODY, room) {
            services.push(ServiceLine {
                code: None,
                indent: 0.0,
                text,
            });
        }
    }
    let lines = services.len().max(1) as f32;
    Row {
        item,
        services,
        height: lines * LINE + 2.0 * PAD + 2.0,
    }
}

fn us_date(date: chrono::NaiveDate) -> String {
    date.format("%m/%d/%Y").to_string()
}

/// The top of the first page; returns where the table starts.
fn first_header(c: &mut Canvas, s: &Statement) -> f32 {
    let mut y = 60.0;
    for line in wrap(&printable(&s.practice.name), Weight::Bold, 15.0, 290.0) {
        c.text(LEFT, y, 15.0, Weight::Bold, &line);
        y += 18.0;
    }
    let mut contact = s.practice.address.clone();
    contact.extend(s.practice.phone.iter().map(|p| format!("Phone {p}")));
    for part in contact {
        for line in wrap(&printable(&part), Weight::Regular, 9.5, 290.0) {
            c.text(LEFT, y, 9.5, Weight::Regular, &line);
            y += 12.0;
        }
    }
    c.text_right(RIGHT, 200.0, 64.0, 20.0, Weight::Bold, "STATEMENT");
    let facts = [
        ("Statement date", us_date(s.statement_date)),
        ("Account number", printable(&s.account_number)),
        ("Pay by", us_date(s.pay_by)),
        ("Amount due", format!("${}", amount(s.amount_due))),
    ];
    let (box_x, box_y, box_w) = (RIGHT - 210.0, 78.0, 210.0);
    c.fill(box_x, box_y, box_w, 8.0 + 16.0 * facts.len() as f32, 0.93);
    for (i, (label, value)) in facts.iter().enumerate() {
        let line_y = box_y + 18.0 + 16.0 * i as f32;
        let weight = if i == facts.len() - 1 {
            Weight::Bold
        } else {
            Weight::Regular
        };
        c.text(box_x + 8.0, line_y, 9.5, weight, label);
        c.text_right(RIGHT - 8.0, 110.0, line_y, 9.5, weight, value);
    }
    // The patient's address where a #10 window envelope shows it.
    let mut py = y.max(150.0) + 16.0;
    c.grey(0.35);
    c.text(LEFT, py, 8.0, Weight::Regular, "STATEMENT FOR");
    c.grey(0.0);
    py += 14.0;
    for line in wrap(&printable(&s.patient.name), Weight::Bold, 11.0, 280.0) {
        c.text(LEFT, py, 11.0, Weight::Bold, &line);
        py += 14.0;
    }
    for part in &s.patient.address {
        for line in wrap(&printable(part), Weight::Regular, 10.0, 280.0) {
            c.text(LEFT, py, 10.0, Weight::Regular, &line);
            py += 13.0;
        }
    }
    py.max(box_y + 80.0) + 22.0
}

/// The top of a continuation page; returns where the table starts.
fn next_header(c: &mut Canvas, s: &Statement) -> f32 {
    let title = printable(&format!(
        "{}: statement for {}, account {} (continued)",
        s.practice.name, s.patient.name, s.account_number
    ));
    let mut y = 60.0;
    for line in wrap(&title, Weight::Bold, 11.0, RIGHT - LEFT) {
        c.text(LEFT, y, 11.0, Weight::Bold, &line);
        y += 14.0;
    }
    y + 14.0
}

fn table_header(c: &mut Canvas, y: f32) -> f32 {
    c.fill(LEFT, y, RIGHT - LEFT, 18.0, 0.88);
    for (title, x, w, right) in COLUMNS {
        if right {
            c.text_right(
                x + w - PAD,
                w - 2.0 * PAD,
                y + 12.5,
                8.0,
                Weight::Bold,
                title,
            );
        } else {
            c.text_fit(x + PAD, w - 2.0 * PAD, y + 12.5, 8.0, Weight::Bold, title);
        }
    }
    y + 18.0
}

fn figures(item: &StatementItem) -> [String; 5] {
    [
        amount(item.charge),
        amount(item.insurance_paid),
        amount(item.adjustments),
        amount(item.patient_paid),
        amount(item.amount_due),
    ]
}

fn draw_row(c: &mut Canvas, y: f32, r: &Row) {
    let base = y + PAD + 9.0;
    let (date, claim) = (COLUMNS[0], COLUMNS[1]);
    c.text_fit(
        date.1 + PAD,
        date.2 - 2.0 * PAD,
        base,
        BODY,
        Weight::Regular,
        &us_date(r.item.date_of_service),
    );
    c.text_fit(
        claim.1 + PAD,
        claim.2 - 2.0 * PAD,
        base,
        BODY,
        Weight::Regular,
        &printable(&r.item.claim_number),
    );
    let x = COLUMNS[2].1 + PAD;
    for (i, line) in r.services.iter().enumerate() {
        let line_y = base + LINE * i as f32;
        if let Some(code) = &line.code {
            c.text(x, line_y, BODY, Weight::Bold, code);
        }
        c.text(x + line.indent, line_y, BODY, Weight::Regular, &line.text);
    }
    for (value, (_, x, w, _)) in figures(r.item).iter().zip(&COLUMNS[3..]) {
        let weight = if *x == COLUMNS[7].1 {
            Weight::Bold
        } else {
            Weight::Regular
        };
        c.text_right(x + w - PAD, w - 2.0 * PAD, base, BODY, weight, value);
    }
    c.rule(y + r.height, 0.8);
}

/// Totals row and the amount-due block; `y` is the bottom of the last row.
fn closing(c: &mut Canvas, s: &Statement, y: f32) {
    let t = &s.totals;
    let base = y + 14.0;
    c.text(COLUMNS[2].1 + PAD, base, BODY, Weight::Bold, "Totals");
    let values = [
        t.charge,
        t.insurance_paid,
        t.adjustments,
        t.patient_paid,
        t.patient_balance,
    ];
    for (value, (_, x, w, _)) in values.iter().zip(&COLUMNS[3..]) {
        c.text_right(
            x + w - PAD,
            w - 2.0 * PAD,
            base,
            BODY,
            Weight::Bold,
            &amount(*value),
        );
    }
    c.rule(y + 20.0, 0.0);
    let mut lines: Vec<(String, String, Weight)> = vec![(
        "Your balance".into(),
        format!("${}", amount(t.patient_balance)),
        Weight::Regular,
    )];
    if !s.credit.is_zero() {
        lines.push((
            "Credit on account".into(),
            format!("-${}", amount(s.credit)),
            Weight::Regular,
        ));
    }
    lines.push((
        "Amount due".into(),
        format!("${}", amount(s.amount_due)),
        Weight::Bold,
    ));
    let mut ly = y + 40.0;
    for (label, value, weight) in &lines {
        let size = if *weight == Weight::Bold { 11.0 } else { 9.5 };
        c.text(RIGHT - 200.0, ly, size, *weight, label);
        c.text_right(RIGHT, 90.0, ly, size, *weight, value);
        ly += 16.0;
    }
    let pay = if s.amount_due.is_zero() {
        "Nothing is due. Thank you.".to_owned()
    } else {
        format!(
            "Please pay ${} by {}.",
            amount(s.amount_due),
            s.pay_by.format("%B %-d, %Y")
        )
    };
    c.text_fit(LEFT, 260.0, y + 40.0, 10.0, Weight::Bold, &pay);
    if !t.insurance_pending.is_zero() {
        let note = format!(
            "${} is still with your insurance and not billed to you yet.",
            amount(t.insurance_pending)
        );
        let mut ny = y + 56.0;
        for line in wrap(&note, Weight::Regular, 8.5, 260.0) {
            c.text(LEFT, ny, 8.5, Weight::Regular, &line);
            ny += 11.0;
        }
    }
}

fn footer(c: &mut Canvas, s: &Statement, page: usize, pages: usize) {
    let y = PAGE_H - 40.0;
    c.rule(y - 12.0, 0.8);
    let contact = match &s.practice.phone {
        Some(phone) => format!("Questions about this statement? Call {phone}."),
        None => "Questions about this statement? Contact our billing office.".into(),
    };
    c.grey(0.35);
    c.text_fit(LEFT, 380.0, y, 8.0, Weight::Regular, &printable(&contact));
    c.text_right(
        RIGHT,
        100.0,
        y,
        8.0,
        Weight::Regular,
        &format!("Page {page} of {pages}"),
    );
    c.grey(0.0);
}

/// The statement as PDF bytes.
pub fn render(s: &Statement) -> Vec<u8> {
    let rows: Vec<Row> = s.items.iter().map(row).collect();
    let mut pages: Vec<Canvas> = vec![Canvas::new()];
    let mut y = first_header(&mut pages[0], s);
    y = table_header(&mut pages[0], y);
    if rows.is_empty() {
        let page = pages.last_mut().expect("a page");
        page.text(
            COLUMNS[2].1 + PAD,
            y + PAD + 9.0,
            BODY,
            Weight::Regular,
            "No open items.",
        );
        y += LINE + 2.0 * PAD + 2.0;
        page.rule(y, 0.8);
    }
    for r in &rows {
        if y + r.height > BOTTOM {
            pages.push(Canvas::new());
            let page = pages.last_mut().expect("a page");
            y = next_header(page, s);
            y = table_header(page, y);
        }
        draw_row(pages.last_mut().expect("a page"), y, r);
        y += r.height;
    }
    if y + CLOSING_HEIGHT > BOTTOM {
        // The totals on a page of their own still sit under the column titles.
        pages.push(Canvas::new());
        let page = pages.last_mut().expect("a page");
        y = next_header(page, s);
        y = table_header(page, y);
    }
    closing(pages.last_mut().expect("a page"), s, y);
    let count = pages.len();
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            footer(&mut c, s, i + 1, count);
            PdfPage::new(Mm(215.9), Mm(279.4), c.ops)
        })
        .collect();
    let mut doc = PdfDocument::new("Patient statement");
    doc.with_pages(pdf_pages);
    doc.save(&PdfSaveOptions::default(), &mut Vec::new())
}
