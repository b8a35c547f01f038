//! The matcher that applies the rule tables.
//!
//! The tables themselves are data: `prompts/safety/rules.toml` (masks and rules),
//! `guards.toml` (the context patterns below) and `lexicon.toml` (word lists), loaded and
//! checked by [`super::rule_files`]. This module is the code that reads an utterance with them.
//!
//! An utterance is normalised ([`super::normalize`]), then:
//!
//! 1. **Masks** blank out idioms and harmless phrases that share words with risk language
//!    ("killed it", "dying to see", "kill time", "career suicide", "shoot myself in the foot").
//!    A few masks also leave a `support` reading behind (a loss by suicide, "dying inside").
//! 2. **Rules** (regexes over the masked text) each propose an action and category. A rule can
//!    be guarded: *negation* ("i would never hurt myself"), *history that is over* ("i used to
//!    self-harm as a teenager, i have been fine for years"), *fiction and media* ("a movie about
//!    suicide"), *accidents* ("i cut myself chopping onions"), *past emergencies* (an overdose
//!    "years ago" is a disclosure, not an emergency now), *medical history or worry* ("he had a
//!    heart attack years ago, he's fine now"), *medication admin* ("remind me to take my pills"),
//!    *trivial causes* ("i'll kill him if he eats my fries") and *threat idioms* ("my mom is
//!    going to kill me when she sees this").
//!    Method and lethality requests are never guarded: no framing makes them safe.
//!    Further guards keep ordinary speech quiet: a medical emergency needs a *person* as
//!    subject (the word list `PSUBJ`: not "my laptop is not responding", not "our cat got
//!    hit by a car"); *routine* ("won't wake up for school"); *trivia* questions with no first
//!    person and *news* narration count as media; words after a *quote* introducer ("the song
//!    that goes ...") are someone else's; a wish with *another subject* ("i hope that you die")
//!    is not the speaker's risk.
//! 3. **Escalation**: a self-harm or suicide reading together with the means and a time
//!    ("the pills are here, tonight") or an intention and a time becomes an emergency.
//!
//! Besides suicide and self-harm the tables cover domestic abuse and coercive control, a child
//! or dependant in danger, eating-disorder medical danger, stopping vital medication out of
//! hopelessness, and signs of mania or psychosis (a gentle referral; command voices are a
//! crisis), each with its own category so the scripts can open with the right words.
//! Possible but unclear risk ("i can't keep going like this", "what's the point of anything")
//! gets `ask` (category `possible_risk`, reason `ask.<family>`): the dialogue asks directly.
//! An everyday cause ("like this with the broken boiler") or an explicit denial ("i'm not
//! suicidal, just fed up") leaves support instead.
//!
//! The most severe surviving reading wins; ties go to the earlier rule in the table. The
//! `reason` is the rule's id, never the person's words.

use regex::Regex;

use super::{Assessment, SafetyAction};

