//! Judging the screen on words nobody on the team wrote: labelled sources, their splits, the
//! budgets each kind of speech must meet, and thresholds chosen to meet them.
//!
//! Every source (Hearth's own tables, public corpora of conversation, film and TV dialogue,
//! distress and risk posts written by other people) is cut three ways by a hash of each line's
//! text, so a line always lands in the same split whatever else changes:
//! - **train** (60 %): the semantic head learns from it;
//! - **calibration** (20 %): the thresholds are chosen on it, nothing is learned from it;
//! - **blind** (20 %): never trained on, never used to choose anything; it only measures.
//!
//! A whole source can be blind (`tests/data/safety-heldout.tsv`, written by someone who saw
//! neither the rules nor the corpus). The budgets ([`Group`]) are the issue's, per kind of
//! speech; [`score`] measures them per source and [`choose_thresholds`] picks the most
//! sensitive thresholds that still meet them on the calibration split.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::semantic::{Label, Probabilities, Thresholds};
use super::{is_first_person, second_reading, speaks_up, Assessment, SafetyAction};

/// What kind of speech a source holds, which decides its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Hearth's own labelled tables (mixed labels).
    Own,
    /// Ordinary talk written by other people: chat, questions, film and TV dialogue, news.
    Ordinary,
    /// Sad, stressed, lonely or grieving, without risk, written by other people.
    Distress,
    /// Risk statements written by other people.
    Risk,
    /// Imminent danger written by other people.
    Imminent,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Own => "own",
            Group::Ordinary => "ordinary",
            Group::Distress => "distress",
            Group::Risk => "risk",
            Group::Imminent => "imminent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Group::Own,
            Group::Ordinary,
            Group::Distress,
            Group::Risk,
            Group::Imminent,
        ]
        .into_iter()
        .find(|g| g.as_str() == s)
    }
}

/// Which part of a source a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    Train,
    Calibration,
    Blind,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Calibration => "calibration",
            Split::Blind => "blind",
        }
    }

    /// The split of one line, from a hash of its text (FNV-1a, stable across builds).
    pub fn of(text: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.trim().to_lowercase().bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        match h % 100 {
            0..=59 => Split::Train,
            60..=79 => Split::Calibration,
            _ => Split::Blind,
        }
    }
}

/// One labelled line of one source.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub source: String,
    pub group: Group,
    pub label: Label,
    pub text: String,
    pub split: Split,
}

/// An item with what the screen made of it before thresholds: the rules' reading and the
/// semantic probabilities (thresholds are applied by [`Scored::decide`], so many candidate
/// thresholds can be tried without embedding again).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub item: Item,
    pub norm: String,
    pub by_rules: Assessment,
    pub probabilities: Option<Probabilities>,
    /// Cosine similarity to the nearest risk anchor (with the probabilities).
    pub near: Option<f32>,
}

impl Scored {
    /// The screen's assessment under thresholds `t` (the rules alone when `t` is `None`).
    pub fn assess(&self, t: Option<&Thresholds>) -> Assessment {
        match (t, &self.probabilities) {
            (Some(t), Some(p)) => {
                second_reading(self.by_rules.clone(), p, t, &self.norm, self.near)
            }
            _ => self.by_rules.clone(),
        }
    }

    /// The screen's action under thresholds `t`.
    pub fn decide(&self, t: Option<&Thresholds>) -> SafetyAction {
        self.assess(t).action
    }

    /// Whether Hearth would speak up if this were heard without the wake phrase.
    pub fn speaks_up(&self, t: Option<&Thresholds>) -> bool {
        let a = self.assess(t);
        speaks_up(
            &a,
            super::overheard_as_own(&self.norm, &a),
            self.probabilities.as_ref(),
            t,
        )
    }
}

/// Rates measured on one set of items.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    pub n: usize,
    pub emergency: f64,
    pub crisis_or_emergency: f64,
    pub ask: f64,
    pub refer: f64,
    pub support: f64,
    /// Ask, crisis or emergency.
    pub concern: f64,
    /// None or support: left alone.
    pub calm: f64,
}

