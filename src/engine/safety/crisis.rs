//! The crisis protocol: the conversation Hearth has after a crisis or emergency reading.
//!
//! Whatever was running has stopped. In a **crisis** Hearth acknowledges what was said, gives the
//! crisis line for the person's country, asks whether they are safe right now, offers their
//! safety plan if they have one, repeats the number whenever asked and checks back in when it
//! hears nothing. In an **emergency** it says to call the emergency number now, gives the crisis
//! line too, keeps its sentences short and stays.
//!
//! It is conservative on purpose:
//! - "i'm fine" once is not enough: it checks gently, and only a clear "yes, i'm safe" counts;
//! - the protocol finishes only after the person is safe *and* ready to carry on, or asks to
//!   stop, and in both cases the number is said once more;
//! - an emergency never finishes because the person says they are okay: it asks them to call;
//! - silence is never the end: it checks back in, with the number every other time.
//!
//! The protocol is pure: it takes words and assessments and returns [`CrisisStep`]s; timing
//! and speech belong to the caller.

use std::sync::OnceLock;

use regex::Regex;

use super::normalize::normalize;
use super::scripts::{CrisisLine as L, EmergencyLine as M, SafetyScripts};
use super::{Assessment, SafetyAction};

/// Something the caller must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrisisStep {
    /// Speak this text.
    Say(String),
    /// Listen for a reply; report silence after `timeout_ms` with [`CrisisProtocol::on_silence`].
    Listen { timeout_ms: u64 },
    /// Read the person's own safety plan aloud (the caller owns it).
    ReadSafetyPlan,
    /// The protocol is over; the dialogue may carry on gently.
    Finish,
}

/// How long to listen for a reply in a crisis.
pub const CRISIS_LISTEN_MS: u64 = 30_000;
/// How long to listen for a reply in an emergency (shorter: check in more often).
pub const EMERGENCY_LISTEN_MS: u64 = 15_000;
/// The longest wait between check-ins.
pub const MAX_LISTEN_MS: u64 = 90_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Crisis,
    Emergency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Asked "are you safe right now?"; waiting for a clear answer.
    AskedSafe,
    /// They said they are not safe (or may not be).
    NotSafe,
    /// Safe; asked whether they are ready to carry on.
    AskedReady,
    /// Safe, and they want to keep talking.
    Talking,
    /// Emergency: waiting to hear that they have called.
    AskedCalled,
    /// Emergency: help has been called.
    HelpCalled,
}

/// What a reply means inside the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Stop,
    /// Inside a crisis conversation, words that only make sense as acting on it now ("i'm doing
    /// it right now", "i already took them", "it's too late"). They escalate to an emergency.
    ActingNow,
    Number,
    Plan,
    Called,
    Safe,
    Fine,
    NotSafe,
    Unsure,
    Ready,
    KeepTalking,
    Yes,
    No,
    Other,
}

