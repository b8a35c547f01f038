//! The offline helpline table: crisis line and emergency number by country.
//!
//! Loaded from `prompts/safety/helplines.toml`, which carries the date it was last checked
//! (`updated = "YYYY-MM-DD"`). Every number has a display form ("116 123") and a spoken form for
//! the voice ("one one six, one two three"). Countries are ISO 3166 alpha-2 codes; an entry with
//! `country = "international"` is the fallback for countries not in the table.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::engine::PromptError;

/// The country code of the fallback entry.
pub const INTERNATIONAL: &str = "international";

/// One country's crisis line and emergency number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helpline {
    /// ISO 3166 alpha-2 code, upper case ("US", "GB"), or `international`.
    pub country: String,
    /// The service, as it would be said: "the 988 Suicide and Crisis Lifeline".
    pub name: String,
    /// The name as the voice should say it (no digits).
    pub name_spoken: String,
    /// Display form of the crisis line number: "116 123".
    pub crisis_line: String,
    /// Spoken form: "one one six, one two three".
    pub crisis_line_spoken: String,
    /// How to reach a crisis service by text, for display ("Text 988"), if there is one.
    pub text_line: Option<String>,
    /// Spoken form of the text line ("text nine eight eight").
    pub text_line_spoken: Option<String>,
    /// Display form of the emergency number: "911".
    pub emergency: String,
    /// Spoken form: "nine one one".
    pub emergency_spoken: String,
    /// When the line is open, as said aloud ("any time, day or night").
    pub hours: String,
    /// A domestic-abuse line for the country, given beside the crisis line when someone tells
    /// of abuse at home. `None` where there is no single national line (the crisis line is
    /// given instead).
    pub abuse_line: Option<AbuseLine>,
}

/// A country's domestic-abuse helpline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbuseLine {
    /// The service, for display: "National Domestic Abuse Helpline".
    pub name: String,
    /// The name as the voice says it (no digits).
    pub name_spoken: String,
    /// Display form of the number: "0808 2000 247".
    pub number: String,
    /// Spoken form: "oh eight oh eight, two thousand, two four seven".
    pub number_spoken: String,
}

/// The whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelplineTable {
    /// The date the table was last checked, `YYYY-MM-DD`.
    pub updated: String,
    pub entries: Vec<Helpline>,
    fallback: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    updated: Spanned<String>,
    helpline: Vec<Spanned<RawHelpline>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHelpline {
    country: String,
    name: String,
    name_spoken: Option<String>,
    crisis_line: String,
    crisis_line_spoken: String,
    text_line: Option<String>,
    text_line_spoken: Option<String>,
    emergency: String,
    emergency_spoken: String,
    hours: String,
    abuse_line_name: Option<String>,
    abuse_line_name_spoken: Option<String>,
    abuse_line: Option<String>,
    abuse_line_spoken: Option<String>,
}

/// Whether a display phone number uses only digits, spaces and `+ - ( )`, with at least one digit.
pub fn is_phone_number(s: &str) -> bool {
    !s.trim().is_empty()
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
}

/// Whether `s` is a plausible `YYYY-MM-DD` date.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(y), Some(m), Some(d)) if y >= 2000 && (1..=12).contains(&m) && (1..=31).contains(&d))
}

