//! The in-memory index of one code set version: codes sorted for exact and prefix lookups, and an
//! inverted index of description words (a sorted vocabulary, so a word prefix is a range of word ids)
//! for "all words, prefix-matched" queries. Built once per version; never touches the database.

use std::collections::HashMap;

use super::model::System;
use super::notes::CodeNotes;
use super::store::StoredCode;

/// One code of a version.
#[derive(Debug, Clone)]
pub struct CodeEntry {
    pub code: Box<str>,
    pub description: Box<str>,
    pub short_description: Option<Box<str>>,
    pub billable: bool,
}

/// How a search result matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Exact,
    Prefix,
    Description,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub kind: MatchKind,
}

pub struct VersionIndex {
    entries: Vec<CodeEntry>,
    notes: HashMap<u32, CodeNotes>,
    /// Sorted, distinct lower-case words of all descriptions.
    words: Vec<Box<str>>,
    /// Entries containing word `w`: `postings[posting_starts[w]..posting_starts[w + 1]]`, ascending.
    postings: Vec<u32>,
    posting_starts: Vec<u32>,
    /// Word ids of entry `e`, ascending: `entry_words[entry_word_starts[e]..entry_word_starts[e + 1]]`.
    entry_words: Vec<u32>,
    entry_word_starts: Vec<u32>,
    /// Words in the description: fewer words ranks a description match as more general.
    word_counts: Vec<u8>,
}

/// Lower-case alphanumeric words of a text.
pub fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

impl VersionIndex {
    /// Builds the index from stored codes (ordered by code); unreadable notes are dropped, not fatal.
    pub fn build(stored: Vec<StoredCode>) -> VersionIndex {
        let mut entries = Vec::with_capacity(stored.len());
        let mut notes = HashMap::new();
        let mut by_word: HashMap<String, Vec<u32>> = HashMap::new();
        let mut word_counts = Vec::with_capacity(stored.len());
        for (i, row) in stored.into_iter().enumerate() {
            let id = i as u32;
            let mut count = 0usize;
            for word in words_of(&row.description) {
                count += 1;
                push_unique(by_word.entry(word).or_default(), id);
            }
            for word in row.short_description.iter().flat_map(|s| words_of(s)) {
                push_unique(by_word.entry(word).or_default(), id);
            }
            word_counts.push(count.min(255) as u8);
            if let Some(parsed) = row
                .notes
                .as_deref()
                .and_then(|n| serde_json::from_str(n).ok())
            {
                notes.insert(id, parsed);
            }
            entries.push(CodeEntry {
                code: row.code.into(),
                description: row.description.into(),
                short_description: row.short_description.map(Into::into),
                billable: row.billable,
            });
        }
        let mut vocabulary: Vec<(String, Vec<u32>)> = by_word.into_iter().collect();
        vocabulary.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut per_entry: Vec<Vec<u32>> = vec![Vec::new(); entries.len()];
        let mut words = Vec::with_capacity(vocabulary.len());
        let mut postings = Vec::new();
        let mut posting_starts = vec![0u32];
        for (word_id, (word, list)) in vocabulary.into_iter().enumerate() {
            for &entry in &list {
                per_entry[entry as usize].push(word_id as u32);
            }
            postings.extend_from_slice(&list);
            posting_starts.push(postings.len() as u32);
            words.push(word.into_boxed_str());
        }
        let mut entry_words = Vec::new();
        let mut entry_word_starts = vec![0u32];
        for list in per_entry {
            entry_words.extend_from_slice(&list);
            entry_word_starts.push(entry_words.len() as u32);
        }
        let mut index = VersionIndex {
            entries,
            notes,
            words,
            postings,
            posting_starts,
            entry_words,
            entry_word_starts,
            word_counts,
        };
        index.rank_extensions_like_their_parent();
        index
    }

