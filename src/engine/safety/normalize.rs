//! Speech-recognition text normalisation for the safety rules.
//!
//! Whisper writes what it hears: sometimes with capitals and punctuation, sometimes without,
//! with fillers ("um", "like", "you know"), contractions with or without apostrophes ("im",
//! "dont", "cant"), and the odd split or merged word ("kill my self", "selfharm", "sue side").
//! The rules are written against one canonical form, produced here:
//!
//! - the words every reader of Hearth sees ([`crate::engine::words`]): lower case, plain ASCII
//!   apostrophes, every clause boundary (`.` `,` `!` `?` `;` `:`) a standalone `,` token so
//!   patterns do not silently run across sentences;
//! - contractions expanded ("i'm"/"im" → "i am", "can't"/"cant" → "can not", "wanna" → "want to");
//! - fillers and pure intensifiers dropped ("um", "uh", filler "like", "you know", "really",
//!   "just", "kind of", "literally", ...), immediate stutters collapsed ("i i want");
//! - a few known mis-hearings merged ("my self" → "myself", "sue side" → "suicide");
//! - numbers are kept exactly as written (digits or words).
//!
//! The output is single-space separated tokens. It is deterministic and allocation-light.

/// Words that only intensify or pad and never change whether an utterance is a risk.
const DROP_ALWAYS: &[&str] = &[
    "um",
    "umm",
    "ummm",
    "uh",
    "uhh",
    "uhm",
    "er",
    "erm",
    "ah",
    "ahh",
    "hmm",
    "hm",
    "mm",
    "mmm",
    "really",
    "just",
    "honestly",
    "literally",
    "actually",
    "seriously",
    "totally",
    "basically",
    "truly",
    "genuinely",
    "kinda",
    "sorta",
    "even",
    "definitely",
    "legit",
    "lowkey",
    "highkey",
    "absolutely",
    "simply",
    "very",
    "so",
    "super",
    "pretty",
    "quite",
];

/// Contractions written without an apostrophe, as speech recognition often does.
const BARE_CONTRACTIONS: &[(&str, &str)] = &[
    ("im", "i am"),
    ("ive", "i have"),
    ("id", "i would"),
    ("youre", "you are"),
    ("youve", "you have"),
    ("youd", "you would"),
    ("youll", "you will"),
    ("hes", "he is"),
    ("shes", "she is"),
    ("its", "it is"),
    ("thats", "that is"),
    ("whats", "what is"),
    ("wheres", "where is"),
    ("theres", "there is"),
    ("heres", "here is"),
    ("whos", "who is"),
    ("hows", "how is"),
    ("lets", "let us"),
    ("theyre", "they are"),
    ("theyve", "they have"),
    ("theyd", "they would"),
    ("theyll", "they will"),
    ("weve", "we have"),
    ("dont", "do not"),
    ("doesnt", "does not"),
    ("didnt", "did not"),
    ("cant", "can not"),
    ("cannot", "can not"),
    ("wont", "will not"),
    ("wouldnt", "would not"),
    ("couldnt", "could not"),
    ("shouldnt", "should not"),
    ("isnt", "is not"),
    ("arent", "are not"),
    ("wasnt", "was not"),
    ("werent", "were not"),
    ("havent", "have not"),
    ("hasnt", "has not"),
    ("hadnt", "had not"),
    ("aint", "is not"),
    ("mustnt", "must not"),
    ("neednt", "need not"),
    ("idk", "i do not know"),
    ("dunno", "do not know"),
    ("lifes", "life is"),
    ("nobodys", "nobody is"),
    ("everyones", "everyone is"),
    ("everythings", "everything is"),
    ("nothings", "nothing is"),
    ("hed", "he would"),
    ("wanna", "want to"),
    ("gonna", "going to"),
    ("imma", "i am going to"),
    ("ima", "i am going to"),
    ("finna", "going to"),
    ("bout", "about"),
    ("til", "until"),
    ("till", "until"),
    ("untill", "until"),
    ("alot", "a lot"),
    ("gotta", "got to"),
    ("hafta", "have to"),
    ("tryna", "trying to"),
    ("lemme", "let me"),
    ("gimme", "give me"),
    ("outta", "out of"),
    ("cuz", "because"),
    ("coz", "because"),
    ("cos", "because"),
    ("ya", "you"),
    ("u", "you"),
    ("ur", "your"),
    ("yeah", "yes"),
    ("yea", "yes"),
    ("yep", "yes"),
    ("yup", "yes"),
    ("nah", "no"),
    ("nope", "no"),
    ("ok", "okay"),
    ("okey", "okay"),
    ("pls", "please"),
    ("plz", "please"),
    ("tonite", "tonight"),
    ("selfharm", "self harm"),
    ("selfharming", "self harming"),
    ("noone", "no one"),
    ("kms", "kill myself"),
    ("kys", "kill yourself"),
    ("suiside", "suicide"),
    ("suicid", "suicide"),
    ("sucide", "suicide"),
    ("suicde", "suicide"),
    ("suicidial", "suicidal"),
    ("sucidal", "suicidal"),
    ("overdosing", "overdosing"),
    ("neighbor", "neighbour"),
    ("neighbors", "neighbours"),
    ("counselor", "counsellor"),
    ("counseling", "counselling"),
    ("mum", "mom"),
    ("mummy", "mom"),
    ("mommy", "mom"),
    ("mama", "mom"),
];