struct Patterns {
    acting_now: Regex,
    misunderstood: Regex,
    not_at_risk: Regex,
    negated: Regex,
    stop_whole: Regex,
    stop_any: Regex,
    number: Regex,
    plan: Regex,
    called: Regex,
    safe: Regex,
    fine: Regex,
    not_safe: Regex,
    unsure: Regex,
    ready: Regex,
    keep_talking: Regex,
    yes: Regex,
    no: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).ok();
        Some(Patterns {
            misunderstood: r(r"\b(?:you (?:have )?misunderstood|misunderstanding|misunderstood me|you got (?:it|me|that) wrong|you (?:have )?got the wrong idea|(?:that is|that was|it is|it was) not what i meant|not what i meant|i did not mean (?:it )?(?:like that|that way|that)|not like that|i (?:only |just )?meant|i mean (?:the|my|that|it|this)|i was (?:talking|speaking|on about|going on about|complaining about|joking about|quoting|describing|reading|singing|watching)|i was talking|(?:it is|it was|that is|that was) (?:a|an|just a|just an) (?:joke|figure of speech|expression|song|line from|quote)|figure of speech|just an expression|from (?:a|the) (?:film|movie|song|book|game|show|series)|(?:the|a) (?:film|movie|book|show|song|game|news) (?:i am|i was|we were|we are)|wrong end of the stick)\b")?,
            not_at_risk: r(r"\b(?:i am (?:not|never) (?:suicidal|going to (?:hurt|kill) myself|in danger|thinking (?:about|of) (?:that|it|anything like that|ending|killing|hurting))|nothing like that|no thoughts like that|not (?:thinking )?about (?:hurting|killing) myself|i am safe|i am perfectly safe|i am totally safe|i am completely safe|everyone is (?:safe|fine|okay)|nobody is hurt|no one is hurt|no one is in danger|nobody is in danger)\b|^(?:no|no no|nope|god no|oh no|hearth no)\b.*\b(?:i am (?:fine|okay|ok|alright|all right|good)|safe)\b")?,
            acting_now: r(r"\b(?:i am (?:doing|starting) it|doing it (?:right )?now|i (?:have |already |just )*(?:done|did|started) it|i (?:have |already |just )*(?:took|taken|swallowed|drunk|drank) (?:them|it|the lot|all of (?:them|it)|everything|the pills|the tablets)|it is (?:already )?too late|too late now|i am about to do it|about to do it|i have (?:got )?(?:them|it|everything|the pills|the tablets|the rope|the knife|the gun) (?:here|ready|right here|with me|in my hand|next to me|lined up|counted out)|(?:going to|gonna|will) do it (?:tonight|now|right now|today|soon|in (?:a|an|the|\w+ (?:minutes|hours)))|i am (?:doing|going to do) it (?:tonight|today)|(?:everything|it) is (?:all )?(?:ready|set up|sorted) for (?:tonight|today|later)|this is goodbye|goodbye forever)\b")?,
            negated: r(r"\b(?:not|never|no longer|nothing)\b")?,
            stop_whole: r(r"^(?:please |hearth |okay |no )*(?:stop|stop it|stop this|stop now|stop talking|be quiet|quiet|shut up|enough|that is enough|go away|leave me alone|cancel|quit|goodbye|bye|end this|turn off|switch off|i want to stop|can we stop|stop please)(?: please| now| hearth| okay)*$")?,
            stop_any: r(r"\b(?:leave me alone|go away|shut up|stop talking|be quiet|i want (?:you )?to stop|can we stop|please stop|stop now|do not want to talk (?:about it|anymore|any more|to you)|do not want to do this|turn (?:yourself |it )?off|switch (?:yourself |it )?off)\b")?,
            number: r(r"\b(?:number|numbers|repeat|say (?:it|that|the number) again|what was (?:it|that)|who (?:do|can|should) i call|who do i ring|what do i (?:call|dial|ring)|which number|what is the line|the line again|how do i (?:reach|call|contact) (?:them|someone)|call who|one more time|again please)\b")?,
            plan: r(r"\b(?:safety plan|my plan|read (?:me )?(?:it|my plan|the plan)|the plan|my list)\b")?,
            called: r(r"\b(?:i (?:have )?called|i rang|called (?:them|the ambulance|an ambulance|the police|emergency|nine|for help)|(?:they are|someone is|help is|ambulance is|an ambulance is|the ambulance is|police are|the police are|paramedics are) (?:coming|on (?:their|the|its) way|here)|on the phone with (?:them|emergency|nine|the)|they are here|i am calling (?:now|them))\b")?,
            safe: r(r"\b(?:i am safe|i feel safe|yes i am safe|i am safe now|i will be safe|i am not in danger|i am not going to do anything|i will not do anything|not going to hurt myself|i will not hurt myself|safe for now|i can keep myself safe|safe right now)\b|^(?:yes|yes i am|yes i am okay|yes i am fine|i am|yes safe|safe|yes definitely|definitely|of course|yes of course)(?: thank you| thanks| hearth)?$")?,
            fine: r(r"\b(?:i am fine|i am okay|i am alright|i am all right|i am good|i am ok|it is fine|it is okay|i was joking|i was kidding|joking|kidding|never mind|forget it|forget i said|it is nothing|nothing|do not worry|no need to worry|i did not mean it|i am over it|all good)\b")?,
            not_safe: r(r"\b(?:i am not safe|not safe|no i am not|i am not okay|i am not ok|i am not fine|i am not alright|i am in danger|help me|please help|i can not keep myself safe|i am going to do it|i want to do it)\b|^(?:no|no i am not|not really|nope|no not really)(?: hearth)?$")?,
            unsure: r(r"\b(?:i do not know|i am not sure|not sure|i think so|i guess|maybe|sort of|kind of|i hope so|probably|i do not think so)\b")?,
            ready: r(r"\b(?:i am ready|ready to (?:go on|carry on|continue|move on)|let us (?:continue|carry on|go on|move on|keep going|go back|get back|do it)|carry on|continue|move on|go back to|back to (?:the|what|where)|we can (?:continue|go on|carry on)|i want to (?:continue|carry on|go on)|i feel better now|i am better now|i feel okay now|i am okay now|i am good now)\b")?,
            keep_talking: r(r"\b(?:keep talking|talk (?:more|a bit|for a bit|a little)|not yet|not ready|stay with me|can you stay|do not go|can we talk|i want to talk|i need to talk|please stay)\b")?,
            yes: r(r"^(?:yes|yes please|please|okay|sure|alright|all right|go ahead|yes i would|i would like that|yes read it|do it)(?: please| thanks| thank you| hearth)?$")?,
            no: r(r"^(?:no|no thanks|no thank you|not now|nope|not really|maybe later|later)(?: please| thanks| thank you| hearth)?$")?,
        })
    })
    .as_ref()
}