impl Rates {
    pub fn of(actions: impl IntoIterator<Item = SafetyAction>) -> Self {
        let mut r = Rates::default();
        let mut c = [0usize; 6];
        for a in actions {
            r.n += 1;
            let i = match a {
                SafetyAction::None => 0,
                SafetyAction::Support => 1,
                SafetyAction::Refer => 2,
                SafetyAction::Ask => 3,
                SafetyAction::Crisis => 4,
                SafetyAction::Emergency => 5,
            };
            c[i] += 1;
        }
        let n = r.n.max(1) as f64;
        r.support = c[1] as f64 / n;
        r.refer = c[2] as f64 / n;
        r.ask = c[3] as f64 / n;
        r.crisis_or_emergency = (c[4] + c[5]) as f64 / n;
        r.emergency = c[5] as f64 / n;
        r.concern = (c[3] + c[4] + c[5]) as f64 / n;
        r.calm = (c[0] + c[1]) as f64 / n;
        r
    }
}

/// One budget line: what is measured, its bound, and whether it is a floor or a ceiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub what: &'static str,
    pub value: f64,
    pub bound: f64,
    pub floor: bool,
}

impl Check {
    pub fn ok(&self) -> bool {
        if self.floor {
            self.value >= self.bound
        } else {
            self.value <= self.bound
        }
    }
}

/// The budgets of the issue, for items of one label in one group.
pub fn budgets(group: Group, label: Label, r: &Rates) -> Vec<Check> {
    let ceil = |what, value, bound| Check {
        what,
        value,
        bound,
        floor: false,
    };
    let floor = |what, value, bound| Check {
        what,
        value,
        bound,
        floor: true,
    };
    match (group, label) {
        // Hearth's own no-risk lines are hard on purpose (negations, idioms, films, history).
        (Group::Own, Label::None) => vec![floor("none|support", r.calm, 0.95)],
        (Group::Ordinary, _) => vec![
            ceil("crisis|emergency", r.crisis_or_emergency, 0.003),
            ceil("emergency", r.emergency, 0.001),
            ceil("refer", r.refer, 0.01),
            ceil("ask", r.ask, 0.01),
        ],
        (Group::Distress, _) | (Group::Own, Label::Support) => vec![
            floor("support", r.support, 0.80),
            ceil("crisis|emergency", r.crisis_or_emergency, 0.05),
        ],
        (Group::Risk, _) => vec![floor("ask|crisis|emergency", r.concern, 0.95)],
        (Group::Imminent, _) => vec![
            floor("ask|crisis|emergency", r.concern, 0.95),
            floor("emergency", r.emergency, 0.85),
        ],
        (Group::Own, Label::Crisis) => vec![floor("crisis|emergency", r.crisis_or_emergency, 0.98)],
        (Group::Own, Label::Emergency) => vec![
            floor("crisis|emergency", r.crisis_or_emergency, 0.98),
            floor("emergency", r.emergency, 0.90),
        ],
        (Group::Own, Label::Ask) => vec![floor("ask|crisis|emergency", r.concern, 0.95)],
        (Group::Own, Label::Refer) => vec![floor("refer", r.refer, 0.90)],
    }
}

/// Whether one decision is what the budgets want for a line of this group and label: calm for
/// ordinary and own no-risk lines, support or calmer for distress, concern for risk, emergency
/// for imminent danger, refer for advice questions.
pub fn acceptable(group: Group, label: Label, action: SafetyAction) -> bool {
    use SafetyAction as A;
    match (group, label) {
        (Group::Ordinary, _) | (Group::Own, Label::None) => matches!(action, A::None | A::Support),
        (Group::Distress, _) | (Group::Own, Label::Support) => action == A::Support,
        (Group::Imminent, _) | (Group::Own, Label::Emergency) => action == A::Emergency,
        (Group::Own, Label::Crisis) => matches!(action, A::Crisis | A::Emergency),
        (Group::Risk, _) | (Group::Own, Label::Ask) => action >= A::Ask,
        (Group::Own, Label::Refer) => action == A::Refer,
    }
}