/// Verbs before which a bare "hell" / "shell" is "he'll" / "she'll".
const HELL_AS_HE_WILL_BEFORE: &[&str] = &[
    "do", "be", "say", "hurt", "kill", "hit", "find", "come", "go", "get", "know", "see", "take",
    "leave", "never", "not", "just", "probably", "make", "lose", "snap", "beat", "stab", "shoot",
    "tell", "call", "freak", "flip", "go", "have", "want", "think", "try",
];

/// Words after which a bare "ill" is the contraction "i'll" rather than "sick".
const ILL_AS_I_WILL_AFTER: &[&str] = &[
    ",", "and", "so", "then", "but", "maybe", "think", "guess", "probably", "know", "swear",
    "promise", "because", "if", "or", "tonight", "today", "now", "tomorrow", "okay", "fine", "yes",
    "no", "i", "that", "scared", "afraid", "worried",
];

/// Words after which "like" carries meaning ("i feel like", "would like to", "looks like").
const LIKE_KEEP_AFTER: &[&str] = &[
    "feel",
    "feels",
    "felt",
    "feeling",
    "would",
    "look",
    "looks",
    "looked",
    "seem",
    "seems",
    "sound",
    "sounds",
    "something",
    "nothing",
    "anything",
    "more",
    "not",
    "do",
    "did",
    "does",
    "you",
    "we",
    "they",
    "people",
    "also",
    "much",
    "what",
    "treat",
    "treated",
    "act",
    "acting",
];

/// Verbs after which "like this" / "like that" means "in this way" ("live like this").
const LIKE_KEEP_BEFORE_OBJECT: &[&str] = &[
    "live",
    "living",
    "lived",
    "go",
    "goes",
    "went",
    "on",
    "continue",
    "keep",
    "carry",
    "be",
    "being",
    "exist",
    "existing",
    "treated",
    "treat",
    "treats",
    "talk",
    "talks",
    "talked",
    "stay",
    "staying",
    "feel",
    "felt",
    "end",
    "die",
    "dying",
    "going",
    "doing",
    "coping",
    "happening",
    "working",
    "struggling",
    "suffering",
    "fighting",
];

/// Words after which "like" is meaningful even though the previous word is a pronoun: "i like
/// dogs". After a pronoun, "like" is only a filler when one of these follows it.
const LIKE_FILLER_BEFORE: &[&str] = &[
    "i",
    "um",
    "uh",
    "want",
    "need",
    "have",
    "am",
    "just",
    "totally",
    "really",
    "literally",
    "going",
    "can",
    "do",
    "dont",
    "cant",
    "wanna",
    "gonna",
    "feel",
    "kind",
    "so",
];

/// Normalise one utterance as transcribed by speech recognition (see the module docs).
pub fn normalize(text: &str) -> String {
    let raw = crate::engine::words::words_with_breaks(text);
    let expanded = expand(&raw);
    let cleaned = drop_fillers(&expanded);
    merge_and_finish(&cleaned)
}

