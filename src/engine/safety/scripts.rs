//! Hearth's safety scripts: what the voice says in a crisis, an emergency, a referral, a
//! moment of distress and a disclosure, loaded from `prompts/safety/*.toml`.
//!
//! Every script is a list of phrasings; `variant` picks one deterministically (index modulo
//! count). Scripts are spoken aloud, so loading checks each line: not empty, not too long, no
//! digits (numbers come from the helpline table's spoken forms through placeholders), no web
//! addresses, no list bullets, only known `{placeholders}`, and disclosure lines must say that
//! Hearth is an AI, not a person and not a therapist. Every problem names the file and line.
//!
//! Placeholders: `{line_name}` (the crisis service), `{line}` (its number, spoken),
//! `{text_line}` (how to text it, spoken), `{emergency}` (the emergency number, spoken),
//! `{hours}` (when the line is open), `{abuse_line_name}` and `{abuse_line}` (the country's
//! domestic-abuse line, or the crisis line where there is none).
//!
//! Crisis and emergency openings can be specific to a category (`[crisis.openings]`,
//! `[emergency.openings]`, keyed by the rules' categories in [`OPENING_CATEGORIES`]); the crisis
//! protocol says one instead of the general acknowledgement or call line when it exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::disclosure::DisclosureReason;
use super::helplines::{Helpline, HelplineTable};
use crate::engine::PromptError;

/// The files read from `<prompts>/safety/`.
pub const FILES: &[&str] = &[
    "crisis.toml",
    "emergency.toml",
    "referral.toml",
    "support.toml",
    "disclosure.toml",
    "helplines.toml",
];

/// The placeholders a script line may use.
pub const PLACEHOLDERS: &[&str] = &[
    "line_name",
    "line",
    "text_line",
    "emergency",
    "hours",
    "abuse_line_name",
    "abuse_line",
];

/// Categories that may have their own crisis or emergency opening.
pub const OPENING_CATEGORIES: &[&str] = &[
    "domestic_abuse",
    "child_danger",
    "eating_disorder",
    "medication_stopped",
    "mania_psychosis",
];

/// Longest allowed script line, in characters (a few spoken sentences).
const MAX_LINE: usize = 360;

/// Lines of the crisis protocol (`crisis.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrisisLine {
    Acknowledge,
    AcknowledgeThirdParty,
    AcknowledgeHarmToOthers,
    AcknowledgeAbuse,
    AcknowledgeMethodRequest,
    AcknowledgeUnavailable,
    GiveLine,
    GiveTextLine,
    AskSafe,
    SafeYes,
    AskReady,
    FineCheck,
    NotSafe,
    Unsure,
    OfferPlan,
    NoPlan,
    RepeatNumber,
    Listening,
    KeepTalking,
    CheckIn,
    CheckInWithLine,
    Stop,
    Finish,
    /// The alarm came from a misreading and the person has said so: end gently.
    Misunderstood,
}

/// Lines of the emergency script (`emergency.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmergencyLine {
    CallNow,
    CallNowMedical,
    CallNowViolence,
    CallNowOverdose,
    AlsoLine,
    Stay,
    AskCalled,
    Called,
    StillCall,
    CheckIn,
    Stop,
    /// The person says clearly they are safe and it was a misunderstanding.
    Misunderstood,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrisisFile {
    crisis: CrisisSection,
}