fn classify(norm: &str) -> Reply {
    let Some(p) = patterns() else {
        return Reply::Other;
    };
    if p.acting_now.is_match(norm) && !p.negated.is_match(norm) {
        Reply::ActingNow
    } else if p.stop_whole.is_match(norm) || p.stop_any.is_match(norm) {
        Reply::Stop
    } else if p.number.is_match(norm) {
        Reply::Number
    } else if p.plan.is_match(norm) {
        Reply::Plan
    } else if p.called.is_match(norm) {
        Reply::Called
    } else if p.not_safe.is_match(norm) {
        Reply::NotSafe
    } else if p.safe.is_match(norm) {
        Reply::Safe
    } else if p.ready.is_match(norm) {
        Reply::Ready
    } else if p.keep_talking.is_match(norm) {
        Reply::KeepTalking
    } else if p.unsure.is_match(norm) {
        Reply::Unsure
    } else if p.fine.is_match(norm) {
        Reply::Fine
    } else if p.yes.is_match(norm) {
        Reply::Yes
    } else if p.no.is_match(norm) {
        Reply::No
    } else {
        Reply::Other
    }
}

/// An answer to Hearth's direct question ("are you having thoughts of ending your life, or of
/// hurting yourself?").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectAnswer {
    /// A clear no ("no", "no, i'm just tired", "god no, nothing like that").
    ClearNo,
    /// Yes, or yes in part ("sometimes", "a bit", "i think so").
    Yes,
    /// Anything else: not sure, a change of subject, silence. Treated as a yes.
    Unclear,
}

/// Read an answer to the direct question. Only a clear no is a no: a hedge ("not really",
/// "i don't know", "no but sometimes") is unclear, and the safer reading wins.
pub fn direct_answer(text: &str) -> DirectAnswer {
    static P: OnceLock<Option<(Regex, Regex, Regex)>> = OnceLock::new();
    let Some((no, yes, hedge)) = P
        .get_or_init(|| {
            Some((
                Regex::new(r"^(?:hearth |oh |well |um |uh |erm )*(?:no|nope|nah|god no|hell no|no no|no way|not at all|definitely not|of course not|absolutely not|certainly not|never)\b|^(?:i am not|i am definitely not|i am really not|i am honestly not) (?:suicidal|going to (?:hurt|kill) myself|thinking (?:about|of) (?:that|it|anything like that|ending|killing|hurting|suicide))\b|^nothing like that\b|^(?:i am|i am just|i am only) (?:just )?(?:tired|stressed|frustrated|fed up|annoyed|exhausted|sad|upset|venting|having a bad day)\b").ok()?,
                Regex::new(r"^(?:hearth |oh |well |um |uh |erm )*(?:yes|yeah|yep|yup|i do|i am|i have|sometimes|a bit|a little|kind of|sort of|maybe|i think so|probably|often|all the time|every day|lately|i guess|at times)\b").ok()?,
                Regex::new(r"\b(?:but|though|not really|not sure|i do not know|maybe|sometimes|kind of|sort of|i guess|a bit|a little|used to|lately)\b").ok()?,
            ))
        })
        .as_ref()
    else {
        return DirectAnswer::Unclear;
    };
    let norm = normalize(text);
    if no.is_match(&norm) && !hedge.is_match(&norm) {
        DirectAnswer::ClearNo
    } else if yes.is_match(&norm) {
        DirectAnswer::Yes
    } else {
        DirectAnswer::Unclear
    }
}

/// The crisis conversation's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisProtocol {
    country: String,
    mode: Mode,
    stage: Stage,
    category: String,
    has_safety_plan: bool,
    plan_offered: bool,
    plan_read: bool,
    silences: u32,
    fine_count: u32,
    other_turns: u32,
    finished: bool,
    /// Whether the reading that started it was explicit (a rule's crisis or emergency): then
    /// "i'm fine" or "i was joking" do not end it. An uncertain start (the second reading, or
    /// an unclear answer to Hearth's direct question) can be corrected by one clear
    /// clarification.
    certain: bool,
}

/// Whether an assessment that starts the protocol came from an explicit reading.
fn is_certain(a: &Assessment) -> bool {
    !(a.is_second_reading() || a.reason == UNCLEAR_ANSWER)
}

/// The reason of a crisis started by an unclear answer to the direct question.
pub const UNCLEAR_ANSWER: &str = "ask.unclear";
/// The reason of a crisis started by a yes to the direct question.
pub const YES_ANSWER: &str = "ask.yes";