/// Negation guard: suppressed when a negator directly governs the match.
pub const NEG: u32 = 1;
/// History guard: suppressed (to support) when the whole utterance is about a past that is over.
pub const HIST: u32 = 1 << 1;
/// Media guard: suppressed when the utterance is about a film, book, game, song, the news.
pub const MEDIA: u32 = 1 << 2;
/// Accident guard: "cut myself cooking", "hurt himself playing football".
pub const ACC: u32 = 1 << 3;
/// An emergency told about as long past is a crisis disclosure instead.
pub const PASTDOWN: u32 = 1 << 4;
/// Trivial-cause guard for threats against others ("if she eats my leftovers").
pub const TRIV: u32 = 1 << 5;
/// Threat-idiom guard ("my mom is going to kill me when she finds out").
pub const THREAT_IDIOM: u32 = 1 << 6;
/// The reading is about the speaker's own life (feeds the emergency escalation).
pub const SELF: u32 = 1 << 7;
/// Media guard that applies only when the words are not the speaker's own ("i want to die"
/// stays a risk even in a sentence about a song; "wanting to die" in the lyrics does not).
pub const MEDIA_3P: u32 = 1 << 8;
/// Matched against the text before idiom masks (requests for the crisis line).
pub const PREMASK: u32 = 1 << 9;
/// A medical emergency told as over, or as a worry about the future ("he had a heart attack
/// years ago, he's fine now", "i'm worried about having a stroke one day"): no action.
pub const MEDPAST: u32 = 1 << 10;
/// Suppressed when the utterance has an everyday, harmless context for words that are also
/// warning signs ("a rope for the swing", "on the bridge taking photos", "gave my old clothes to
/// charity"). Used only by the broad fallback families.
pub const BENIGN: u32 = 1 << 12;
/// Skipped when the utterance is everyday medication admin ("remind me to take my pills").
pub const MEDADMIN: u32 = 1 << 11;
/// Suppressed when a negator sits inside the match, between the wish and its object ("i hope
/// i do not die on this flight"). Used by the wide first-person fallback, whose gap is free.
pub const INNER_NEG: u32 = 1 << 13;
/// Suppressed when the utterance is about an everyday routine ("my son won't wake up for
/// school", "she does not respond to my texts").
pub const ROUTINE: u32 = 1 << 14;
/// Suppressed when someone other than the speaker is the subject of the wish inside the match
/// ("i hope that you die" is hostility, not the speaker's own risk).
pub const OTHER_SUBJ: u32 = 1 << 15;
/// Suppressed when an everyday cause is named ("i can't keep going like this with the broken
/// boiler", "i don't want to be here, this party is boring"). Used by the `ask` families.
pub const EVERYDAY: u32 = 1 << 16;

/// One compiled rule.
#[derive(Debug)]
pub(super) struct Rule {
    pub(super) id: String,
    pub(super) category: String,
    pub(super) action: SafetyAction,
    pub(super) flags: u32,
    pub(super) re: Regex,
}

/// One compiled mask.
#[derive(Debug)]
pub(super) struct Mask {
    pub(super) id: String,
    pub(super) support: Option<String>,
    pub(super) re: Regex,
}

/// The compiled rule set, from the rule files ([`super::rule_files`]): built once per process
/// for the built-in copy and shared by every engine, or once per prompt set loaded from disk.
#[derive(Debug)]
pub struct RuleSet {
    pub(super) masks: Vec<Mask>,
    pub(super) rules: Vec<Rule>,
    pub(super) identity: Regex,
    pub(super) hist_past: Regex,
    pub(super) recent: Regex,
    pub(super) media: Regex,
    pub(super) accident: Regex,
    pub(super) deliberate: Regex,
    pub(super) past_time: Regex,
    pub(super) trivial: Regex,
    pub(super) threat_idiom: Regex,
    pub(super) med_past: Regex,
    pub(super) med_neutral: Regex,
    pub(super) benign: Regex,
    pub(super) routine: Regex,
    pub(super) everyday: Regex,
    pub(super) trivia: Regex,
    pub(super) first_person: Regex,
    pub(super) quote: Regex,
    pub(super) denial: Regex,
    pub(super) report: Regex,
    pub(super) weak_now: Regex,
    pub(super) means: Regex,
    pub(super) now_any: Regex,
    /// Words a negation reaches across ("i am not going to ...").
    pub(super) bridge: Vec<String>,
}

impl RuleSet {
    /// Number of rules and masks (for reports and tests).
    pub fn len(&self) -> (usize, usize) {
        (self.rules.len(), self.masks.len())
    }

    /// Whether the normalised text asks if Hearth is a person, a bot or a therapist.
    pub fn is_identity_question(&self, norm: &str) -> bool {
        self.identity.is_match(norm)
    }