/// The measured rates and budget checks of one source, label and split.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub source: String,
    pub group: Group,
    pub label: Label,
    pub split: Split,
    pub rates: Rates,
    pub checks: Vec<Check>,
}

/// Measure every (source, label) on one split under thresholds `t` (`None`: rules alone).
pub fn score(items: &[Scored], split: Split, t: Option<&Thresholds>) -> Vec<Row> {
    let mut groups: BTreeMap<(String, Label), (Group, Vec<SafetyAction>)> = BTreeMap::new();
    for s in items.iter().filter(|s| s.item.split == split) {
        groups
            .entry((s.item.source.clone(), s.item.label))
            .or_insert_with(|| (s.item.group, Vec::new()))
            .1
            .push(s.decide(t));
    }
    groups
        .into_iter()
        .map(|((source, label), (group, actions))| {
            let rates = Rates::of(actions);
            Row {
                checks: budgets(group, label, &rates),
                source,
                group,
                label,
                split,
                rates,
            }
        })
        .collect()
}

/// Words per second of conversational speech, to turn lines of text into hours of talk.
pub const WORDS_PER_SECOND: f64 = 2.5;

/// The most similarity to a risk anchor the second reading may ask of an utterance before it
/// asks on its own (see [`choose_thresholds`]).
pub const NEAR_CAP: f32 = 0.6;

/// How often Hearth would speak up uninvited over ordinary and distressed talk: replies per
/// hour, and the hours of talk measured.
pub fn unprompted_per_hour(items: &[&Scored], speaks_up: impl Fn(&Scored) -> bool) -> (f64, f64) {
    let words: usize = items
        .iter()
        .map(|s| s.item.text.split_whitespace().count())
        .sum();
    let hours = words as f64 / WORDS_PER_SECOND / 3600.0;
    let replies = items.iter().filter(|s| speaks_up(s)).count();
    (replies as f64 / hours.max(1e-9), hours)
}

/// A readable table of rows.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<34} {:<9} {:<9} {:>6}  {:>7} {:>7} {:>7} {:>7} {:>7}  budgets",
        "source", "group", "label", "n", "emerg", "cri|em", "ask", "refer", "support"
    );
    for r in rows {
        let pct = |v: f64| format!("{:.1}%", v * 100.0);
        let checks: Vec<String> = r
            .checks
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}{:.1}% {}",
                    c.what,
                    pct(c.value),
                    if c.floor { ">=" } else { "<=" },
                    c.bound * 100.0,
                    if c.ok() { "ok" } else { "MISS" }
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "{:<34} {:<9} {:<9} {:>6}  {:>7} {:>7} {:>7} {:>7} {:>7}  {}",
            r.source,
            r.group.as_str(),
            r.label.as_str(),
            r.rates.n,
            pct(r.rates.emergency),
            pct(r.rates.crisis_or_emergency),
            pct(r.rates.ask),
            pct(r.rates.refer),
            pct(r.rates.support),
            checks.join("; ")
        );
    }
    out
}