impl HelplineTable {
    /// Parse and validate `helplines.toml` (`file` is used in error messages only).
    pub fn parse(file: &Path, source: &str) -> Result<Self, PromptError> {
        let raw: RawTable =
            toml::from_str(source).map_err(|e| PromptError::from_toml(file, source, &e))?;
        let at = |offset: usize, msg: String| PromptError::at_offset(file, source, offset, msg);
        if !is_iso_date(raw.updated.get_ref()) {
            return Err(at(
                raw.updated.span().start,
                format!(
                    "`updated` must be a date like 2026-11-20, found {:?}",
                    raw.updated.get_ref()
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut entries = Vec::with_capacity(raw.helpline.len());
        for spanned in raw.helpline {
            let start = spanned.span().start;
            let h = spanned.into_inner();
            let country = if h.country.eq_ignore_ascii_case(INTERNATIONAL) {
                INTERNATIONAL.to_string()
            } else {
                h.country.to_ascii_uppercase()
            };
            if country != INTERNATIONAL
                && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()))
            {
                return Err(at(
                    start,
                    format!(
                        "country {:?} is not a two-letter code or \"international\"",
                        h.country
                    ),
                ));
            }
            if !seen.insert(country.clone()) {
                return Err(at(start, format!("country {country} appears twice")));
            }
            for (field, value) in [
                ("name", &h.name),
                ("crisis_line_spoken", &h.crisis_line_spoken),
                ("emergency_spoken", &h.emergency_spoken),
                ("hours", &h.hours),
            ] {
                if value.trim().is_empty() {
                    return Err(at(start, format!("{country}: `{field}` is empty")));
                }
            }
            for (field, value) in [("crisis_line", &h.crisis_line), ("emergency", &h.emergency)] {
                if !is_phone_number(value) {
                    return Err(at(start, format!("{country}: `{field}` {value:?} is not a phone number (digits, spaces, + - ( ) only)")));
                }
            }
            let name_spoken = h.name_spoken.unwrap_or_else(|| h.name.clone());
            for (field, value) in [
                ("name_spoken", Some(&name_spoken)),
                ("crisis_line_spoken", Some(&h.crisis_line_spoken)),
                ("emergency_spoken", Some(&h.emergency_spoken)),
                ("text_line_spoken", h.text_line_spoken.as_ref()),
            ] {
                if let Some(v) = value {
                    if v.chars().any(|c| c.is_ascii_digit()) {
                        return Err(at(
                            start,
                            format!(
                                "{country}: `{field}` is spoken aloud, so write numbers as words"
                            ),
                        ));
                    }
                }
            }
            if h.text_line.is_some() != h.text_line_spoken.is_some() {
                return Err(at(
                    start,
                    format!("{country}: `text_line` and `text_line_spoken` go together"),
                ));
            }
            let abuse_line = match (h.abuse_line, h.abuse_line_spoken, h.abuse_line_name) {
                (None, None, None) => None,
                (Some(number), Some(number_spoken), Some(name)) => {
                    if !is_phone_number(&number) {
                        return Err(at(start, format!("{country}: `abuse_line` {number:?} is not a phone number (digits, spaces, + - ( ) only)")));
                    }
                    let name_spoken = h.abuse_line_name_spoken.unwrap_or_else(|| name.clone());
                    for (field, v) in [
                        ("abuse_line_spoken", &number_spoken),
                        ("abuse_line_name_spoken", &name_spoken),
                    ] {
                        if v.trim().is_empty() || v.chars().any(|c| c.is_ascii_digit()) {
                            return Err(at(
                                start,
                                format!("{country}: `{field}` is spoken aloud: not empty, numbers as words"),
                            ));
                        }
                    }
                    Some(AbuseLine {
                        name,
                        name_spoken,
                        number,
                        number_spoken,
                    })
                }
                _ => {
                    return Err(at(
                        start,
                        format!("{country}: `abuse_line`, `abuse_line_spoken` and `abuse_line_name` go together"),
                    ))
                }
            };
            entries.push(Helpline {
                country,
                name: h.name,
                name_spoken,
                crisis_line: h.crisis_line,
                crisis_line_spoken: h.crisis_line_spoken,
                text_line: h.text_line,
                text_line_spoken: h.text_line_spoken,
                emergency: h.emergency,
                emergency_spoken: h.emergency_spoken,
                hours: h.hours,
                abuse_line,
            });
        }
        let fallback = entries
            .iter()
            .position(|h| h.country == INTERNATIONAL)
            .ok_or_else(|| {
                PromptError::new(
                    file,
                    0,
                    "the table needs an entry with country = \"international\" (the fallback)",
                )
            })?;
        Ok(Self {
            updated: raw.updated.into_inner(),
            entries,
            fallback,
        })
    }

    /// The entry for a country code (case-insensitive; "UK" means GB), else the international one.
    pub fn get(&self, country: &str) -> &Helpline {
        let code = country.trim().to_ascii_uppercase();
        let code = match code.as_str() {
            "UK" => "GB",
            other => other,
        };
        self.entries
            .iter()
            .find(|h| h.country == code)
            .unwrap_or(&self.entries[self.fallback])
    }

    /// Whether the table has its own entry for a country (not only the fallback).
    pub fn has(&self, country: &str) -> bool {
        self.get(country).country != INTERNATIONAL || country.eq_ignore_ascii_case(INTERNATIONAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> HelplineTable {
        let path = Path::new("prompts/safety/helplines.toml");
        let src = include_str!("../../../prompts/safety/helplines.toml");
        match HelplineTable::parse(path, src) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_entry_is_well_formed() {
        let t = shipped();
        assert!(is_iso_date(&t.updated), "table date {:?}", t.updated);
        for h in &t.entries {
            assert!(!h.name.trim().is_empty(), "{}: empty name", h.country);
            assert!(
                !h.name_spoken.trim().is_empty(),
                "{}: empty spoken name",
                h.country
            );
            assert!(
                is_phone_number(&h.crisis_line),
                "{}: crisis line {:?}",
                h.country,
                h.crisis_line
            );
            assert!(
                is_phone_number(&h.emergency),
                "{}: emergency {:?}",
                h.country,
                h.emergency
            );
            assert!(
                !h.crisis_line_spoken.trim().is_empty()
                    && !h.crisis_line_spoken.chars().any(|c| c.is_ascii_digit()),
                "{}",
                h.country
            );
            assert!(
                !h.emergency_spoken.trim().is_empty()
                    && !h.emergency_spoken.chars().any(|c| c.is_ascii_digit()),
                "{}",
                h.country
            );
            assert!(!h.hours.trim().is_empty(), "{}: hours", h.country);
            if let Some(tl) = &h.text_line {
                assert!(
                    !tl.trim().is_empty() && tl.chars().any(|c| c.is_ascii_digit()),
                    "{}: text line {tl:?}",
                    h.country
                );
            }
        }
    }

    #[test]
    fn required_countries_are_present() {
        let t = shipped();
        for c in [
            "US",
            "CA",
            "GB",
            "IE",
            "AU",
            "NZ",
            "DE",
            "FR",
            "ES",
            "IN",
            INTERNATIONAL,
        ] {
            assert!(t.entries.iter().any(|h| h.country == c), "missing {c}");
        }
    }

    #[test]
    fn lookup_falls_back_to_international() {
        let t = shipped();
        assert_eq!(t.get("us").country, "US");
        assert_eq!(t.get("UK").country, "GB");
        assert_eq!(t.get("ZZ").country, INTERNATIONAL);
        assert_eq!(t.get("").country, INTERNATIONAL);
        assert!(!t.has("ZZ"));
        assert!(t.has("gb"));
    }

    #[test]
    fn known_numbers() {
        let t = shipped();
        assert_eq!(t.get("US").crisis_line, "988");
        assert_eq!(t.get("US").emergency, "911");
        assert_eq!(t.get("GB").crisis_line, "116 123");
        assert_eq!(t.get("GB").emergency, "999");
        assert_eq!(t.get("AU").crisis_line, "13 11 14");
        assert_eq!(t.get("AU").emergency, "000");
    }

    #[test]
    fn rejects_bad_tables_with_a_line() {
        let p = Path::new("helplines.toml");
        let bad_date = "updated = \"soon\"\n[[helpline]]\ncountry = \"international\"\nname = \"x\"\ncrisis_line = \"112\"\ncrisis_line_spoken = \"one one two\"\nemergency = \"112\"\nemergency_spoken = \"one one two\"\nhours = \"any time\"\n";
        let e = HelplineTable::parse(p, bad_date).err();
        assert_eq!(e.as_ref().map(|e| e.line), Some(1), "{e:?}");
        let bad_number = "updated = \"2026-11-20\"\n\n[[helpline]]\ncountry = \"international\"\nname = \"x\"\ncrisis_line = \"call us\"\ncrisis_line_spoken = \"one one two\"\nemergency = \"112\"\nemergency_spoken = \"one one two\"\nhours = \"any time\"\n";
        let e = HelplineTable::parse(p, bad_number).err();
        assert!(
            e.as_ref()
                .map(|e| e.line >= 3 && e.message.contains("phone number"))
                .unwrap_or(false),
            "{e:?}"
        );
        let no_fallback = "updated = \"2026-11-20\"\n[[helpline]]\ncountry = \"US\"\nname = \"x\"\ncrisis_line = \"988\"\ncrisis_line_spoken = \"nine eight eight\"\nemergency = \"911\"\nemergency_spoken = \"nine one one\"\nhours = \"any time\"\n";
        assert!(HelplineTable::parse(p, no_fallback).is_err());
    }
}