    /// Assess normalised text.
    pub fn assess(&self, norm: &str) -> Assessment {
        // 1. Masks.
        let mut text = norm.to_string();
        let mut masked_support: Option<(&str, &str)> = None;
        for m in &self.masks {
            if m.re.is_match(&text) {
                if let (Some(cat), None) = (m.support.as_deref(), masked_support) {
                    masked_support = Some((cat, m.id.as_str()));
                }
                text = m.re.replace_all(&text, " ~ ").into_owned();
            }
        }

        // Utterance-level context, computed lazily once.
        let history = self.hist_past.is_match(&text) && !self.recent.is_match(&text);
        let media = self.media.is_match(&text)
            || (self.trivia.is_match(text.trim_start()) && !self.first_person.is_match(&text));
        let quoted_from = self.quote.find(&text).map(|m| m.end());
        let routine = self.routine.is_match(&text);
        let everyday = self.everyday.is_match(&text);
        let denial = self.denial.is_match(&text);
        let reported_from = self.report.find(&text).map(|m| m.end());
        let accident = self.accident.is_match(&text) && !self.deliberate.is_match(&text);
        let past_time = self.past_time.is_match(&text);
        let trivial = self.trivial.is_match(&text);
        let threat_idiom = self.threat_idiom.is_match(&text);
        let benign = self.benign.is_match(&text);

        // 2. Rules.
        let mut best: Option<Candidate> = None;
        let mut self_risk = false;
        let mut suppressed: Option<Candidate> = None;
        for rule in &self.rules {
            let hay = if rule.flags & PREMASK != 0 {
                norm
            } else {
                text.as_str()
            };
            for m in rule.re.find_iter(hay) {
                let flags = rule.flags;
                let before = &hay[..m.start()];
                if flags & INNER_NEG != 0 && has_negator(m.as_str()) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "negated"),
                    );
                    continue;
                }
                if flags & NEG != 0 && negated(before, &self.bridge) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "negated"),
                    );
                    continue;
                }
                if flags & ACC != 0 && accident {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "accident"),
                    );
                    continue;
                }
                if flags & (MEDIA | MEDIA_3P) != 0 && quoted_from.is_some_and(|q| m.start() >= q) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "media"),
                    );
                    continue;
                }
                if flags & ROUTINE != 0 && routine {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "routine"),
                    );
                    continue;
                }
                let reported = reported_from.is_some_and(|q| {
                    m.start() >= q && !text[q..m.start()].split_whitespace().any(|w| w == "i")
                });
                if rule.action == SafetyAction::Ask && reported {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", &rule.id, "reported"),
                    );
                    continue;
                }
                if rule.action == SafetyAction::Ask && denial {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", &rule.id, "denied"),
                    );
                    continue;
                }
                if flags & EVERYDAY != 0 && everyday {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", &rule.id, "everyday"),
                    );
                    continue;
                }
                if flags & OTHER_SUBJ != 0 && other_subject(m.as_str()) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "other"),
                    );
                    continue;
                }
                if (flags & MEDIA != 0 || (flags & MEDIA_3P != 0 && !after_i(before))) && media {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "media"),
                    );
                    continue;
                }
                if flags & TRIV != 0 && trivial {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "anger", &rule.id, "idiom"),
                    );
                    continue;
                }
                if flags & BENIGN != 0 && benign {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "benign"),
                    );
                    continue;
                }
                if flags & THREAT_IDIOM != 0 && threat_idiom {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "idiom"),
                    );
                    continue;
                }
                let mut cand = Candidate::new(rule.action, &rule.category, &rule.id, "");
                if flags & HIST != 0 && history && rule.action >= SafetyAction::Ask {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "past_history", &rule.id, "history"),
                    );
                    continue;
                }
                if flags & MEDADMIN != 0 && self.med_neutral.is_match(&text) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "admin"),
                    );
                    continue;
                }
                if flags & MEDPAST != 0 && self.med_past.is_match(&text) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", &rule.id, "past"),
                    );
                    continue;
                }
                if flags & PASTDOWN != 0 && past_time && rule.action == SafetyAction::Emergency {
                    cand = Candidate::new(SafetyAction::Crisis, "past_attempt", &rule.id, "past");
                }
                if flags & SELF != 0 && cand.action >= SafetyAction::Crisis {
                    self_risk = true;
                }
                if best
                    .as_ref()
                    .map(|b| cand.action > b.action)
                    .unwrap_or(true)
                {
                    best = Some(cand);
                }
                break;
            }
            if best
                .as_ref()
                .map(|b| b.action == SafetyAction::Emergency)
                .unwrap_or(false)
            {
                break;
            }
        }

        // 3. Escalation: suicidal intent plus an imminent time, or the means at hand.
        if let Some(b) = &best {
            if b.action == SafetyAction::Crisis && self_risk {
                if self.weak_now.is_match(&text) {
                    return Assessment::new(
                        SafetyAction::Emergency,
                        "imminent_plan",
                        "escalate.intent_and_time",
                    );
                }
                if self.means.is_match(&text) && self.now_any.is_match(&text) {
                    return Assessment::new(
                        SafetyAction::Emergency,
                        "imminent_plan",
                        "escalate.means_and_time",
                    );
                }
            }
        }

        let support_from_mask =
            masked_support.map(|(cat, id)| Candidate::new(SafetyAction::Support, cat, id, ""));
        let chosen = [best, suppressed, support_from_mask]
            .into_iter()
            .flatten()
            .fold(None::<Candidate>, |acc, c| match acc {
                Some(a) if a.action >= c.action => Some(a),
                _ => Some(c),
            });
        match chosen {
            Some(c) if c.action > SafetyAction::None => c.into_assessment(),
            Some(c) if !c.guard.is_empty() => c.into_assessment(),
            _ if self.identity.is_match(&text) => {
                Assessment::new(SafetyAction::None, "identity_question", "identity.question")
            }
            _ => Assessment::new(SafetyAction::None, "none", "no_rule"),
        }
    }
}