    /// An ICD-10-CM 7th character adds words ("initial encounter for closed fracture", "sequela") that
    /// say nothing about the condition: a 7-character code ranks with its parent's word count, so its
    /// variants stay together in 7th-character order (A before D before S).
    fn rank_extensions_like_their_parent(&mut self) {
        for i in 0..self.entries.len() {
            if self.entries[i].code.len() == 7 {
                let code = self.entries[i].code.clone();
                if let Some(parent) = self.parent_of(&code) {
                    self.word_counts[i] = self.word_counts[parent as usize];
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, index: u32) -> &CodeEntry {
        &self.entries[index as usize]
    }

    pub fn notes(&self, index: u32) -> Option<&CodeNotes> {
        self.notes.get(&index)
    }

    /// The entry of exactly this (normalized) code.
    pub fn position(&self, code: &str) -> Option<u32> {
        self.entries
            .binary_search_by(|e| (*e.code).cmp(code))
            .ok()
            .map(|i| i as u32)
    }

    /// Entries whose code starts with `prefix` (the code itself included), in code order.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.entries.partition_point(|e| *e.code < *prefix);
        let len = self.entries[start..].partition_point(|e| e.code.starts_with(prefix));
        start..start + len
    }

    /// The nearest existing code that `code` extends (E1165 → E116 → E11), for codes with a hierarchy
    /// by prefix such as ICD-10-CM. `code` itself need not exist.
    pub fn parent_of(&self, code: &str) -> Option<u32> {
        (1..code.len())
            .rev()
            .filter(|len| code.is_char_boundary(*len))
            .find_map(|len| self.position(&code[..len]))
    }

    /// Exact code, then codes it prefixes, then descriptions holding every query word as a word prefix;
    /// within each group billable codes first. At most `limit` hits.
    pub fn search(&self, system: System, query: &str, limit: usize) -> Vec<Hit> {
        let mut hits = Vec::with_capacity(limit);
        if let Some(code) = code_query(system, query) {
            self.code_hits(&code, limit, &mut hits);
        }
        if hits.len() < limit {
            let terms: Vec<String> = words_of(query).collect();
            if !terms.is_empty() {
                let mut found = self.description_matches(&terms);
                if !hits.is_empty() {
                    found.retain(|e| !hits.iter().any(|h| h.entry == *e));
                }
                self.take_best(found, limit - hits.len(), &mut hits);
            }
        }
        hits
    }

    fn code_hits(&self, code: &str, limit: usize, hits: &mut Vec<Hit>) {
        let exact = self.position(code);
        if let Some(entry) = exact {
            hits.push(Hit {
                entry,
                kind: MatchKind::Exact,
            });
        }
        let range = self.prefix_range(code);
        for billable in [true, false] {
            for i in range.clone() {
                if hits.len() >= limit {
                    return;
                }
                let entry = i as u32;
                if self.entries[i].billable == billable && Some(entry) != exact {
                    hits.push(Hit {
                        entry,
                        kind: MatchKind::Prefix,
                    });
                }
            }
        }
    }

    /// The word-id range of vocabulary words starting with `term`.
    fn word_range(&self, term: &str) -> (u32, u32) {
        let start = self.words.partition_point(|w| **w < *term);
        let len = self.words[start..].partition_point(|w| w.starts_with(term));
        (start as u32, (start + len) as u32)
    }

    /// Entries whose words cover every term (as prefixes), in no particular order.
    fn description_matches(&self, terms: &[String]) -> Vec<u32> {
        let ranges: Vec<(u32, u32)> = terms.iter().map(|t| self.word_range(t)).collect();
        let size = |&(a, b): &(u32, u32)| {
            self.posting_starts[b as usize] - self.posting_starts[a as usize]
        };
        // Walk the rarest term's postings and test the others against each entry's own word list.
        let Some(rarest) = ranges.iter().min_by_key(|r| size(r)) else {
            return Vec::new();
        };
        let (a, b) = *rarest;
        let postings = &self.postings
            [self.posting_starts[a as usize] as usize..self.posting_starts[b as usize] as usize];
        let mut candidates = postings.to_vec();
        if b - a > 1 {
            candidates.sort_unstable();
            candidates.dedup();
        }
        candidates.retain(|&e| ranges.iter().all(|&range| self.has_word_in(e, range)));
        candidates
    }

    fn has_word_in(&self, entry: u32, (a, b): (u32, u32)) -> bool {
        let e = entry as usize;
        let own = &self.entry_words
            [self.entry_word_starts[e] as usize..self.entry_word_starts[e + 1] as usize];
        let i = own.partition_point(|&w| w < a);
        i < own.len() && own[i] < b
    }

    /// Rank key of a description match: billable first, then the most general (shortest) code, then the
    /// shortest description, then code order. Seven characters count as six: an ICD-10-CM 7th character
    /// (encounter, sequela) says nothing more specific about the condition searched for.
    fn rank(&self, entry: u32) -> (bool, usize, u8, u32) {
        let e = &self.entries[entry as usize];
        (
            !e.billable,
            e.code.len().min(6),
            self.word_counts[entry as usize],
            entry,
        )
    }

    fn take_best(&self, mut found: Vec<u32>, wanted: usize, hits: &mut Vec<Hit>) {
        if wanted == 0 || found.is_empty() {
            return;
        }
        if found.len() > wanted {
            found.select_nth_unstable_by_key(wanted - 1, |&e| self.rank(e));
            found.truncate(wanted);
        }
        found.sort_unstable_by_key(|&e| self.rank(e));
        hits.extend(found.into_iter().map(|entry| Hit {
            entry,
            kind: MatchKind::Description,
        }));
    }

    /// The same answer as `search`, found by reading every entry: the reference the index is tested and
    /// benchmarked against.
    pub fn search_by_scan(&self, system: System, query: &str, limit: usize) -> Vec<Hit> {
        let code = code_query(system, query);
        let terms: Vec<String> = words_of(query).collect();
        let mut exact = Vec::new();
        let mut prefix = (Vec::new(), Vec::new());
        let mut described = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let entry = i as u32;
            match code.as_deref() {
                Some(c) if *e.code == *c => exact.push(Hit {
                    entry,
                    kind: MatchKind::Exact,
                }),
                Some(c) if e.code.starts_with(c) => {
                    let list = if e.billable {
                        &mut prefix.0
                    } else {
                        &mut prefix.1
                    };
                    list.push(Hit {
                        entry,
                        kind: MatchKind::Prefix,
                    });
                }
                _ if !terms.is_empty() && self.scan_matches(e, &terms) => described.push(entry),
                _ => {}
            }
        }
        let mut hits: Vec<Hit> = exact
            .into_iter()
            .chain(prefix.0)
            .chain(prefix.1)
            .take(limit)
            .collect();
        described.sort_by_key(|&e| self.rank(e));
        let room = limit - hits.len();
        hits.extend(described.into_iter().take(room).map(|entry| Hit {
            entry,
            kind: MatchKind::Description,
        }));
        hits
    }

    fn scan_matches(&self, e: &CodeEntry, terms: &[String]) -> bool {
        let text = match &e.short_description {
            Some(short) => format!("{} {short}", e.description),
            None => e.description.to_string(),
        };
        let words: Vec<String> = words_of(&text).collect();
        terms
            .iter()
            .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
    }
}

fn push_unique(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

/// The query as a code, when it could be one: letters and digits (ICD-10-CM's dot allowed), no spaces.
fn code_query(system: System, query: &str) -> Option<String> {
    let trimmed = query.trim();
    let plausible = !trimmed.is_empty()
        && trimmed.len() <= 10
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.');
    plausible
        .then(|| system.normalize(trimmed))
        .filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(code: &str, description: &str, billable: bool) -> StoredCode {
        StoredCode {
            code: code.into(),
            description: description.into(),
            short_description: None,
            billable,
            notes: None,
        }
    }

    fn sample() -> VersionIndex {
        VersionIndex::build(vec![
            stored("E11", "Type 2 diabetes mellitus", false),
            stored("E1165", "Type 2 diabetes mellitus with hyperglycemia", true),
            stored(
                "E119",
                "Type 2 diabetes mellitus without complications",
                true,
            ),
            stored("I10", "Essential (primary) hypertension", true),
            stored("K766", "Portal hypertension", true),
            stored(
                "O10",
                "Pre-existing hypertension complicating pregnancy",
                false,
            ),
        ])
    }

    fn codes(index: &VersionIndex, hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| index.entry(h.entry).code.to_string())
            .collect()
    }

    #[test]
    fn exact_then_billable_prefixes_then_headers() {
        let index = sample();
        for query in ["E11", "e11"] {
            let hits = index.search(System::Icd10cm, query, 10);
            assert_eq!(codes(&index, &hits), ["E11", "E1165", "E119"]);
            assert_eq!(hits[0].kind, MatchKind::Exact);
        }
        assert_eq!(
            codes(&index, &index.search(System::Icd10cm, "E11.9", 10)),
            ["E119"]
        );
    }

    #[test]
    fn description_words_match_as_prefixes_in_any_order() {
        let index = sample();
        let hits = index.search(System::Icd10cm, "mell diab type 2", 10);
        assert_eq!(codes(&index, &hits), ["E119", "E1165", "E11"]);
        assert_eq!(
            codes(&index, &index.search(System::Icd10cm, "hypertension", 10)),
            ["I10", "K766", "O10"]
        );
        assert!(
            index
                .search(System::Icd10cm, "diabetes zebra", 10)
                .is_empty()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_query_finds_what_a_scan_finds(query in "[ E1I0ty2pheP.é-]{0,12}", limit in 1usize..8) {
            let index = sample();
            proptest::prop_assert_eq!(
                index.search(System::Icd10cm, &query, limit),
                index.search_by_scan(System::Icd10cm, &query, limit)
            );
            let _ = index.parent_of(&query);
        }

        #[test]
        fn readers_never_panic_on_arbitrary_text(text in "\\PC{0,400}") {
            let _ = crate::coding::codesets::formats::code_list(&text);
            let _ = crate::coding::codesets::formats::cpt_csv(&text);
            let _ = crate::coding::codesets::formats::ncci_ptp(&text);
            let _ = crate::coding::codesets::formats::mue(&text);
            let _ = crate::coding::codesets::formats::hcpcs_fixed_width(&text, chrono::NaiveDate::MIN);
            let _ = crate::coding::codesets::icd10cm::parse(&text, Some(&text));
            for range in crate::coding::codesets::notes::referenced_ranges(&text) {
                let _ = range.contains(&text);
            }
        }
    }

    #[test]
    fn the_index_agrees_with_a_plain_scan() {
        let index = sample();
        for query in [
            "E11",
            "E1",
            "typ",
            "hyper",
            "hypertension p",
            "2",
            "E11.6",
            "zz",
            "O",
        ] {
            for limit in [1, 2, 10] {
                assert_eq!(
                    index.search(System::Icd10cm, query, limit),
                    index.search_by_scan(System::Icd10cm, query, limit),
                    "{query} limit {limit}"
                );
            }
        }
    }
}
