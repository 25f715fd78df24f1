//! ICD-10-CM: the code list (TSV: code, description, billable, short description) and the tabular XML,
//! from which each category and code keeps its instructional notes and 7th-character definitions.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::model::NewCode;
use super::notes::{CodeNotes, SeventhCharacter};

/// Reads the TSV and attaches the notes the tabular XML (when given) holds for each code.
pub fn parse(tsv: &str, tabular_xml: Option<&str>) -> Result<Vec<NewCode>, String> {
    let mut notes = match tabular_xml {
        Some(xml) => tabular_notes(xml)?,
        None => HashMap::new(),
    };
    let mut rows = Vec::with_capacity(100_000);
    for (number, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let at = |message: &str| format!("line {}: {message}", number + 1);
        let [code, description, billable, rest @ ..] = fields.as_slice() else {
            return Err(at("expected code, description, billable"));
        };
        let code = code.trim().to_ascii_uppercase();
        if !valid_code(&code) {
            return Err(at(&format!("{code:?} is not an ICD-10-CM code")));
        }
        let billable = match billable.trim() {
            "yes" | "1" | "Y" | "true" => true,
            "no" | "0" | "N" | "false" => false,
            other => return Err(at(&format!("billable must be yes or no, got {other:?}"))),
        };
        let note = notes.remove(&code);
        rows.push(NewCode {
            short_description: rest
                .first()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            description: description.trim().to_owned(),
            notes: note.map(|n| serde_json::to_string(&n).expect("notes serialize")),
            code,
            billable,
        });
    }
    Ok(rows)
}

/// A letter, then letters or digits: 3 to 7 characters, no dot (the 2026 release added categories such as
/// QA0, so the second character is not always a digit).
fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    (3..=7).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(u8::is_ascii_alphanumeric)
}

/// Which list of `CodeNotes` an XML element's `<note>` children go to.
fn note_list<'a>(notes: &'a mut CodeNotes, element: &[u8]) -> Option<&'a mut Vec<String>> {
    Some(match element {
        b"includes" => &mut notes.includes,
        b"inclusionTerm" => &mut notes.inclusion_terms,
        b"excludes1" => &mut notes.excludes1,
        b"excludes2" => &mut notes.excludes2,
        b"codeFirst" => &mut notes.code_first,
        b"useAdditionalCode" => &mut notes.use_additional_code,
        b"codeAlso" => &mut notes.code_also,
        b"notes" => &mut notes.notes,
        b"sevenChrNote" => &mut notes.seventh_character_notes,
        _ => return None,
    })
}

/// One `<diag>` being read.
#[derive(Default)]
struct Diag {
    code: String,
    notes: CodeNotes,
}

/// The notes of every `<diag>` (category, subcategory or code) of the tabular XML, by code without dot.
/// Chapter and section notes are not kept: the scrubber's rules work on categories and codes.
pub fn tabular_notes(xml: &str) -> Result<HashMap<String, CodeNotes>, String> {
    let mut reader = Reader::from_str(xml);
    let mut tabular = Tabular::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("tabular XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => tabular.start(&e)?,
            Event::Text(t) => tabular.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => tabular.text.push_str(&resolve_entity(&r)),
            Event::CData(c) => tabular.text.push_str(c.as_ref()),
            Event::End(_) => tabular.end(),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(tabular.found)
}

/// The reading state: open elements, open `<diag>`s, the text of the element being read.
#[derive(Default)]
struct Tabular {
    path: Vec<Vec<u8>>,
    diags: Vec<Diag>,
    found: HashMap<String, CodeNotes>,
    text: String,
    seventh_char: Option<String>,
}

impl Tabular {
    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>) -> Result<(), String> {
        let name = e.name().as_ref().as_bytes().to_vec();
        if name == b"diag" {
            self.diags.push(Diag::default());
        }
        if name == b"extension" {
            let attribute = e.try_get_attribute("char").map_err(|e| e.to_string())?;
            let value = attribute.map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
            });
            self.seventh_char = value.transpose().map_err(|e| e.to_string())?;
        }
        self.path.push(name);
        self.text.clear();
        Ok(())
    }

    fn end(&mut self) {
        let name = self.path.pop().unwrap_or_default();
        let parent = self.path.last().map(Vec::as_slice);
        let grandparent = self
            .path
            .len()
            .checked_sub(2)
            .map(|i| self.path[i].as_slice());
        let content = self.text.trim().to_owned();
        self.text.clear();
        let Some(diag) = self.diags.last_mut() else {
            return;
        };
        match (name.as_slice(), parent, grandparent) {
            (b"name", Some(b"diag"), _) => diag.code = content.replace('.', ""),
            (b"note", Some(list), Some(b"diag")) => {
                if let Some(list) = note_list(&mut diag.notes, list) {
                    list.push(content);
                }
            }
            (b"extension", Some(b"sevenChrDef"), Some(b"diag")) => {
                if let Some(character) = self.seventh_char.take() {
                    let meaning = content;
                    diag.notes
                        .seventh_characters
                        .push(SeventhCharacter { character, meaning });
                }
            }
            (b"diag", _, _) => {
                let done = self.diags.pop().expect("a diag is open");
                if !done.code.is_empty() && !done.notes.is_empty() {
                    self.found.insert(done.code, done.notes);
                }
            }
            _ => {}
        }
    }
}

fn resolve_entity(reference: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    match reference.as_ref() {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<ICD10CM.tabular><chapter><section id="S50-S59"><diag>
        <name>S52</name><desc>Fracture of forearm</desc>
        <excludes1><note>traumatic amputation of forearm (S58.-)</note></excludes1>
        <sevenChrDef><extension char="A">initial encounter for closed fracture</extension>
        <note>stray note</note><extension char="S">sequela</extension></sevenChrDef>
        <diag><name>S52.0</name><desc>Fracture of upper end of ulna</desc>
          <inclusionTerm><note>Fracture of proximal end of ulna &lt;x&gt;</note></inclusionTerm>
        </diag>
        <diag><name>S52.9</name><desc>no notes</desc></diag>
    </diag></section></chapter></ICD10CM.tabular>"#;

    #[test]
    fn notes_and_seventh_characters_stay_with_their_own_diag() {
        let notes = tabular_notes(XML).unwrap();
        let s52 = &notes["S52"];
        assert_eq!(
            s52.excludes1,
            vec!["traumatic amputation of forearm (S58.-)"]
        );
        let chars: Vec<_> = s52
            .seventh_characters
            .iter()
            .map(|c| c.character.as_str())
            .collect();
        assert_eq!(chars, ["A", "S"]);
        assert_eq!(s52.seventh_characters[1].meaning, "sequela");
        assert_eq!(
            notes["S520"].inclusion_terms,
            vec!["Fracture of proximal end of ulna <x>"]
        );
        assert!(notes["S520"].excludes1.is_empty());
        assert!(!notes.contains_key("S529"));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let header = "code\tdescription\tbillable\n";
        assert!(
            parse(&format!("{header}E119\tType 2\tmaybe\n"), None)
                .unwrap_err()
                .contains("line 2")
        );
        assert!(parse(&format!("{header}1E9\tx\tyes\n"), None).is_err());
        assert!(
            parse(
                &format!("{header}QA00101\tSCN2A-related disorder\tyes\n"),
                None
            )
            .is_ok()
        );
        let rows = parse(&format!("{header}E119\tType 2 diabetes\tyes\t\n"), None).unwrap();
        assert!(rows[0].billable && rows[0].short_description.is_none());
    }
}