/// A reading proposed by one rule.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    action: SafetyAction,
    category: &'a str,
    rule: &'a str,
    guard: &'static str,
}

impl<'a> Candidate<'a> {
    fn new(action: SafetyAction, category: &'a str, rule: &'a str, guard: &'static str) -> Self {
        Self {
            action,
            category,
            rule,
            guard,
        }
    }

    fn into_assessment(self) -> Assessment {
        let reason = if self.guard.is_empty() {
            self.rule.to_string()
        } else {
            format!("{}:{}", self.guard, self.rule)
        };
        Assessment::new(self.action, self.category, reason)
    }
}

fn note_suppressed<'a>(slot: &mut Option<Candidate<'a>>, c: Candidate<'a>) {
    match slot {
        Some(s) if s.action >= c.action => {}
        _ => *slot = Some(c),
    }
}

/// Whether someone other than the speaker is the subject inside a wish ("i hope that you
/// die", "i wish he would die"), with no "me" or "myself" after it ("i wish they would let me
/// die" stays the speaker's own).
fn other_subject(matched: &str) -> bool {
    let words: Vec<&str> = matched.split_whitespace().collect();
    let Some(pos) = words.iter().skip(1).position(|w| {
        matches!(
            *w,
            "you" | "he" | "she" | "they" | "him" | "them" | "everyone" | "everybody" | "people"
        )
    }) else {
        return false;
    };
    !words[pos + 1..]
        .iter()
        .any(|w| matches!(*w, "me" | "myself" | "i"))
}

/// Whether the words before a match end with the speaker as subject ("i", "i would", "makes
/// me").
fn after_i(before: &str) -> bool {
    let mut it = before.split_whitespace().rev();
    matches!(
        (it.next(), it.next()),
        (Some("i" | "me" | "myself"), _)
            | (
                Some("would" | "really" | "do" | "still" | "also"),
                Some("i")
            )
    )
}