impl CrisisProtocol {
    /// Start the protocol for a crisis or emergency assessment. (Anything milder is treated as a
    /// crisis: the caller only starts the protocol when it must.)
    pub fn begin(
        scripts: &SafetyScripts,
        country: &str,
        assessment: &Assessment,
        has_safety_plan: bool,
        variant: u64,
    ) -> (Self, Vec<CrisisStep>) {
        let emergency = assessment.action == SafetyAction::Emergency;
        let mut p = Self {
            country: country.to_string(),
            mode: if emergency {
                Mode::Emergency
            } else {
                Mode::Crisis
            },
            stage: if emergency {
                Stage::AskedCalled
            } else {
                Stage::AskedSafe
            },
            category: assessment.category.clone(),
            has_safety_plan,
            plan_offered: false,
            plan_read: false,
            silences: 0,
            fine_count: 0,
            other_turns: 0,
            finished: false,
            certain: is_certain(assessment),
        };
        let steps = if emergency {
            p.emergency_opening(scripts, variant)
        } else {
            p.crisis_opening(scripts, variant)
        };
        (p, steps)
    }

    /// Whether the protocol is over.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether this is (now) an emergency.
    pub fn is_emergency(&self) -> bool {
        self.mode == Mode::Emergency
    }

    /// The country whose numbers are being given.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The person said something. `assessment` is the safety engine's reading of `text`.
    pub fn on_utterance(
        &mut self,
        scripts: &SafetyScripts,
        text: &str,
        assessment: &Assessment,
        variant: u64,
    ) -> Vec<CrisisStep> {
        if self.finished {
            return Vec::new();
        }
        self.silences = 0;
        let norm = normalize(text);
        let mut reply = classify(&norm);
        // Bare "yes" / "no" answer the last question asked.
        if let Some(p) = patterns() {
            let answering =
                self.plan_offered || matches!(self.stage, Stage::AskedReady | Stage::Talking);
            if answering && (p.yes.is_match(&norm) || norm == "yes") {
                reply = Reply::Yes;
            } else if answering && p.no.is_match(&norm) {
                reply = Reply::No;
            }
        }

        // A new emergency overrides everything. So do words that, in this conversation, can only
        // mean acting on it now ("i already took them"), which the utterance-level engine cannot
        // read without the context.
        if assessment.action == SafetyAction::Emergency {
            self.mode = Mode::Emergency;
            self.stage = Stage::AskedCalled;
            self.category = assessment.category.clone();
            return self.emergency_opening(scripts, variant);
        }
        if reply == Reply::ActingNow && self.mode == Mode::Crisis {
            self.mode = Mode::Emergency;
            self.stage = Stage::AskedCalled;
            self.category = "acting_now".to_string();
            return self.emergency_opening(scripts, variant);
        }
        // A clear clarification that the alarm was a misreading. From an uncertain reading one
        // is enough; an emergency also needs to hear that they are safe.
        if !assessment.action.is_risk() && reply != Reply::ActingNow {
            if let Some(p) = patterns() {
                let misread = p.misunderstood.is_match(&norm);
                let safe = p.not_at_risk.is_match(&norm) || p.safe.is_match(&norm);
                let leave = match self.mode {
                    Mode::Crisis => !self.certain && (misread || p.not_at_risk.is_match(&norm)),
                    Mode::Emergency => misread && (safe || !self.certain),
                };
                if leave {
                    self.finished = true;
                    let line = match self.mode {
                        Mode::Crisis => self.say(scripts, L::Misunderstood, variant),
                        Mode::Emergency => self.say_e(scripts, M::Misunderstood, variant),
                    };
                    return vec![line, CrisisStep::Finish];
                }
            }
        }
        // Asking to stop (not "i want it all to stop", which is a crisis reading).
        if reply == Reply::Stop && assessment.action < SafetyAction::Ask {
            self.finished = true;
            let stop = match self.mode {
                Mode::Crisis => self.say(scripts, L::Stop, variant),
                Mode::Emergency => self.say_e(scripts, M::Stop, variant),
            };
            return vec![stop, CrisisStep::Finish];
        }
        if reply == Reply::Number {
            let mut out = vec![self.say(scripts, L::RepeatNumber, variant)];
            if self.mode == Mode::Emergency {
                out.push(self.say_e(scripts, M::StillCall, variant));
            }
            out.push(self.listen());
            return out;
        }
        if reply == Reply::Plan || (self.plan_offered && reply == Reply::Yes) {
            return self.read_plan(scripts, variant);
        }

        match self.mode {
            Mode::Emergency => self.emergency_reply(scripts, reply, variant),
            Mode::Crisis => self.crisis_reply(scripts, reply, assessment, variant),
        }
    }

    /// Nothing was heard for the listen timeout: check back in. Never ends the protocol.
    pub fn on_silence(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        if self.finished {
            return Vec::new();
        }
        self.silences = self.silences.saturating_add(1);
        match self.mode {
            Mode::Emergency => vec![self.say_e(scripts, M::CheckIn, variant), self.listen()],
            Mode::Crisis => {
                let line = if self.silences % 2 == 0 {
                    L::CheckInWithLine
                } else {
                    L::CheckIn
                };
                vec![self.say(scripts, line, variant), self.listen()]
            }
        }
    }