/// Expand contractions (with or without apostrophes) and slang spellings.
fn expand(tokens: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len() + 8);
    for (i, tok) in tokens.iter().enumerate() {
        if let Some((stem, suffix)) = tok.split_once('\'') {
            expand_apostrophe(stem, suffix, &mut out);
            // "my husband's hitting me": 's before a verb-like word is "is", not a possessive.
            if suffix == "s" && out.last().map(|l| l != "is" && l != "us").unwrap_or(false) {
                if let Some(next) = tokens.get(i + 1) {
                    if is_after_is(next) {
                        out.push("is".into());
                    }
                }
            }
            continue;
        }
        // A bare "hell" / "shell" before a verb is "he'll" / "she'll" ("scared of what hell do
        // when he gets home"); anywhere else it is the word itself.
        if tok == "hell" || tok == "shell" {
            let verb_next = tokens
                .get(i + 1)
                .map(|n| HELL_AS_HE_WILL_BEFORE.contains(&n.as_str()))
                .unwrap_or(false);
            if verb_next {
                out.push(if tok == "hell" { "he" } else { "she" }.into());
                out.push("will".into());
            } else {
                out.push(tok.clone());
            }
            continue;
        }
        if tok == "ill" {
            let after_trigger = out
                .last()
                .map(|p| ILL_AS_I_WILL_AFTER.contains(&p.as_str()))
                .unwrap_or(true);
            if after_trigger {
                out.push("i".into());
                out.push("will".into());
            } else {
                out.push("ill".into());
            }
            continue;
        }
        match BARE_CONTRACTIONS.iter().find(|(k, _)| k == tok) {
            Some((_, v)) => out.extend(v.split(' ').map(str::to_string)),
            None => out.push(tok.clone()),
        }
    }
    out
}

fn expand_apostrophe(stem: &str, suffix: &str, out: &mut Vec<String>) {
    let push_words = |out: &mut Vec<String>, s: &str| out.extend(s.split(' ').map(str::to_string));
    match suffix {
        "t" if stem.ends_with('n') => {
            let base = &stem[..stem.len() - 1];
            let base = match base {
                "ca" => "can",
                "wo" => "will",
                "ai" => "is",
                "sha" => "shall",
                other => other,
            };
            push_words(out, base);
            out.push("not".into());
        }
        "m" => {
            push_words(out, stem);
            out.push("am".into());
        }
        "re" => {
            push_words(out, stem);
            out.push("are".into());
        }
        "ve" => {
            push_words(out, stem);
            out.push("have".into());
        }
        "ll" => {
            push_words(out, stem);
            out.push("will".into());
        }
        "d" => {
            push_words(out, stem);
            out.push("would".into());
        }
        "s" => {
            const IS_AFTER: &[&str] = &[
                "he",
                "she",
                "it",
                "that",
                "what",
                "there",
                "here",
                "who",
                "where",
                "how",
                "life",
                "everything",
                "nothing",
                "everyone",
                "nobody",
                "someone",
                "somebody",
                "this",
                "let",
            ];
            push_words(out, stem);
            if stem == "let" {
                out.push("us".into());
            } else if IS_AFTER.contains(&stem) {
                out.push("is".into());
            }
        }
        other => {
            // Unknown suffix (o'clock, y'all): keep the letters together.
            let joined = format!("{stem}{other}");
            match BARE_CONTRACTIONS.iter().find(|(k, _)| *k == joined) {
                Some((_, v)) => push_words(out, v),
                None => out.push(joined),
            }
        }
    }
}