type Lines = Vec<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrisisSection {
    acknowledge: Lines,
    acknowledge_third_party: Lines,
    acknowledge_harm_to_others: Lines,
    acknowledge_abuse: Lines,
    acknowledge_method_request: Lines,
    acknowledge_unavailable: Lines,
    give_line: Lines,
    give_text_line: Lines,
    ask_safe: Lines,
    safe_yes: Lines,
    ask_ready: Lines,
    fine_check: Lines,
    not_safe: Lines,
    unsure: Lines,
    offer_plan: Lines,
    no_plan: Lines,
    repeat_number: Lines,
    listening: Lines,
    keep_talking: Lines,
    check_in: Lines,
    check_in_with_line: Lines,
    stop: Lines,
    finish: Lines,
    misunderstood: Lines,
    #[serde(default)]
    openings: BTreeMap<String, Lines>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencyFile {
    emergency: EmergencySection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencySection {
    call_now: Lines,
    call_now_medical: Lines,
    call_now_violence: Lines,
    call_now_overdose: Lines,
    also_line: Lines,
    stay: Lines,
    ask_called: Lines,
    called: Lines,
    still_call: Lines,
    check_in: Lines,
    stop: Lines,
    misunderstood: Lines,
    #[serde(default)]
    openings: BTreeMap<String, Lines>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralFile {
    referral: ReferralSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferralSection {
    general: Lines,
    diagnosis: Lines,
    medication: Lines,
    therapy_request: Lines,
    treatment: Lines,
    medical: Lines,
    mania_psychosis: Lines,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportFile {
    support: SupportSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportSection {
    general: Lines,
    grief: Lines,
    loneliness: Lines,
    anxiety: Lines,
    anger: Lines,
    past_history: Lines,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisclosureFile {
    disclosure: DisclosureSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisclosureSection {
    first_conversation: Lines,
    three_hours: Lines,
    after_a_week_away: Lines,
    asked: Lines,
}

/// A validated list of phrasings.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phrasings(Vec<String>);

impl Phrasings {
    fn pick(&self, variant: u64) -> &str {
        // Never empty: validation rejects empty lists.
        let n = self.0.len().max(1) as u64;
        self.0
            .get((variant % n) as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// All safety scripts and the helpline table, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyScripts {
    dir: PathBuf,
    crisis: Vec<(CrisisLine, Phrasings)>,
    emergency: Vec<(EmergencyLine, Phrasings)>,
    referral: Vec<(&'static str, Phrasings)>,
    support: Vec<(&'static str, Phrasings)>,
    disclosure: Vec<(DisclosureReason, Phrasings)>,
    crisis_openings: Vec<(&'static str, Phrasings)>,
    emergency_openings: Vec<(&'static str, Phrasings)>,
    helplines: HelplineTable,
}

/// What a list of lines must satisfy beyond the common checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Spoken,
    Disclosure,
}

fn validate(
    file: &Path,
    source: &str,
    key: &str,
    lines: &Lines,
    check: Check,
) -> Result<Phrasings, PromptError> {
    if lines.is_empty() {
        return Err(PromptError::new(
            file,
            0,
            format!("`{key}` needs at least one phrasing"),
        ));
    }
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let err = |msg: String| {
            PromptError::at_offset(file, source, l.span().start, format!("`{key}`: {msg}"))
        };
        let text = l.get_ref().trim();
        if text.is_empty() {
            return Err(err("empty line".into()));
        }
        if text.chars().count() > MAX_LINE {
            return Err(err(format!(
                "line is longer than {MAX_LINE} characters; keep spoken lines short"
            )));
        }
        if text.chars().any(|c| c.is_ascii_digit()) {
            return Err(err(
                "digits in a spoken line; write numbers as words or use {line} / {emergency}"
                    .into(),
            ));
        }
        let lower = text.to_ascii_lowercase();
        if lower.contains("http")
            || lower.contains("www.")
            || lower.contains("://")
            || lower.contains(".com")
            || lower.contains(".org")
        {
            return Err(err("web addresses cannot be spoken; remove it".into()));
        }
        if text.starts_with(['-', '*', '\u{2022}', '#']) || text.contains('\n') {
            return Err(err(
                "bullets and line breaks do not work in speech; write a sentence".into(),
            ));
        }
        check_placeholders(text).map_err(err)?;
        if check == Check::Disclosure {
            let says_ai = text.contains("AI") || lower.contains("artificial intelligence");
            let not_person = lower.contains("not a person")
                || lower.contains("not a human")
                || lower.contains("not a real person")
                || lower.contains("not human");
            let not_therapist = lower.contains("not a therapist")
                || lower.contains("not a counsellor")
                || lower.contains("not your therapist")
                || lower.contains("nor a therapist")
                || lower.contains("or a therapist");
            if !(says_ai && not_person && not_therapist) {
                return Err(err(
                    "a disclosure must say Hearth is an AI, not a person, and not a therapist"
                        .into(),
                ));
            }
        }
        out.push(text.to_string());
    }
    Ok(Phrasings(out))
}

fn check_placeholders(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| "unclosed `{`".to_string())?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}} (known: {})",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err("stray `}`".into());
    }
    Ok(())
}

fn parse<T: for<'de> Deserialize<'de>>(file: &Path, source: &str) -> Result<T, PromptError> {
    toml::from_str(source).map_err(|e| PromptError::from_toml(file, source, &e))
}

/// Validate category openings: known categories only, the common checks, and each phrasing
/// must carry the placeholders `required` names for its category.
fn validate_openings(
    file: &Path,
    source: &str,
    section: &str,
    openings: &BTreeMap<String, Lines>,
    required: &dyn Fn(&str) -> Vec<&'static str>,
) -> Result<Vec<(&'static str, Phrasings)>, PromptError> {
    let mut out = Vec::with_capacity(openings.len());
    for (key, lines) in openings {
        let Some(category) = OPENING_CATEGORIES.iter().find(|c| **c == key.as_str()) else {
            return Err(PromptError::new(
                file,
                0,
                format!(
                    "`{section}.openings.{key}`: unknown category (known: {})",
                    OPENING_CATEGORIES.join(", ")
                ),
            ));
        };
        let name = format!("{section}.openings.{key}");
        let p = validate(file, source, &name, lines, Check::Spoken)?;
        for placeholder in required(category) {
            if let Some(bad) = p.0.iter().find(|t| !t.contains(placeholder)) {
                return Err(PromptError::new(
                    file,
                    0,
                    format!("`{name}`: every phrasing must say {placeholder}; this one does not: {bad:?}"),
                ));
            }
        }
        out.push((*category, p));
    }
    Ok(out)
}

/// Replace placeholders with the helpline's spoken forms.
pub fn render(template: &str, h: &Helpline) -> String {
    let (abuse_name, abuse_number) = match &h.abuse_line {
        Some(a) => (a.name_spoken.as_str(), a.number_spoken.as_str()),
        None => (h.name_spoken.as_str(), h.crisis_line_spoken.as_str()),
    };
    template
        .replace("{abuse_line_name}", abuse_name)
        .replace("{abuse_line}", abuse_number)
        .replace("{line_name}", &h.name_spoken)
        .replace("{line}", &h.crisis_line_spoken)
        .replace("{text_line}", h.text_line_spoken.as_deref().unwrap_or(""))
        .replace("{emergency}", &h.emergency_spoken)
        .replace("{hours}", &h.hours)
}

/// The repository's `prompts/safety/` files, compiled in (see [`SafetyScripts::builtin`]).
const BUILTIN_SOURCES: &[(&str, &str)] = &[
    (
        "crisis.toml",
        include_str!("../../../prompts/safety/crisis.toml"),
    ),
    (
        "emergency.toml",
        include_str!("../../../prompts/safety/emergency.toml"),
    ),
    (
        "referral.toml",
        include_str!("../../../prompts/safety/referral.toml"),
    ),
    (
        "support.toml",
        include_str!("../../../prompts/safety/support.toml"),
    ),
    (
        "disclosure.toml",
        include_str!("../../../prompts/safety/disclosure.toml"),
    ),
    (
        "helplines.toml",
        include_str!("../../../prompts/safety/helplines.toml"),
    ),
];

impl SafetyScripts {
    /// The scripts shipped inside the binary (the repository's `prompts/safety/`), for when the
    /// prompts directory is missing or broken: the safety texts are never unavailable.
    pub fn builtin() -> Result<Self, PromptError> {
        Self::from_sources(Path::new("<builtin>/prompts/safety"), BUILTIN_SOURCES)
    }

    /// Validate scripts from in-memory sources: `(file name, contents)` for each of [`FILES`].
    pub fn from_sources(safety_dir: &Path, sources: &[(&str, &str)]) -> Result<Self, PromptError> {
        let get = |name: &str| -> Result<(PathBuf, &str), PromptError> {
            let path = safety_dir.join(name);
            match sources.iter().find(|(n, _)| *n == name) {
                Some((_, s)) => Ok((path, s)),
                None => Err(PromptError::new(&path, 0, "missing file")),
            }
        };

        let (p, s) = get("crisis.toml")?;
        let c = parse::<CrisisFile>(&p, s)?.crisis;
        use CrisisLine as L;
        let table: Vec<(CrisisLine, &str, &Lines)> = vec![
            (L::Acknowledge, "acknowledge", &c.acknowledge),
            (
                L::AcknowledgeThirdParty,
                "acknowledge_third_party",
                &c.acknowledge_third_party,
            ),
            (
                L::AcknowledgeHarmToOthers,
                "acknowledge_harm_to_others",
                &c.acknowledge_harm_to_others,
            ),
            (
                L::AcknowledgeAbuse,
                "acknowledge_abuse",
                &c.acknowledge_abuse,
            ),
            (
                L::AcknowledgeMethodRequest,
                "acknowledge_method_request",
                &c.acknowledge_method_request,
            ),
            (
                L::AcknowledgeUnavailable,
                "acknowledge_unavailable",
                &c.acknowledge_unavailable,
            ),
            (L::GiveLine, "give_line", &c.give_line),
            (L::GiveTextLine, "give_text_line", &c.give_text_line),
            (L::AskSafe, "ask_safe", &c.ask_safe),
            (L::SafeYes, "safe_yes", &c.safe_yes),
            (L::AskReady, "ask_ready", &c.ask_ready),
            (L::FineCheck, "fine_check", &c.fine_check),
            (L::NotSafe, "not_safe", &c.not_safe),
            (L::Unsure, "unsure", &c.unsure),
            (L::OfferPlan, "offer_plan", &c.offer_plan),
            (L::NoPlan, "no_plan", &c.no_plan),
            (L::RepeatNumber, "repeat_number", &c.repeat_number),
            (L::Listening, "listening", &c.listening),
            (L::KeepTalking, "keep_talking", &c.keep_talking),
            (L::CheckIn, "check_in", &c.check_in),
            (
                L::CheckInWithLine,
                "check_in_with_line",
                &c.check_in_with_line,
            ),
            (L::Stop, "stop", &c.stop),
            (L::Finish, "finish", &c.finish),
            (L::Misunderstood, "misunderstood", &c.misunderstood),
        ];
        let mut crisis = Vec::with_capacity(table.len());
        for (k, name, lines) in table {
            crisis.push((k, validate(&p, s, name, lines, Check::Spoken)?));
        }
        for (k, name) in [
            (L::GiveLine, "give_line"),
            (L::RepeatNumber, "repeat_number"),
            (L::Stop, "stop"),
            (L::Finish, "finish"),
            (L::Misunderstood, "misunderstood"),
            (L::NotSafe, "not_safe"),
            (L::CheckInWithLine, "check_in_with_line"),
        ] {
            require_placeholder(&p, &crisis, k, name, "{line}")?;
        }
        let crisis_openings = validate_openings(&p, s, "crisis", &c.openings, &|cat| {
            if cat == "domestic_abuse" {
                vec!["{abuse_line}", "{emergency}"]
            } else {
                vec!["{emergency}"]
            }
        })?;

        let (p, s) = get("emergency.toml")?;
        let e = parse::<EmergencyFile>(&p, s)?.emergency;
        use EmergencyLine as M;
        let table: Vec<(EmergencyLine, &str, &Lines)> = vec![
            (M::CallNow, "call_now", &e.call_now),
            (M::CallNowMedical, "call_now_medical", &e.call_now_medical),
            (
                M::CallNowViolence,
                "call_now_violence",
                &e.call_now_violence,
            ),
            (
                M::CallNowOverdose,
                "call_now_overdose",
                &e.call_now_overdose,
            ),
            (M::AlsoLine, "also_line", &e.also_line),
            (M::Stay, "stay", &e.stay),
            (M::AskCalled, "ask_called", &e.ask_called),
            (M::Called, "called", &e.called),
            (M::StillCall, "still_call", &e.still_call),
            (M::CheckIn, "check_in", &e.check_in),
            (M::Stop, "stop", &e.stop),
            (M::Misunderstood, "misunderstood", &e.misunderstood),
        ];
        let mut emergency = Vec::with_capacity(table.len());
        for (k, name, lines) in table {
            emergency.push((k, validate(&p, s, name, lines, Check::Spoken)?));
        }
        for (k, name) in [
            (M::CallNow, "call_now"),
            (M::CallNowMedical, "call_now_medical"),
            (M::CallNowViolence, "call_now_violence"),
            (M::CallNowOverdose, "call_now_overdose"),
            (M::StillCall, "still_call"),
            (M::Stop, "stop"),
            (M::Misunderstood, "misunderstood"),
        ] {
            require_placeholder(&p, &emergency, k, name, "{emergency}")?;
        }
        let emergency_openings =
            validate_openings(&p, s, "emergency", &e.openings, &|_| vec!["{emergency}"])?;

        let (p, s) = get("referral.toml")?;
        let r = parse::<ReferralFile>(&p, s)?.referral;
        let referral = vec![
            (
                "general",
                validate(&p, s, "general", &r.general, Check::Spoken)?,
            ),
            (
                "diagnosis",
                validate(&p, s, "diagnosis", &r.diagnosis, Check::Spoken)?,
            ),
            (
                "medication",
                validate(&p, s, "medication", &r.medication, Check::Spoken)?,
            ),
            (
                "therapy_request",
                validate(&p, s, "therapy_request", &r.therapy_request, Check::Spoken)?,
            ),
            (
                "treatment",
                validate(&p, s, "treatment", &r.treatment, Check::Spoken)?,
            ),
            (
                "medical",
                validate(&p, s, "medical", &r.medical, Check::Spoken)?,
            ),
            (
                "mania_psychosis",
                validate(&p, s, "mania_psychosis", &r.mania_psychosis, Check::Spoken)?,
            ),
        ];

        let (p, s) = get("support.toml")?;
        let su = parse::<SupportFile>(&p, s)?.support;
        let support = vec![
            (
                "general",
                validate(&p, s, "general", &su.general, Check::Spoken)?,
            ),
            ("grief", validate(&p, s, "grief", &su.grief, Check::Spoken)?),
            (
                "loneliness",
                validate(&p, s, "loneliness", &su.loneliness, Check::Spoken)?,
            ),
            (
                "anxiety",
                validate(&p, s, "anxiety", &su.anxiety, Check::Spoken)?,
            ),
            ("anger", validate(&p, s, "anger", &su.anger, Check::Spoken)?),
            (
                "past_history",
                validate(&p, s, "past_history", &su.past_history, Check::Spoken)?,
            ),
        ];

        let (p, s) = get("disclosure.toml")?;
        let d = parse::<DisclosureFile>(&p, s)?.disclosure;
        let disclosure = vec![
            (
                DisclosureReason::FirstConversation,
                validate(
                    &p,
                    s,
                    "first_conversation",
                    &d.first_conversation,
                    Check::Disclosure,
                )?,
            ),
            (
                DisclosureReason::ThreeHours,
                validate(&p, s, "three_hours", &d.three_hours, Check::Disclosure)?,
            ),
            (
                DisclosureReason::AfterAWeekAway,
                validate(
                    &p,
                    s,
                    "after_a_week_away",
                    &d.after_a_week_away,
                    Check::Disclosure,
                )?,
            ),
            (
                DisclosureReason::Asked,
                validate(&p, s, "asked", &d.asked, Check::Disclosure)?,
            ),
        ];

        let (p, s) = get("helplines.toml")?;
        let helplines = HelplineTable::parse(&p, s)?;

        Ok(Self {
            dir: safety_dir.to_path_buf(),
            crisis,
            emergency,
            referral,
            support,
            disclosure,
            crisis_openings,
            emergency_openings,
            helplines,
        })
    }

    /// Where the scripts were loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The helpline for a country code, falling back to the international entry.
    pub fn helpline(&self, country: &str) -> &Helpline {
        self.helplines.get(country)
    }

    /// The whole helpline table (with its date).
    pub fn helplines(&self) -> &HelplineTable {
        &self.helplines
    }

    /// A referral script for a category (`diagnosis`, `medication`, `therapy_request`,
    /// `treatment`, `medical`; anything else gets the general one).
    pub fn referral(&self, category: &str, variant: u64) -> String {
        pick_named(&self.referral, category, variant)
    }

    /// A support script for distress without risk.
    pub fn support(&self, variant: u64) -> String {
        pick_named(&self.support, "general", variant)
    }

    /// A support script for a category (`grief`, `loneliness`, `anxiety`, `anger`,
    /// `past_history`; anything else gets the general one).
    pub fn support_for(&self, category: &str, variant: u64) -> String {
        pick_named(&self.support, category, variant)
    }

    /// The disclosure that Hearth is an AI, not a person and not a therapist.
    pub fn disclosure(&self, reason: DisclosureReason, variant: u64) -> String {
        self.disclosure
            .iter()
            .find(|(r, _)| *r == reason)
            .map(|(_, p)| p.pick(variant).to_string())
            .unwrap_or_default()
    }

    /// One crisis-protocol line, rendered for a country.
    pub fn crisis_line(&self, line: CrisisLine, country: &str, variant: u64) -> String {
        let h = self.helpline(country);
        self.crisis
            .iter()
            .find(|(k, _)| *k == line)
            .map(|(_, p)| render(p.pick(variant), h))
            .unwrap_or_default()
    }

    /// One emergency line, rendered for a country.
    pub fn emergency_line(&self, line: EmergencyLine, country: &str, variant: u64) -> String {
        let h = self.helpline(country);
        self.emergency
            .iter()
            .find(|(k, _)| *k == line)
            .map(|(_, p)| render(p.pick(variant), h))
            .unwrap_or_default()
    }

    /// The crisis opening for a category, rendered for a country, if the scripts have one
    /// (`[crisis.openings]`); said instead of the general acknowledgement.
    pub fn crisis_opening(&self, category: &str, country: &str, variant: u64) -> Option<String> {
        self.crisis_openings
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, p)| render(p.pick(variant), self.helpline(country)))
    }

    /// The emergency opening for a category, rendered for a country, if the scripts have one
    /// (`[emergency.openings]`); said instead of the call-now line.
    pub fn emergency_opening(&self, category: &str, country: &str, variant: u64) -> Option<String> {
        self.emergency_openings
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, p)| render(p.pick(variant), self.helpline(country)))
    }

    /// Every phrasing of every script, rendered for a country (for review and tests).
    pub fn all_rendered(&self, country: &str) -> Vec<String> {
        let h = self.helpline(country);
        let mut out = Vec::new();
        for (_, p) in &self.crisis {
            out.extend(p.0.iter().map(|t| render(t, h)));
        }
        for (_, p) in &self.emergency {
            out.extend(p.0.iter().map(|t| render(t, h)));
        }
        for (_, p) in self
            .referral
            .iter()
            .chain(self.support.iter())
            .chain(self.crisis_openings.iter())
            .chain(self.emergency_openings.iter())
        {
            out.extend(p.0.iter().map(|t| render(t, h)));
        }
        for (_, p) in &self.disclosure {
            out.extend(p.0.iter().map(|t| render(t, h)));
        }
        out
    }
}

fn pick_named(list: &[(&'static str, Phrasings)], name: &str, variant: u64) -> String {
    list.iter()
        .find(|(n, _)| *n == name)
        .or_else(|| list.iter().find(|(n, _)| *n == "general"))
        .map(|(_, p)| p.pick(variant).to_string())
        .unwrap_or_default()
}

fn require_placeholder<K: PartialEq + Copy>(
    file: &Path,
    list: &[(K, Phrasings)],
    key: K,
    name: &str,
    placeholder: &str,
) -> Result<(), PromptError> {
    if let Some((_, p)) = list.iter().find(|(k, _)| *k == key) {
        if let Some(bad) = p.0.iter().find(|t| !t.contains(placeholder)) {
            return Err(PromptError::new(file, 0, format!("`{name}`: every phrasing must say the number ({placeholder}); this one does not: {bad:?}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts() -> SafetyScripts {
        match SafetyScripts::builtin() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn shipped_scripts_load() {
        let s = scripts();
        assert!(!s.support(0).is_empty());
        assert!(!s.referral("medication", 1).is_empty());
        assert!(!s.referral("something_else", 1).is_empty());
        assert!(s.disclosure(DisclosureReason::Asked, 0).contains("AI"));
    }

    #[test]
    fn rendered_scripts_have_no_placeholders_or_digits() {
        let s = scripts();
        for c in ["US", "GB", "AU", "DE", "IN", "ZZ"] {
            for line in s.all_rendered(c) {
                assert!(!line.contains('{') && !line.contains('}'), "{c}: {line}");
                assert!(!line.chars().any(|ch| ch.is_ascii_digit()), "{c}: {line}");
            }
        }
    }

    #[test]
    fn variants_are_deterministic_and_cycle() {
        let s = scripts();
        assert_eq!(s.support(3), s.support(3));
        let all: std::collections::BTreeSet<String> = (0..20).map(|v| s.support(v)).collect();
        assert!(all.len() > 1, "support needs several phrasings");
    }

    #[test]
    fn crisis_lines_say_the_number() {
        let s = scripts();
        assert!(s
            .crisis_line(CrisisLine::GiveLine, "US", 0)
            .contains("nine eight eight"));
        assert!(s
            .crisis_line(CrisisLine::GiveLine, "GB", 0)
            .contains("one one six, one two three"));
        assert!(s
            .emergency_line(EmergencyLine::CallNow, "AU", 0)
            .contains("triple zero"));
    }

    fn sources_with(
        file: &'static str,
        replacement: &'static str,
    ) -> Vec<(&'static str, &'static str)> {
        let mut v = BUILTIN_SOURCES.to_vec();
        for e in v.iter_mut() {
            if e.0 == file {
                e.1 = replacement;
            }
        }
        v
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let dir = Path::new("prompts/safety");
        let bad = "[support]\ngeneral = [\"ok\"]\ngrief = [\"fine\"]\nloneliness = [\"call 555 1234\"]\nanxiety = [\"a\"]\nanger = [\"b\"]\npast_history = [\"c\"]\n";
        let e = SafetyScripts::from_sources(dir, &sources_with("support.toml", bad)).err();
        let e = e.as_ref().map(|e| {
            (
                e.file.ends_with("support.toml"),
                e.line,
                e.message.contains("digits"),
            )
        });
        assert_eq!(e, Some((true, 4, true)));

        let bad = "[support]\ngeneral = [\"ok {nmber}\"]\ngrief = [\"fine\"]\nloneliness = [\"x\"]\nanxiety = [\"a\"]\nanger = [\"b\"]\npast_history = [\"c\"]\n";
        let e = SafetyScripts::from_sources(dir, &sources_with("support.toml", bad)).err();
        assert!(
            e.as_ref()
                .map(|e| e.line == 2 && e.message.contains("placeholder"))
                .unwrap_or(false),
            "{e:?}"
        );

        let bad = "[support]\ngeneral = [\"see www.example.com\"]\ngrief = [\"fine\"]\nloneliness = [\"x\"]\nanxiety = [\"a\"]\nanger = [\"b\"]\npast_history = [\"c\"]\n";
        assert!(SafetyScripts::from_sources(dir, &sources_with("support.toml", bad)).is_err());

        let bad = "[disclosure]\nfirst_conversation = [\"Hi, I'm Hearth.\"]\nthree_hours = [\"x\"]\nafter_a_week_away = [\"x\"]\nasked = [\"x\"]\n";
        let e = SafetyScripts::from_sources(dir, &sources_with("disclosure.toml", bad)).err();
        assert!(
            e.as_ref()
                .map(|e| e.line == 2 && e.message.contains("AI"))
                .unwrap_or(false),
            "{e:?}"
        );

        let bad = "[support]\ngeneral = [\"ok\"]\n";
        let e = SafetyScripts::from_sources(dir, &sources_with("support.toml", bad)).err();
        assert!(
            e.as_ref()
                .map(|e| e.message.contains("grief"))
                .unwrap_or(false),
            "{e:?}"
        );

        let e = SafetyScripts::from_sources(dir, &[("crisis.toml", "")]).err();
        assert!(e.is_some());
    }
}