    fn crisis_opening(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        let ack = match self.category.as_str() {
            "third_party_risk" => L::AcknowledgeThirdParty,
            "harm_to_others" => L::AcknowledgeHarmToOthers,
            "abuse" => L::AcknowledgeAbuse,
            "method_request" => L::AcknowledgeMethodRequest,
            "safety_unavailable" => L::AcknowledgeUnavailable,
            _ => L::Acknowledge,
        };
        self.stage = Stage::AskedSafe;
        // A category with its own opening (domestic abuse names the abuse line beside the
        // crisis line) says it instead of the general acknowledgement.
        let opening = match scripts.crisis_opening(&self.category, &self.country, variant) {
            Some(text) => CrisisStep::Say(text),
            None => self.say(scripts, ack, variant),
        };
        let mut out = vec![opening, self.say(scripts, L::GiveLine, variant)];
        if scripts.helpline(&self.country).text_line.is_some() {
            out.push(self.say(scripts, L::GiveTextLine, variant));
        }
        out.push(self.say(scripts, L::AskSafe, variant));
        out.push(self.listen());
        out
    }

    fn emergency_opening(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        let call = match self.category.as_str() {
            "overdose" | "poisoning" => M::CallNowOverdose,
            "medical_emergency" => M::CallNowMedical,
            "violence_now" => M::CallNowViolence,
            _ => M::CallNow,
        };
        let call = match scripts.emergency_opening(&self.category, &self.country, variant) {
            Some(text) => CrisisStep::Say(text),
            None => self.say_e(scripts, call, variant),
        };
        vec![
            call,
            self.say_e(scripts, M::AlsoLine, variant),
            self.say_e(scripts, M::Stay, variant),
            self.listen(),
        ]
    }

    fn emergency_reply(
        &mut self,
        scripts: &SafetyScripts,
        reply: Reply,
        variant: u64,
    ) -> Vec<CrisisStep> {
        match (self.stage, reply) {
            (_, Reply::Called) => {
                self.stage = Stage::HelpCalled;
                vec![self.say_e(scripts, M::Called, variant), self.listen()]
            }
            (Stage::HelpCalled, Reply::Ready) => self.finish(scripts, variant),
            (Stage::HelpCalled, _) => vec![self.say_e(scripts, M::Stay, variant), self.listen()],
            (_, Reply::Safe | Reply::Fine | Reply::Ready | Reply::Yes) => {
                vec![self.say_e(scripts, M::StillCall, variant), self.listen()]
            }
            _ => {
                self.other_turns = self.other_turns.saturating_add(1);
                let second = if self.other_turns % 2 == 1 {
                    M::AskCalled
                } else {
                    M::StillCall
                };
                vec![
                    self.say_e(scripts, M::Stay, variant),
                    self.say_e(scripts, second, variant),
                    self.listen(),
                ]
            }
        }
    }

    fn crisis_reply(
        &mut self,
        scripts: &SafetyScripts,
        reply: Reply,
        assessment: &Assessment,
        variant: u64,
    ) -> Vec<CrisisStep> {
        match (self.stage, reply) {
            (Stage::AskedSafe | Stage::NotSafe, Reply::Safe) | (Stage::AskedSafe, Reply::Yes) => {
                self.now_safe(scripts, variant)
            }
            (_, Reply::NotSafe) => {
                self.stage = Stage::NotSafe;
                self.plan_offered = false;
                let mut out = vec![self.say(scripts, L::NotSafe, variant)];
                if self.has_safety_plan && !self.plan_read {
                    out.push(self.say(scripts, L::OfferPlan, variant));
                    self.plan_offered = true;
                }
                out.push(self.listen());
                out
            }
            (Stage::AskedSafe, Reply::Fine | Reply::Ready) => {
                // "i'm fine" once is not enough: check gently, with the number again the second time.
                self.fine_count = self.fine_count.saturating_add(1);
                let mut out = Vec::new();
                if self.fine_count >= 2 {
                    out.push(self.say(scripts, L::GiveLine, variant));
                }
                out.push(self.say(scripts, L::FineCheck, variant));
                out.push(self.listen());
                out
            }
            (Stage::AskedSafe | Stage::NotSafe, Reply::Unsure) => {
                vec![self.say(scripts, L::Unsure, variant), self.listen()]
            }
            (Stage::AskedReady, Reply::No) if self.plan_offered => {
                self.plan_offered = false;
                vec![self.say(scripts, L::AskReady, variant), self.listen()]
            }
            (Stage::AskedSafe | Stage::NotSafe, Reply::No) if self.plan_offered => {
                self.plan_offered = false;
                vec![
                    self.say(scripts, L::KeepTalking, variant),
                    self.say(scripts, L::AskSafe, variant),
                    self.listen(),
                ]
            }
            (Stage::AskedReady | Stage::Talking, Reply::Ready)
            | (Stage::AskedReady, Reply::Yes | Reply::Safe) => self.finish(scripts, variant),
            (Stage::AskedReady, Reply::KeepTalking | Reply::No) => {
                self.stage = Stage::Talking;
                vec![self.say(scripts, L::KeepTalking, variant), self.listen()]
            }
            _ if matches!(assessment.action, SafetyAction::Crisis | SafetyAction::Ask) => {
                // Something new and heavy: acknowledge, give the line, ask again. (Inside a
                // crisis conversation a possible-risk reading is as heavy as a crisis one.)
                if assessment.action == SafetyAction::Crisis {
                    self.category = assessment.category.clone();
                }
                self.stage = Stage::AskedSafe;
                self.plan_offered = false;
                vec![
                    self.say(scripts, L::Acknowledge, variant),
                    self.say(scripts, L::GiveLine, variant),
                    self.say(scripts, L::AskSafe, variant),
                    self.listen(),
                ]
            }
            _ => {
                self.other_turns = self.other_turns.saturating_add(1);
                let mut out = vec![self.say(scripts, L::Listening, variant)];
                match self.stage {
                    Stage::AskedSafe | Stage::NotSafe => {
                        if self.other_turns % 2 == 0 {
                            out.push(self.say(scripts, L::GiveLine, variant));
                        }
                        out.push(self.say(scripts, L::AskSafe, variant));
                    }
                    Stage::AskedReady => out.push(self.say(scripts, L::AskReady, variant)),
                    Stage::Talking if self.other_turns % 3 == 0 => {
                        out.push(self.say(scripts, L::AskReady, variant))
                    }
                    _ => {}
                }
                out.push(self.listen());
                out
            }
        }
    }