/// Whether a negator appears among the words of a match, apart from the fixed "not" phrases
/// that are themselves the risk ("not wake up", "not be here", "not exist").
fn has_negator(matched: &str) -> bool {
    let words: Vec<&str> = matched.split_whitespace().collect();
    // A prediction or fear ("i thought i was going to die on that rollercoaster"), not a wish.
    if let [.., prev, last] = words.as_slice() {
        if matches!(*last, "die" | "dying")
            && matches!(
                *prev,
                "going"
                    | "gonna"
                    | "might"
                    | "could"
                    | "would"
                    | "will"
                    | "was"
                    | "am"
                    | "were"
                    | "nearly"
                    | "almost"
                    | "of"
            )
        {
            return true;
        }
        if *last == "die" && *prev == "to" && words.len() >= 3 && words[words.len() - 3] == "going"
        {
            return true;
        }
    }
    words.iter().enumerate().any(|(i, w)| match *w {
        "never" | "no" | "nor" | "nobody" | "neither" => {
            // "never wake up" is the risk itself.
            !(*w == "never" && matches!(words.get(i + 1), Some(&"wake" | &"waking")))
        }
        "not" => !matches!(
            words.get(i + 1),
            Some(
                &"be"
                    | &"being"
                    | &"wake"
                    | &"waking"
                    | &"exist"
                    | &"existing"
                    | &"here"
                    | &"alive"
                    | &"around"
            )
        ),
        _ => false,
    })
}