/// Whether a word after "X's" makes the "'s" a verb ("is"): "-ing" words, "going", "not", ...
fn is_after_is(next: &str) -> bool {
    const WORDS: &[&str] = &[
        "going",
        "gonna",
        "not",
        "been",
        "got",
        "always",
        "never",
        "so",
        "very",
        "really",
        "just",
        "still",
        "about",
        "dead",
        "gone",
        "here",
        "there",
        "a",
        "an",
        "the",
        "in",
        "on",
        "at",
        "with",
        "out",
        "back",
        "over",
        "home",
        "sick",
        "ill",
        "drunk",
        "angry",
        "mad",
        "scared",
        "afraid",
        "trying",
        "suicidal",
        "threatening",
        "outside",
        "inside",
        "unconscious",
        "away",
    ];
    const NOUNS_IN_ING: &[&str] = &[
        "sleeping",
        "building",
        "wedding",
        "morning",
        "evening",
        "something",
        "nothing",
        "anything",
        "everything",
        "feeling",
        "feelings",
        "clothing",
        "ceiling",
        "painting",
        "drawing",
        "earring",
        "earrings",
        "pudding",
        "icing",
        "parking",
        "meeting",
        "birthday",
        "string",
        "spring",
        "ring",
        "king",
        "wing",
        "thing",
        "things",
        "darling",
        "sibling",
        "siblings",
        "ending",
        "listening",
        "reading",
        "writing",
        "cooking",
        "stuffing",
        "blessing",
    ];
    (next.len() > 4 && next.ends_with("ing") && !NOUNS_IN_ING.contains(&next))
        || WORDS.contains(&next)
}

/// Drop fillers and pure intensifiers, keeping words that change meaning.
fn drop_fillers(tokens: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let next = tokens.get(i + 1).map(String::as_str);
        let prev = out.last().map(String::as_str);
        // "you know" as a filler: not after a verb or question word that makes it literal.
        if t == "you" && next == Some("know") {
            const LITERAL_BEFORE: &[&str] = &[
                "do", "did", "if", "not", "would", "will", "does", "what", "how", "don", "never",
                "should", "could", "can", "that", "let",
            ];
            let literal = prev.map(|p| LITERAL_BEFORE.contains(&p)).unwrap_or(false);
            if !literal {
                i += 2;
                continue;
            }
        }
        // "i mean" at a clause start is a filler.
        if t == "i" && next == Some("mean") && prev.map(|p| p == ",").unwrap_or(true) {
            i += 2;
            continue;
        }
        // "kind of" / "sort of" as hedges, not as nouns ("what kind of pills").
        if (t == "kind" || t == "sort") && next == Some("of") {
            const NOUN_BEFORE: &[&str] = &[
                "what",
                "which",
                "this",
                "that",
                "the",
                "a",
                "some",
                "any",
                "all",
                "every",
                "same",
                "one",
                "these",
                "those",
                "different",
                "other",
            ];
            let noun = prev.map(|p| NOUN_BEFORE.contains(&p)).unwrap_or(false);
            if !noun {
                i += 2;
                continue;
            }
        }
        if t == "like" {
            let keep_after = prev.map(|p| LIKE_KEEP_AFTER.contains(&p)).unwrap_or(false);
            let pronoun_before = matches!(prev, Some("i" | "you" | "we" | "they"));
            let filler_next = next
                .map(|n| LIKE_FILLER_BEFORE.contains(&n) || n == ",")
                .unwrap_or(true);
            let object_next = matches!(
                next,
                Some(
                    "this"
                        | "that"
                        | "these"
                        | "those"
                        | "a"
                        | "an"
                        | "the"
                        | "him"
                        | "her"
                        | "me"
                        | "them"
                        | "crap"
                        | "shit"
                        | "garbage"
                        | "nothing"
                        | "something"
                        | "everyone"
                        | "everybody"
                        | "someone"
                        | "my"
                        | "his"
                        | "their"
                        | "our"
                )
            );
            let drop = match prev {
                Some(p) if object_next && LIKE_KEEP_BEFORE_OBJECT.contains(&p) => false,
                None | Some(",") => true,
                Some(_) if pronoun_before => filler_next,
                Some(_) => !keep_after,
            };
            if drop {
                i += 1;
                continue;
            }
        }
        if DROP_ALWAYS.contains(&t) {
            // "so" is also a conjunction ("so i can die"); keep it before a pronoun.
            let conj = t == "so"
                && matches!(
                    next,
                    Some("i" | "that" | "he" | "she" | "they" | "it" | "nobody" | "no")
                );
            // "not really" keeps its hedge-negation meaning as "not".
            if !conj {
                i += 1;
                continue;
            }
        }
        out.push(t.to_string());
        i += 1;
    }
    out
}