    fn now_safe(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        self.stage = Stage::AskedReady;
        let mut out = vec![self.say(scripts, L::SafeYes, variant)];
        if self.has_safety_plan && !self.plan_read {
            self.plan_offered = true;
            out.push(self.say(scripts, L::OfferPlan, variant));
        } else {
            out.push(self.say(scripts, L::AskReady, variant));
        }
        out.push(self.listen());
        out
    }

    fn read_plan(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        self.plan_offered = false;
        if !self.has_safety_plan {
            return vec![self.say(scripts, L::NoPlan, variant), self.listen()];
        }
        self.plan_read = true;
        let next = match self.stage {
            Stage::AskedReady | Stage::Talking => L::AskReady,
            _ => L::AskSafe,
        };
        vec![
            CrisisStep::ReadSafetyPlan,
            self.say(scripts, next, variant),
            self.listen(),
        ]
    }

    fn finish(&mut self, scripts: &SafetyScripts, variant: u64) -> Vec<CrisisStep> {
        self.finished = true;
        vec![self.say(scripts, L::Finish, variant), CrisisStep::Finish]
    }

    fn say(&self, scripts: &SafetyScripts, line: L, variant: u64) -> CrisisStep {
        CrisisStep::Say(scripts.crisis_line(line, &self.country, variant))
    }

    fn say_e(&self, scripts: &SafetyScripts, line: M, variant: u64) -> CrisisStep {
        CrisisStep::Say(scripts.emergency_line(line, &self.country, variant))
    }