/// Choose thresholds on the calibration items: for each threshold in turn, the lowest value
/// (most sensitive) on a grid at which every ceiling budget still holds with a margin, pooled
/// over the sources of each group (a source too small to measure 0.1 % on is pooled with the
/// others of its group). Floors are not used to choose: they are what the choice is judged by.
pub fn choose_thresholds(items: &[Scored]) -> Thresholds {
    let calib: Vec<&Scored> = items
        .iter()
        .filter(|s| s.item.split == Split::Calibration && s.probabilities.is_some())
        .collect();
    let ordinary: Vec<&Scored> = calib
        .iter()
        .copied()
        .filter(|s| s.item.group == Group::Ordinary)
        .collect();
    let hard: Vec<&Scored> = calib
        .iter()
        .copied()
        .filter(|s| s.item.group == Group::Own && s.item.label == Label::None)
        .collect();
    let distress: Vec<&Scored> = calib
        .iter()
        .copied()
        .filter(|s| s.item.label == Label::Support)
        .collect();
    // The share of a set that the second reading newly sends to `f` (the rules' own alarms
    // are the rules' to fix, and are measured on their own by `--rules-only`).
    let rate = |set: &[&Scored], t: &Thresholds, f: &dyn Fn(SafetyAction) -> bool| -> f64 {
        if set.is_empty() {
            return 0.0;
        }
        set.iter()
            .filter(|s| f(s.decide(Some(t))) && !f(s.by_rules.action))
            .count() as f64
            / set.len() as f64
    };
    let grid: Vec<f32> = (1..=199).map(|i| i as f32 / 200.0).collect();
    // Start from thresholds that never fire, then lower them one at a time.
    let mut t = Thresholds {
        crisis: 2.0,
        ask: 2.0,
        emergency: 2.0,
        refer: 2.0,
        support: 2.0,
        unaddressed: 2.0,
        agree: 0.0,
        near: 0.0,
        alarm_near: 0.0,
    };
    // The second reading alone asks or alarms only near a risk statement it was trained on:
    // the highest similarity (at most `NEAR_CAP`, so that other people's wordings, further
    // from Hearth's own than its own calibration lines are, still pass) that keeps 98 % of the
    // calibration risk statements.
    let risk_near: Vec<f32> = calib
        .iter()
        .filter(|s| matches!(s.item.label, Label::Ask | Label::Crisis | Label::Emergency))
        .filter_map(|s| s.near)
        .collect();
    t.near = grid
        .iter()
        .copied()
        .filter(|&g| g <= NEAR_CAP)
        .filter(|&g| {
            risk_near.iter().filter(|&&n| n >= g).count() as f64 >= 0.98 * risk_near.len() as f64
        })
        .fold(0.0, f32::max);
    // Budgets with a margin: the blind split and the world will be a little worse.
    const MARGIN: f64 = 0.8;
    let lowest =
        |t: &Thresholds, set: &dyn Fn(&mut Thresholds, f32), ok: &dyn Fn(&Thresholds) -> bool| {
            let mut best = 2.0f32;
            for &g in grid.iter().rev() {
                let mut c = *t;
                set(&mut c, g);
                if ok(&c) {
                    best = g;
                } else {
                    break;
                }
            }
            best
        };
    t.emergency = lowest(
        &Thresholds { crisis: 0.0, ..t },
        &|c, g| c.emergency = g,
        &|c| {
            rate(&ordinary, c, &|a| a == SafetyAction::Emergency) <= 0.001 * MARGIN
                && rate(&hard, c, &|a| a == SafetyAction::Emergency) <= 0.01
                && rate(&distress, c, &|a| a == SafetyAction::Emergency) <= 0.01
        },
    )
    .max(0.5);
    t.crisis = lowest(&t, &|c, g| c.crisis = g, &|c| {
        rate(&ordinary, c, &|a| a.is_risk()) <= 0.003 * MARGIN
            && rate(&hard, c, &|a| a.is_risk()) <= 0.03
            && rate(&ordinary, c, &|a| a == SafetyAction::Emergency) <= 0.001 * MARGIN
            && rate(&distress, c, &|a| a.is_risk()) <= 0.05 * MARGIN
    })
    .max(0.5);
    // Alone, the second reading alarms (crisis line at once) only when the whole screen still
    // keeps ordinary talk within budget: the lowest similarity to a risk anchor at which that
    // holds, counting the rules' own alarms. Below it, what it reads as risk gets `ask`, and
    // if the rules alone already use the budget, it never alarms alone.
    let total = |set: &[&Scored], t: &Thresholds, f: &dyn Fn(SafetyAction) -> bool| -> f64 {
        set.iter().filter(|s| f(s.decide(Some(t)))).count() as f64 / set.len().max(1) as f64
    };
    t.alarm_near = 2.0;
    for &g in grid.iter().rev().filter(|&&g| g >= t.near) {
        let c = Thresholds { alarm_near: g, ..t };
        if total(&ordinary, &c, &|a| a.is_risk()) <= 0.003 * MARGIN
            && rate(&ordinary, &c, &|a| a == SafetyAction::Emergency) <= 0.001 * MARGIN
        {
            t.alarm_near = g;
        } else {
            break;
        }
    }
    t.ask = lowest(&t, &|c, g| c.ask = g, &|c| {
        rate(&ordinary, c, &|a| a == SafetyAction::Ask) <= 0.01 * MARGIN
            && rate(&hard, c, &|a| a >= SafetyAction::Ask) <= 0.04
            && rate(&distress, c, &|a| a >= SafetyAction::Ask) <= 0.12
    })
    .max(0.3);
    t.refer = lowest(&t, &|c, g| c.refer = g, &|c| {
        rate(&ordinary, c, &|a| a == SafetyAction::Refer) <= 0.01 * MARGIN
    })
    .max(0.5);
    t.support = lowest(&t, &|c, g| c.support = g, &|c| {
        rate(&ordinary, c, &|a| a == SafetyAction::Support) <= 0.05
    })
    .max(0.3);
    // Speaking up uninvited on the second reading alone: above every non-risk calibration
    // item's risk probability, and never below 0.97.
    let top = calib
        .iter()
        .filter(|s| matches!(s.item.label, Label::None | Label::Support | Label::Refer))
        .filter_map(|s| s.probabilities.map(|p| p.risk()))
        .fold(0.0f32, f32::max);
    t.unaddressed = (top + 0.005).clamp(0.97, 1.0);
    // A rule alarm heard without the wake phrase is spoken to when the second reading leans
    // at least a little towards concern: the highest such lean (at most 0.5) that still lets
    // 98 % of the calibration risk lines about the speaker that the rules catch be answered.
    let caught: Vec<f32> = calib
        .iter()
        .filter(|s| matches!(s.item.label, Label::Crisis | Label::Emergency))
        .filter(|s| s.by_rules.action.is_risk())
        .filter(|s| is_first_person(&s.norm) && s.by_rules.category != "third_party_risk")
        .filter_map(|s| s.probabilities.map(|p| p.concern()))
        .collect();
    t.agree = grid
        .iter()
        .copied()
        .filter(|&g| g <= 0.5)
        .filter(|&g| {
            caught.iter().filter(|&&c| c >= g).count() as f64 >= 0.98 * caught.len() as f64
        })
        .fold(0.0, f32::max);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_stable_and_roughly_sized() {
        assert_eq!(Split::of("i want to die"), Split::of("  I want to die "));
        let mut c = BTreeMap::new();
        for i in 0..10_000 {
            *c.entry(Split::of(&format!("line number {i}"))).or_insert(0) += 1;
        }
        assert!((5_700..6_300).contains(&c[&Split::Train]), "{c:?}");
        assert!((1_800..2_200).contains(&c[&Split::Blind]), "{c:?}");
    }

    #[test]
    fn budgets_read_floors_and_ceilings() {
        let r = Rates::of(
            [SafetyAction::None; 999]
                .into_iter()
                .chain([SafetyAction::Crisis]),
        );
        let b = budgets(Group::Ordinary, Label::None, &r);
        assert!(b.iter().all(Check::ok), "{b:?}");
        let r = Rates::of(
            [SafetyAction::Crisis; 3]
                .into_iter()
                .chain([SafetyAction::None]),
        );
        let b = budgets(Group::Risk, Label::Crisis, &r);
        assert!(!b[0].ok());
    }
}