/// Merge split words, collapse stutters and repeated boundaries, and join.
fn merge_and_finish(tokens: &[String]) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let next = tokens.get(i + 1).map(String::as_str);
        let merged = match (t, next) {
            ("my", Some("self")) => Some("myself"),
            ("him", Some("self")) => Some("himself"),
            ("her", Some("self")) => Some("herself"),
            ("your", Some("self")) => Some("yourself"),
            ("them", Some("selves")) => Some("themselves"),
            ("them", Some("self")) => Some("themself"),
            ("sue" | "sui" | "soo", Some("side" | "sighed")) => Some("suicide"),
            ("sue" | "sui", Some("sidal" | "cidal")) => Some("suicidal"),
            ("over", Some("dose")) => Some("overdose"),
            ("over", Some("dosed")) => Some("overdosed"),
            ("no", Some("body")) => Some("nobody"),
            ("never", Some("ever")) => Some("never"),
            ("top" | "topped" | "topping", Some("myself")) => Some("kill myself"),
            ("unalive" | "unaliving" | "unalived", Some("myself")) => Some("kill myself"),
            _ => None,
        };
        if let Some(m) = merged {
            out.push(m);
            i += 2;
            continue;
        }
        let last = out.last().copied();
        // "i do not want to be here no more": colloquial "no more" at a clause end is "anymore".
        if t == "no"
            && next == Some("more")
            && matches!(tokens.get(i + 2).map(String::as_str), None | Some(","))
            && matches!(
                last,
                Some(
                    "here"
                        | "alive"
                        | "this"
                        | "living"
                        | "on"
                        | "going"
                        | "it"
                        | "that"
                        | "around"
                        | "life"
                        | "exist"
                        | "live"
                        | "existing"
                        | "burden"
                        | "anyone"
                        | "anybody"
                )
            )
        {
            out.push("anymore");
            i += 2;
            continue;
        }
        if t == "," && (last.is_none() || last == Some(",")) {
            i += 1;
            continue;
        }
        // Stutter: "i i want" → "i want" (but "no no" and "very very" are harmless either way).
        if last == Some(t) && t != "," {
            i += 1;
            continue;
        }
        out.push(t);
        i += 1;
    }
    while out.last() == Some(&",") {
        out.pop();
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn lowercases_and_marks_boundaries() {
        assert_eq!(
            normalize("I'm NOT suicidal, just tired."),
            "i am not suicidal , tired"
        );
    }

    #[test]
    fn expands_bare_contractions() {
        assert_eq!(
            normalize("im so done i dont wanna be here anymore"),
            "i am done i do not want to be here anymore"
        );
        assert_eq!(normalize("i cant breathe"), "i can not breathe");
        assert_eq!(normalize("i won't"), "i will not");
    }

    #[test]
    fn drops_fillers() {
        assert_eq!(
            normalize("um i like want to uh die you know"),
            "i want to die"
        );
        assert_eq!(
            normalize("i feel like i want to die"),
            "i feel like i want to die"
        );
        assert_eq!(normalize("what kind of pills"), "what kind of pills");
        assert_eq!(
            normalize("do you know the number"),
            "do you know the number"
        );
    }

    #[test]
    fn merges_misrecognitions() {
        assert_eq!(normalize("i want to kill my self"), "i want to kill myself");
        assert_eq!(normalize("self-harm"), "self harm");
        assert_eq!(normalize("selfharm"), "self harm");
        assert_eq!(
            normalize("thinking about sue side"),
            "thinking about suicide"
        );
    }

    #[test]
    fn ill_is_context_dependent() {
        assert_eq!(normalize("ill do it tonight"), "i will do it tonight");
        assert_eq!(normalize("i feel ill"), "i feel ill");
        assert_eq!(
            normalize("im scared of what hell do"),
            "i am scared of what he will do"
        );
        assert_eq!(normalize("go to hell"), "go to hell");
        assert_eq!(normalize("a sea shell"), "a sea shell");
    }

    #[test]
    fn keeps_numbers() {
        assert_eq!(normalize("I took 30 pills"), "i took 30 pills");
        assert_eq!(normalize("i took thirty pills"), "i took thirty pills");
    }
}