    fn listen(&self) -> CrisisStep {
        let base = match self.mode {
            Mode::Crisis => CRISIS_LISTEN_MS,
            Mode::Emergency => EMERGENCY_LISTEN_MS,
        };
        let grown = base.saturating_add(15_000u64.saturating_mul(u64::from(self.silences)));
        CrisisStep::Listen {
            timeout_ms: grown.min(MAX_LISTEN_MS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::safety::SafetyEngine;

    fn scripts() -> SafetyScripts {
        match SafetyScripts::builtin() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    fn said(steps: &[CrisisStep]) -> String {
        steps
            .iter()
            .filter_map(|s| match s {
                CrisisStep::Say(t) => Some(t.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    struct Run {
        s: SafetyScripts,
        e: SafetyEngine,
        p: CrisisProtocol,
        v: u64,
    }

    impl Run {
        fn start(text: &str, country: &str, plan: bool) -> (Self, Vec<CrisisStep>) {
            let s = scripts();
            let e = SafetyEngine::new();
            let a = e.assess(text);
            let (p, steps) = CrisisProtocol::begin(&s, country, &a, plan, 0);
            (Self { s, e, p, v: 0 }, steps)
        }

        fn say(&mut self, text: &str) -> Vec<CrisisStep> {
            self.v += 1;
            let a = self.e.assess(text);
            self.p.on_utterance(&self.s, text, &a, self.v)
        }
    }

    fn ends_listening(steps: &[CrisisStep]) -> bool {
        matches!(steps.last(), Some(CrisisStep::Listen { .. }))
    }

    #[test]
    fn crisis_opening_gives_line_and_asks_safe() {
        let (_, steps) = Run::start("i want to die", "US", false);
        let text = said(&steps);
        assert!(text.contains("nine eight eight"), "{text}");
        assert!(text.to_lowercase().contains("safe"), "{text}");
        assert!(ends_listening(&steps));
    }

    #[test]
    fn fine_once_is_not_enough() {
        let (mut r, _) = Run::start("i want to die", "GB", false);
        let steps = r.say("i'm fine");
        assert!(!r.p.is_finished());
        assert!(ends_listening(&steps));
        let steps = r.say("i'm fine honestly");
        assert!(!r.p.is_finished());
        assert!(
            said(&steps).contains("one one six, one two three"),
            "second fine repeats the line: {}",
            said(&steps)
        );
        let steps = r.say("yes i'm safe");
        assert!(
            !r.p.is_finished(),
            "safe but not yet ready: {}",
            said(&steps)
        );
        let steps = r.say("yes let's carry on");
        assert!(r.p.is_finished());
        assert_eq!(steps.last(), Some(&CrisisStep::Finish));
        assert!(
            said(&steps).contains("one one six, one two three"),
            "finish says the line: {}",
            said(&steps)
        );
    }

    #[test]
    fn number_is_repeated_whenever_asked() {
        let (mut r, _) = Run::start("i keep thinking about killing myself", "AU", false);
        for q in [
            "what's the number again",
            "sorry can you repeat that",
            "who do i call",
        ] {
            let steps = r.say(q);
            assert!(
                said(&steps).contains("thirteen, eleven, fourteen"),
                "{q}: {}",
                said(&steps)
            );
            assert!(ends_listening(&steps));
        }
    }

    #[test]
    fn not_safe_gives_emergency_number_and_offers_plan() {
        let (mut r, _) = Run::start("i want to end my life", "US", true);
        let steps = r.say("no");
        let text = said(&steps);
        assert!(text.contains("nine one one"), "{text}");
        assert!(text.contains("nine eight eight"), "{text}");
        assert!(text.to_lowercase().contains("safety plan"), "{text}");
        let steps = r.say("yes please");
        assert!(steps.contains(&CrisisStep::ReadSafetyPlan));
        assert!(!r.p.is_finished());
    }

    #[test]
    fn read_me_my_safety_plan() {
        let (mut r, _) = Run::start("i cut myself last night", "US", true);
        let steps = r.say("read me my safety plan");
        assert!(steps.contains(&CrisisStep::ReadSafetyPlan));
        let (mut r, _) = Run::start("i cut myself last night", "US", false);
        let steps = r.say("read me my safety plan");
        assert!(!steps.contains(&CrisisStep::ReadSafetyPlan));
        assert!(ends_listening(&steps));
    }

    #[test]
    fn stop_says_the_line_once_more() {
        let (mut r, _) = Run::start("i want to die", "IE", false);
        let steps = r.say("stop");
        assert!(r.p.is_finished());
        assert!(
            said(&steps).contains("one one six, one two three"),
            "{}",
            said(&steps)
        );
        assert_eq!(steps.last(), Some(&CrisisStep::Finish));
        assert!(r.say("hello").is_empty());
    }

    #[test]
    fn domestic_abuse_opening_names_the_abuse_line_beside_the_crisis_line() {
        let (_, steps) = Run::start("my partner hits me", "GB", false);
        let text = said(&steps);
        assert!(text.contains("not your fault"), "{text}");
        assert!(
            text.contains("oh eight oh eight, two thousand, two four seven"),
            "{text}"
        );
        assert!(text.contains("one one six, one two three"), "{text}");
        assert!(text.contains("nine nine nine"), "{text}");
        // No national abuse line in Canada: the crisis line stands in.
        let (_, steps) = Run::start(
            "he won't let me leave the house or see my friends",
            "CA",
            false,
        );
        assert!(
            said(&steps).contains("nine eight eight"),
            "{}",
            said(&steps)
        );
    }

    #[test]
    fn category_emergency_openings() {
        let (r, steps) = Run::start("my husband is hitting me right now", "US", false);
        assert!(r.p.is_emergency());
        let text = said(&steps);
        assert!(text.contains("nine one one"), "{text}");
        assert!(
            text.contains("seven nine nine, seven two three three"),
            "{text}"
        );
        let (_, steps) = Run::start("my son hasn't eaten in days and won't wake up", "AU", false);
        let text = said(&steps);
        assert!(
            text.contains("triple zero") && text.contains("child"),
            "{text}"
        );
    }

    #[test]
    fn i_want_it_all_to_stop_is_not_a_stop_request() {
        let (mut r, _) = Run::start("i want to die", "US", false);
        let steps = r.say("i just want it all to stop");
        assert!(!r.p.is_finished());
        assert!(said(&steps).contains("nine eight eight"));
    }

    #[test]
    fn new_emergency_switches_to_emergency_script() {
        let (mut r, _) = Run::start("i want to die", "US", false);
        let steps = r.say("i already took a bunch of pills");
        assert!(r.p.is_emergency());
        assert!(said(&steps).contains("nine one one"), "{}", said(&steps));
    }

    #[test]
    fn acting_now_in_context_becomes_an_emergency() {
        for reply in [
            "i'm doing it right now",
            "i already took them",
            "ive taken the lot",
            "it's too late",
            "im gonna do it tonight",
            "i've got everything ready for tonight",
            "i have the pills right here",
            "this is goodbye",
        ] {
            let (mut r, _) = Run::start("i want to die", "US", false);
            let steps = r.say(reply);
            assert!(r.p.is_emergency(), "{reply}: {}", said(&steps));
            assert!(
                said(&steps).contains("nine one one"),
                "{reply}: {}",
                said(&steps)
            );
            assert!(!r.p.is_finished(), "{reply}");
        }
        // Words that only sound similar stay in the crisis conversation. (Known over-reach: "i
        // haven't taken them" reads as an emergency to the statistical second reading, which
        // cannot see negation; in a crisis conversation that errs the safe way.)
        for reply in [
            "i took your advice",
            "i am doing a bit better",
            "i did the breathing",
            "i'm not going to do it",
        ] {
            let (mut r, _) = Run::start("i want to die", "US", false);
            let steps = r.say(reply);
            assert!(!r.p.is_emergency(), "{reply}: {}", said(&steps));
        }
    }

    #[test]
    fn emergency_does_not_finish_on_okay() {
        let (mut r, steps) = Run::start("i took all my sleeping pills", "GB", false);
        assert!(said(&steps).contains("nine nine nine"), "{}", said(&steps));
        assert!(
            said(&steps).contains("one one six, one two three"),
            "{}",
            said(&steps)
        );
        let steps = r.say("i'm okay now");
        assert!(!r.p.is_finished());
        assert!(said(&steps).contains("nine nine nine"), "{}", said(&steps));
        let _ = r.say("okay i called them, the ambulance is on the way");
        assert!(!r.p.is_finished());
        let steps = r.say("i'm ready to go on");
        assert!(r.p.is_finished(), "{}", said(&steps));
    }

    #[test]
    fn silence_never_ends_and_gives_the_line() {
        let (mut r, _) = Run::start("i want to die", "NZ", false);
        let mut with_line = 0;
        let mut last_timeout = 0;
        for i in 0..6 {
            let steps = r.p.on_silence(&r.s, i);
            assert!(!r.p.is_finished());
            assert!(ends_listening(&steps));
            if said(&steps).contains("one seven three seven") {
                with_line += 1;
            }
            if let Some(CrisisStep::Listen { timeout_ms }) = steps.last() {
                assert!(*timeout_ms >= last_timeout && *timeout_ms <= MAX_LISTEN_MS);
                last_timeout = *timeout_ms;
            }
        }
        assert!(with_line >= 3, "line given every other check-in");
    }

    #[test]
    fn third_party_and_method_openings() {
        let (_, steps) = Run::start("my sister said she has a plan to kill herself", "US", false);
        assert!(said(&steps).contains("nine one one"), "{}", said(&steps));
        let (_, steps) = Run::start(
            "for a story, how many pills would it take to die",
            "US",
            false,
        );
        let text = said(&steps).to_lowercase();
        assert!(
            text.contains("can't help with that")
                || text.contains("cannot help with that")
                || text.contains("won't"),
            "{text}"
        );
    }

    #[test]
    fn unknown_country_uses_international() {
        let (_, steps) = Run::start("i want to die", "ZZ", false);
        assert!(
            said(&steps).contains("local emergency number"),
            "{}",
            said(&steps)
        );
    }

    #[test]
    fn fail_closed_opening() {
        let s = scripts();
        let (p, steps) = CrisisProtocol::begin(&s, "US", &Assessment::fail_closed(), false, 0);
        assert!(!p.is_finished());
        assert!(said(&steps).contains("nine eight eight"));
    }

    #[test]
    fn classify_replies() {
        assert_eq!(classify(&normalize("yes")), Reply::Safe);
        assert_eq!(classify(&normalize("Yeah I'm safe.")), Reply::Safe);
        assert_eq!(classify(&normalize("no")), Reply::NotSafe);
        assert_eq!(classify(&normalize("i dont know")), Reply::Unsure);
        assert_eq!(classify(&normalize("im fine")), Reply::Fine);
        assert_eq!(
            classify(&normalize("whats the number again")),
            Reply::Number
        );
        assert_eq!(classify(&normalize("please stop")), Reply::Stop);
        assert_eq!(classify(&normalize("lets carry on")), Reply::Ready);
    }
}