/// Whether a negator governs the words right after `before` (the text up to a match): walking
/// back over bridge words only ("i am not going to", "i would never"), at most seven of them.
fn negated(before: &str, bridge: &[String]) -> bool {
    let mut tokens = before.split_whitespace().rev().peekable();
    let mut after: Option<&str> = None;
    for _ in 0..8 {
        let Some(t) = tokens.next() else { return false };
        match t {
            "not" | "never" | "nor" | "nobody" => return true,
            // "no" directly before a pronoun is an answer ("no i want to die"), not a negation.
            "no" => {
                return !matches!(
                    after,
                    Some("i" | "he" | "she" | "they" | "it" | "we" | "you")
                )
            }
            _ if bridge.iter().any(|b| b == t) => {}
            _ => return false,
        }
        after = Some(t);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_tables_compile() {
        let r = RuleSet::build();
        assert!(r.is_ok(), "{:?}", r.err());
    }

    /// Ordinary speech found in outside text (fortunes): light-bulb jokes are not method
    /// requests, a saying about mortality is not a wish. Kept here rather than in a corpus
    /// table so they do not shift the statistical reading's training.
    #[test]
    fn outside_ordinary_text() {
        let Ok(r) = RuleSet::build() else {
            panic!("rules do not compile");
        };
        let read = |t: &str| r.assess(&super::super::normalize::normalize(t)).action;
        for t in [
            "how many lawyers does it take to change a light bulb",
            "how many people does it take to run a marathon relay",
            "we all have to die someday, so let's enjoy the cake",
            "All say, how hard it is that we have to die",
            "i have no plans to hurt myself you don't need to worry",
            "no i'm not having any thoughts of ending my life i'm just worn out",
            "no i'm not suicidal just really fed up with everything",
            "that ivy is strangling my poor rose bush",
            "changed the battery in the carbon monoxide alarm today",
            "my support group has been a lifeline this year",
            "like i keep dying in the dark souls dlc",
            "my sister will kill me if i tell anyone her news",
            "nobody is hurting me at home i just argue with my brother sometimes",
            "i play a soldier in the school play and i have to die on stage",
            // Someone else's safety, questions put to the person in front of the speaker,
            // threats to call the police, heart attacks and poison as figures of speech,
            // sayings, cuteness, being shown the door (2026-12 round on public dialogue).
            "women can't have fun if they don't feel safe",
            "the customers do not feel safe in that car park",
            "are you threatening me?",
            "wait, are you, are you threatening me",
            "get off my lawn before i call the police",
            "turn that music down or i'll call the cops",
            "you look like you're going to have a heart attack",
            "can you fake a seizure or a heart attack so we can leave",
            "my great uncle died of a heart attack in 1990",
            "too much salt can cause a heart attack",
            "we need to throw them off the scent",
            "remember kids, suicide is never the answer",
            "nobody commits suicide because they work with a printer",
            "the puppy is so cute i want to die",
            "oh my god she is so cute, i want to die",
            "the bouncer threw me out of the club",
            "he pushed me out of the way of the bus",
            "the news has poisoned my mind against cities",
            "she is not responding to my texts or my moves",
            "nothing for me? i thought we were doing presents",
            "i'm not going to jump, i'm just scared of heights",
            "i'm going to jump in the shower",
        ] {
            assert!(read(t) <= SafetyAction::Support, "{t}");
        }
        // The nearby risk, which those guards must leave alone.
        for t in [
            "i don't feel safe at home",
            "i do not feel safe with myself tonight",
            "he is threatening me",
            "he keeps threatening me",
            "call the police, he's got a knife",
            "i need an ambulance",
            "i think i'm having a heart attack",
            "my dad is having a heart attack",
            "he threw me against the wall",
            "he pushed me out of the car on the motorway",
            "he poisoned me",
            "the puppy is cute but i want to die",
            "the puppy is cute, i don't care, i want to die",
            "i am thinking about suicide",
            "there's nothing left for me",
            "there is nothing for me here anymore",
            "i'm going to jump",
            "I'm gonna jump, I can't do this anymore",
            "my husband is not responding and his lips are blue",
        ] {
            assert!(read(t) >= SafetyAction::Crisis, "{t}");
        }
        for t in [
            "how many pills would it take",
            "how many of my sleeping pills does it take to die",
            "how many does it take to overdose",
            "he said he will kill me if i tell anyone",
            "call lifeline",
            "someone is strangling my mum",
        ] {
            assert!(read(t) >= SafetyAction::Crisis, "{t}");
        }
    }

    #[test]
    fn negation_walks_bridge_words_only() {
        let Ok(r) = RuleSet::build() else {
            panic!("rules do not compile");
        };
        let negated = |before: &str| negated(before, &r.bridge);
        assert!(negated("i am not "));
        assert!(negated("i would never "));
        assert!(negated("i am not going to "));
        assert!(!negated("i do not know why i "));
        assert!(!negated("no i "));
        assert!(!negated("i can not stop "));
    }
}

/// A probe over any labelled file with the rules alone, exact actions (not the four scored
/// classes): `HEARTH_PROBE=file.tsv cargo test --release --lib rules_probe -- --ignored
/// --nocapture`. Prints the action counts per expected label and every line whose action differs.
#[cfg(test)]
mod probe {
    use super::super::eval::parse_tsv;
    use super::super::{normalize, SafetyAction};
    use super::RuleSet;

    #[test]
    #[ignore]
    fn rules_probe() {
        let Ok(path) = std::env::var("HEARTH_PROBE") else {
            return;
        };
        let Ok(tsv) = std::fs::read_to_string(&path) else {
            return;
        };
        let Ok(rules) = RuleSet::build() else {
            panic!("rules do not compile");
        };
        let all = [
            SafetyAction::None,
            SafetyAction::Support,
            SafetyAction::Refer,
            SafetyAction::Ask,
            SafetyAction::Crisis,
            SafetyAction::Emergency,
        ];
        let mut counts = std::collections::BTreeMap::new();
        for (line, expected, text) in parse_tsv(&tsv).0 {
            let a = rules.assess(&normalize::normalize(text));
            let ok = match expected {
                SafetyAction::None | SafetyAction::Support => a.action <= SafetyAction::Support,
                SafetyAction::Crisis => a.action >= SafetyAction::Crisis,
                e => a.action == e,
            };
            *counts.entry((expected, a.action)).or_insert(0usize) += 1;
            if !ok {
                println!(
                    "MISS {line}: {expected} -> {} ({}, {}): {text}",
                    a.action, a.category, a.reason
                );
            }
        }
        for e in all {
            let row: Vec<String> = all
                .iter()
                .map(|g| format!("{g}={}", counts.get(&(e, *g)).copied().unwrap_or(0)))
                .collect();
            let n: usize = all
                .iter()
                .map(|g| counts.get(&(e, *g)).copied().unwrap_or(0))
                .sum();
            if n > 0 {
                println!("expected {e} ({n}): {}", row.join(" "));
            }
        }
    }
}
