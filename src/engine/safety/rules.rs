//! The rule table and the matcher that applies it.
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
//!    subject ([`super::lexicon::PSUBJ`]: not "my laptop is not responding", not "our cat got
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

use super::lexicon::expand;
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

use SafetyAction::{Ask as A, Crisis as C, Emergency as E, Refer as R, Support as S};

/// One row of the rule table: id (the `reason`), category, action, guards, pattern.
type Row = (&'static str, &'static str, SafetyAction, u32, &'static str);

/// Masks: id, optional support category left behind, pattern.
type MaskRow = (&'static str, Option<&'static str>, &'static str);

const MASKS: &[MaskRow] = &[
    // "die" / "dying" / "dead" idioms.
    ("idiom.dying_to", None, r"\bdying (?:to|for)\b"),
    (
        "idiom.die_for",
        None,
        r"\b(?:would|could) die for\b|\bto die for(?: ,|$)|\b(?:is|was|are|were|looks|look|tastes|taste|smells|sounds) to die for\b|\bdie for (?:a|an|some|the|that|this|one|my|your|his|her|it|them|you|him|more)\b",
    ),
    (
        "idiom.die_of",
        None,
        r"\b(?:die|died|dying|dead) (?:of|from) (?:embarrassment|shame|laughter|laughing|boredom|cuteness|happiness|excitement|jealousy|envy|curiosity|the heat|heat|thirst|hunger|suspense|a broken heart)\b",
    ),
    (
        "idiom.died_laughing",
        None,
        r"\b(?:die|died|dying|dead) laughing\b|\blaughed (?:so )?hard i (?:nearly |almost )?died\b",
    ),
    ("idiom.dying_inside", Some("distress"), r"\bdying inside\b"),
    (
        "idiom.dead_tired",
        None,
        r"\bdead (?:tired|beat|on my feet|serious|set on|end|battery|phone|line|ringer|heat|last|centre|center|easy|quiet|wrong|right|good|funny|bored)\b",
    ),
    (
        "idiom.over_my_dead_body",
        None,
        r"\bover my dead body\b|\bdrop dead gorgeous\b|\bdead to me\b|\bi am (?:so )?dead\b(?: ,|$)",
    ),
    (
        "idiom.killed_it",
        None,
        r"\b(?:killed|killing|kill) it\b(?: (?:at|in|on|today|tonight|with|out there|again))?",
    ),
    (
        "idiom.kill_time",
        None,
        r"\b(?:kill|killing|killed) (?:some |the )?time\b|\bkill two birds\b|\bdressed to kill\b|\bkill (?:for|the) (?:a|an|some|lights|light|music|engine|mood|vibe|process|app|power|noise|tv|radio|fan|buzz|joy)\b|\bwould kill for\b|\bkill joy\b|\bkilljoy\b",
    ),
    ("idiom.killing_me_softly", None, r"\bkilling me softly\b"),
    (
        "idiom.overdose_on",
        None,
        r"\b(?:overdos\w*|od|oding|oded) on (?:coffee|caffeine|sugar|chocolate|carbs|cake|cheese|pizza|tea|netflix|tv|telly|memes|cuteness|christmas|sunshine|nostalgia|love|work|caffeine today|energy drinks)\b",
    ),
    (
        "idiom.jump_in_pool",
        None,
        r"\b(?:pool|swimming pool|paddling pool|deep end|diving board|lido|hot tub|jacuzzi|trampoline|bouncy castle)\b(?: \S+){0,4} (?:about to |going to |gonna |ready to )?(?:jump|dive|cannonball)(?: in| into it| on it| off it)?(?: ,|$)|\b(?:about to |going to |gonna |ready to )?(?:jump|dive|cannonball) (?:in|into|onto) (?:the |a )?(?:pool|swimming pool|paddling pool|deep end|lido|hot tub|jacuzzi|trampoline|bouncy castle)\b",
    ),
    (
        "idiom.heart_stopped_when",
        None,
        r"\b(?:heart|it) (?:nearly |almost |practically )?(?:stopped|skipped a beat|sank|dropped)(?: for a (?:second|moment|minute|sec|bit))? (?:when|as|after|because|at|seeing|reading|hearing|watching|opening)\b",
    ),
    (
        "idiom.kill_myself_working",
        None,
        r"\b(?:killing|killed|kill) myself (?:at work|at the gym|working|studying|training|to (?:get|finish|meet|make|keep)|over (?:this|that|the)|on (?:this|that|the) (?:project|workout|essay|report|deadline))\b",
    ),
    (
        "idiom.almost_killed_myself",
        None,
        r"\b(?:almost|nearly) (?:killed|kill) myself (?:on|tripping|falling|laughing|skiing|running|at|with|in)\b",
    ),
    (
        "idiom.shoot_foot",
        None,
        r"\b(?:shoot|shot|shooting) (?:myself|yourself|himself|herself|ourselves|themselves) in the foot\b",
    ),
    (
        "idiom.beat_myself_up",
        Some("distress"),
        r"\bbeat(?:ing)? myself up\b",
    ),
    ("idiom.kick_myself", None, r"\b(?:kick|kicking) myself\b"),
    (
        "idiom.stage_death",
        None,
        r"\b(?:die|dies|dying|died|death) (?:on stage|in the (?:play|scene|show|film|movie|musical|game|second act|first act|last act|final scene))\b|\b(?:got|get|getting|was|been) shot down\b",
    ),
    (
        "idiom.co_alarm",
        None,
        r"\bcarbon monoxide (?:alarm|alarms|detector|detectors|sensor|sensors|monitor|test|testing|check|battery)\b",
    ),
    (
        "idiom.laughed_would_die",
        None,
        r"\blaughed (?:so )?hard (?:\w+ ){0,4}(?:i thought i would die|i nearly died|i almost died|i could have died|i thought i was going to die)\b",
    ),
    (
        "idiom.mortality",
        None,
        r"\b(?:we|we all|everyone|everybody|all of us|people|you) (?:all )?(?:have to|has to|must|will all|are all going to|are going to|will) die (?:someday|one day|eventually|sometime|in the end|sooner or later)\b|\b(?:we|we all|all of us|everyone|everybody) (?:all )?(?:have to|has to|must) die\b",
    ),
    (
        "idiom.a_bit_myself",
        None,
        r"\b(?:a|quite a|a little|a tiny|a fair|every) bit myself\b",
    ),
    (
        "idiom.natural_death",
        None,
        r"\b(?:want|wanna|hope|would like|like) to die (?:peacefully )?(?:in my sleep|of old age|old|at home|at a ripe old age|surrounded by)\b(?: \S+){0,6} (?:(?:like )?(?:my|his|her) (?:grandfather|grandad|granddad|grandpa|grandma|grandmother|nan|gran|granny|great grandmother|great grandfather)|when i am (?:old|older|ninety|a hundred|very old)|of old age|at ninety|at a hundred|old and|when it is my time|when my time comes)\b|\bwhen (?:my time comes|it is my time)\b",
    ),
    (
        "idiom.facepalm_pinch",
        None,
        r"\b(?:slap|slapped|slapping|smack|smacked|smacking) myself (?:on|in) the forehead\b|\b(?:had to|have to|need to|keep having to|could|still|i) pinch(?:ing)? myself\b",
    ),
    (
        "idiom.could_kill_myself_for",
        None,
        r"\bcould (?:kill|strangle) myself for (?:forgetting|missing|losing|leaving|not)\b",
    ),
    (
        "idiom.hurt_feelings",
        None,
        r"\b(?:hurt|hurting|hurts) (?:his|her|their|your|someone s|somebody s|people s|my \w+ s|my \w+) feelings\b",
    ),
    (
        "idiom.beat_at_game",
        None,
        r"\b(?:beat|beats|beating|beaten) (?:me|us|him|her|them|you|my \w+) (?:at|in) (?:chess|cards|the race|a race|tennis|football|the game|games|poker|scrabble|monopoly|golf|running|everything|video games|pool|darts|ping pong|table tennis|squash|badminton|arm wrestling|mario kart|fifa|quizzes|trivia|sports|every game|\w+ing)\b|\bbeat (?:him|her|them|you|my \w+) to (?:it|the)\b",
    ),
    (
        "idiom.suicide_compound",
        None,
        r"\b(?:career|political|social|commercial|financial|professional|electoral) suicide\b|\bsuicide (?:squad|mission|missions|doors|door|sprints|sprint|drills|drill|runs|run|bomber|bombers|bombing|bombings|attack|attacks|king|forest|blonde)\b|\bsuicide (?:prevention|awareness)\b",
    ),
    (
        "idiom.dye_hair",
        None,
        r"\b(?:die|dying|died|dyed) (?:my|her|his|your|their|the|our) (?:hair|clothes|shirt|jeans|eggs|beard|roots|fringe|bangs)\b",
    ),
    ("idiom.choked_up", None, r"\b(?:choked|choking|choke) up\b"),
    (
        "idiom.heart_attack_gave",
        None,
        r"\b(?:gave|give|giving|nearly had|almost had|going to give) (?:me |him |her |you )?a heart attack\b",
    ),
    (
        "idiom.breathe_laughing",
        None,
        r"\b(?:laugh|laughing|laughed) (?:so )?hard (?:that )?i (?:can not|could not|could hardly|can hardly) breathe\b|\bbreathe through my nose\b|\bcan not breathe (?:a word|without you)\b|\bbreathing down my neck\b",
    ),
    ("idiom.food_poisoning", None, r"\bfood poisoning\b"),
    (
        "idiom.stop_breathing_loud",
        None,
        r"\bstop breathing (?:so |as |too )?(?:loud|loudly|heavily|heavy|hard|fast|through my mouth|through my nose|like that|weird|funny|on the phone)\b",
    ),
    (
        "idiom.end_it_with",
        None,
        r"\bend (?:it|things) (?:with|between) (?:him|her|them|my|us|the)\b|\bending (?:it|things) (?:with|between) (?:him|her|them|my|us)\b",
    ),
    (
        "idiom.last_day_at",
        None,
        r"\blast day (?:at|of|in) (?:work|school|the|my|uni|college|this)\b",
    ),
    (
        "idiom.took_meds_as_usual",
        None,
        r"\btook (?:all )?(?:of )?my (?:pills|meds|medication|tablets) (?:today |this morning |tonight |this evening )?(?:as usual|like normal|like usual|as normal|as prescribed|on time|for the day|with breakfast|this morning like)\b",
    ),
    (
        "idiom.cried_laughing",
        None,
        r"\b(?:cried|crying|cry) laughing\b|\btears of joy\b|\bhappy tears\b",
    ),
    (
        "idiom.kill_me_now",
        Some("distress"),
        r"\b(?:kill|shoot) me now\b",
    ),
    (
        "idiom.rather_die_than",
        None,
        r"\b(?:rather|sooner) (?:die|be dead) than (?:wear|wearing|eat|eating|go to|going to|sit through|watch|watching|sing|singing|dance|dancing|listen|listening|work|working|ask|asking|call|calling|admit|admitting|lose|losing|be seen|do that|do this|doing|talk to|speak to|date|dating|kiss|live in|move|pay|miss|have to|give up my|share|cook|clean|apologi[sz]e|vote|drive|fly|run)\b",
    ),
    (
        "idiom.embarrassed_die",
        None,
        r"\b(?:embarrassed|embarrassing|mortified|cringe|cringed|cringing|cringey)\b(?: \S+){0,4} (?:want to die|wanted to die|could die|could have died|wish i was dead|wanted the ground to swallow me)\b",
    ),
    (
        "idiom.hungry_dying",
        None,
        r"\b(?:hungry|starving|thirsty|bored|hot|cold|tired|sleepy|exhausted|full|laughing)\b(?: \S+){0,3} i am dying\b|\bi am dying (?:of|from|for|to|here|over here|inside)\b|\bhang myself a\b",
    ),
    (
        "idiom.choking_back",
        None,
        r"\b(?:choking|choked|choke) back\b|\b(?:stabbed|stab|stabbing) (?:me |him |her |us |them )?in the back\b|\b(?:hit|hits|hitting|threw|throws) me with (?:a |the |his |her )?(?:pillow|ball|toy|snowball|water balloon|cushion|sock|paper|nerf)\b",
    ),
    (
        "idiom.philosophical_death",
        None,
        r"\b(?:think|thinking|thought) about (?:death|dying|mortality)\b(?: \S+){0,5} (?:philosophical|philosophically|philosophy|existential|in general|as a concept|abstract)\b",
    ),
    (
        "idiom.could_sleep_forever",
        None,
        r"(?:^|\b(?:tired|exhausted|knackered|shattered|sleepy|wiped out|drained|so|honestly|and|but|that|think|like|swear|literally) |, )(?:i |you |we )?(?:honestly |literally |actually |probably |just )?could sleep (?:forever|for days|for a week|for a year|for a month)\b",
    ),
    (
        "idiom.shoot_text",
        None,
        r"\b(?:shoot|shooting|shot) (?:him|her|them|me|you|my \w+) (?:a|an) (?:text|message|email|note|line|dm|quick)\b|\b(?:hit|hits|hitting) (?:him|her|them|me|you|us|my \w+) up\b|\b(?:hit|hitting) (?:him|her|them) with (?:a|the) (?:question|news|bill|truth)\b",
    ),
    (
        "idiom.overdosed_on_fun",
        None,
        r"\b(?:overdosed|overdose|overdosing|od) on (?:netflix|tv|sugar|chocolate|candy|cake|youtube|social media|work|junk food|memes|christmas|cheese|pizza|sweets|carbs|reality tv|true crime)\b",
    ),
    (
        "idiom.breathe_heat",
        None,
        r"\bcan not breathe (?:in|with) this (?:heat|humidity|weather|mask|cold)\b|\bcan not breathe through my nose\b|\bstuffy nose\b",
    ),
    (
        "idiom.killing_me",
        None,
        r"\b(?:is|are|was|were|it is|this is) killing me\b",
    ),
    // Someone else's safety talked about, not the speaker's ("women can not have fun if they
    // do not feel safe").
    (
        "other.feel_safe",
        None,
        r"\b(?:they|women|men|people|kids|children|customers|guests|everyone|everybody|nobody|employees|staff|students|residents|patients|voters|families|citizens|he|she) (?:do not|does not|did not|can not|will not|would not|never) feel safe\b",
    ),
    // A question put to the person in front of the speaker ("are you threatening me?"), not a
    // report of a threat ("he is threatening me" still counts).
    (
        "other.are_you_threatening",
        None,
        r"\bare you (?:\S+ ){0,2}threatening (?:me|us)\b",
    ),
    // A threat to call the police on someone, or talk about who calls whom ("get off my property
    // before i call the police", "you call an ambulance, i call the cops").
    (
        "idiom.call_the_police_threat",
        None,
        r"\b(?:before|or|or else|unless|till|until) (?:i|we) (?:will |am going to |gonna )?(?:call|ring|phone|get) (?:the )?(?:police|cops)\b|\bambulances are\b|\byou call an ambulance\b(?: \S+){0,2} i call\b",
    ),
    // A heart attack as a figure of speech or a general fact, not one happening now ("you look
    // like you are going to have a heart attack", "can you fake a heart attack", "died quietly
    // from a heart attack", "you may suffer a heart attack if you exercise too much"). "I think
    // I am having a heart attack" is untouched.
    (
        "idiom.heart_attack_talk",
        None,
        r"\b(?:look|looks|looked|looking) like (?:you|he|she|they) (?:are|is) (?:going to|gonna|about to) have a heart attack\b|\b(?:fake|faking|pretend to have|pretending to have|pretended to have) (?:a )?(?:\w+ )?(?:or )?(?:a )?heart attack\b|\b(?:died|dies|die) (?:\w+ )?(?:of|from) (?:a )?heart attacks?\b|\b(?:may|can|could|will) (?:suffer|cause|lead to|trigger|bring on) (?:a )?heart attacks?\b(?: if)?",
    ),
    // Being saved, not attacked ("he pushed me out of the way of the bus").
    (
        "idiom.out_of_the_way_of",
        None,
        r"\b(?:pushed|pulled|yanked|dragged|shoved) (?:me|us) out of the way of\b",
    ),
    // Ideas, not bodies ("they poisoned my mind against you").
    (
        "idiom.poisoned_mind",
        None,
        r"\b(?:poisoned|poisoning|poisons|poison) (?:my|his|her|their|your|our|the) (?:mind|minds|thoughts|heart|soul|opinion|view|well|relationship|friendship|marriage|atmosphere|office|team)\b",
    ),
    // Tricking someone, not hurting them ("throw everyone off the scent").
    (
        "idiom.off_the_scent",
        None,
        r"\b(?:throw|throwing|threw) (?:\w+ ){0,2}off (?:the )?(?:scent|trail|track)\b",
    ),
    // Sayings about suicide as a topic ("suicide is never the answer").
    (
        "idiom.suicide_saying",
        None,
        r"\bsuicide is (?:never|not) (?:the|an) (?:answer|solution|option|way)\b|\b(?:nobody|no one) (?:commits suicide|kills (?:himself|herself|themselves)) (?:because|over|for)\b",
    ),
    // Cuteness and deliciousness overload ("she is so cute i want to die").
    (
        "idiom.cute_want_to_die",
        None,
        r"\b(?:cute|cutest|adorable|delicious|yummy|tasty|gorgeous|hilarious)(?: ,)? i (?:want to|could|am going to|will) die\b",
    ),
    // A loss by suicide: grief, not a current risk (other words in the utterance still count).
    (
        "grief.suicide_loss",
        Some("grief"),
        r"\b(?:killed|hanged|hung|shot) (?:himself|herself|themselves|themself)\b(?: (?:last|years|a|when|in|two|three|before|after|ago))?|\b(?:died by|died of|committed|lost (?:him|her|them|my \w+) to) suicide\b|\btook (?:his|her|their) (?:own )?life\b",
    ),
];

/// Method and lethality requests: never guarded.
const METHOD: &[Row] = &[
    (
        "method.lethal_dose",
        "method_request",
        C,
        0,
        r"\b(?:lethal|fatal|deadly|toxic|killing|overdose) (?:dose|doses|dosage|amount|amounts|quantity|level|limit|threshold)\b",
    ),
    (
        "method.how_many_to_die",
        "method_request",
        C,
        0,
        r"\bhow (?:many|much) (?:of )?(?:my |the |these |those |your |her |his )?(?:\w+ )?(?:{DRUG})\b.*\b(?:would it take|does it take|will it take|it takes(?: ,|$)|it would take(?: ,|$)|it will take(?: ,|$)|do you need|would you need|would i need|do i need|would someone need|to (?:die|kill|od|overdose|not wake up|be fatal|be lethal|stop)|is (?:lethal|fatal|deadly|too much|an overdose|dangerous|enough)|would (?:kill|be fatal|be lethal|be deadly|be an overdose|be too many|be too much|be enough)|are (?:lethal|fatal|deadly|too many|an overdose|enough)|is too many|can kill|could kill|will kill|put (?:me|you|someone|a person) to sleep forever|make (?:me|you|someone) (?:die|not wake up|never wake up|sleep forever)|never wake up|not wake up|be enough to die)\b",
    ),
    (
        "method.how_many_take",
        "method_request",
        C,
        0,
        r"\bhow many (?:\w+ ){0,3}(?:would|does|will) it take (?:to )?(?:die|kill (?:me|you|someone|a person|myself|yourself)|od|overdose|end it|not wake up|be fatal)\b|\bhow many (?:\w+ ){0,2}(?:{DRUG}) (?:would|does|will) it take\b|\bhow many (?:\w+ ){0,3}(?:would|does|will) it take\b.*\b(?:{DRUG})\b",
    ),
    (
        "method.how_to",
        "method_request",
        C,
        0,
        r"\bhow (?:to|(?:do|does|did|can|could|would|should|might|will) (?:i|you|one|someone|somebody|people|a person|they|he|she|a character|my character|the character|the killer|a \w+|my \w+|the \w+|someone s \w+)) (?:quickly |painlessly |easily |quietly |successfully |actually |best )?(?:die|kill (?:myself|yourself|oneself|someone|a person|themselves|himself|herself|me|people|him|her|my \w+|their \w+|his \w+|her \w+)|end (?:my|your|one s|their|a|his|her|someone s) (?:own )?life|commit suicide|hang (?:myself|yourself|oneself|someone|themselves|himself|herself)|shoot (?:myself|yourself|oneself|themselves|himself|herself)|overdose|od|slit (?:my |your |someone s |their )?wrists?|poison (?:someone|a person|myself|yourself|him|her|them|(?:my|their|his|her|your|a) \w+)|suffocate|drown (?:myself|yourself|someone|themselves)|make it look like an accident|bleed out|stop (?:my|your|someone s|a) heart|not wake up|disappear (?:forever|for good)|get away with (?:murder|killing)|tie a noose|make a noose|get a gun without)\b",
    ),
    (
        "method.best_way",
        "method_request",
        C,
        0,
        r"\b(?:best|easiest|quickest|fastest|simplest|surest|most effective|most reliable|painless|painlessly|least painful|cleanest|peaceful|peacefully|quiet|quietest|quickest|sure|certain|good|effective|reliable|foolproof) (?:way|ways|method|methods|means) (?:for (?:\w+ ){1,3})?(?:to|of) (?:die|dying|bleed out|bleed to death|drown|suffocate|kill (?:myself|yourself|oneself|someone|a person|me|themselves|people|him|her|himself|herself)|killing (?:myself|yourself|oneself|someone|a person|themselves|himself|herself)|end (?:it|my life|your life|one s life|a life|things|it all)|ending (?:it|my life|it all)|commit suicide|committing suicide|suicide|overdose|overdosing|od|hang|hanging|not wake up|go)\b",
    ),
    (
        "method.ways_to",
        "method_request",
        C,
        0,
        r"\b(?:ways|methods|method) (?:to|of) (?:die|dying|kill (?:myself|yourself|oneself|someone|themselves)|killing (?:myself|yourself|oneself|someone|themselves)|end (?:it|my life|your life|it all)|commit suicide|committing suicide|suicide|overdose|overdosing|od)\b",
    ),
    (
        "method.how_long",
        "method_request",
        C,
        0,
        r"\bhow (?:long|quickly|fast) (?:does|would|will|can|did) (?:it take|you|someone|a person|one|i) (?:to )?(?:die|bleed out|bleed to death|suffocate|drown|lose consciousness|pass out and die|be dead|stop breathing)\b",
    ),
    (
        "method.where_cut",
        "method_request",
        C,
        0,
        r"\b(?:how|where|which way) (?:deep|far|hard) (?:to|do i|should i|would i|do you|would you|does one) cut\b|\bwhere (?:to|should i|do i|would i|do you) cut (?:my |your |the )?(?:wrist|wrists|vein|veins|artery|arteries|arm|arms|throat|neck)\b|\bwhich (?:vein|veins|artery|arteries|way) to cut\b",
    ),
    (
        "method.how_high",
        "method_request",
        C,
        0,
        r"\bhow (?:high|tall|far|many floors|many stories|many storeys) (?:\w+ ){0,6}(?:to (?:die|kill|be fatal|not survive|be sure)|would (?:kill|be fatal)|to survive|need to (?:jump|fall) (?:from|off)?)\b",
    ),
    (
        "method.which_kills",
        "method_request",
        C,
        0,
        r"\b(?:which|what) (?:pills|drugs|medications|medication|medicines|medicine|poisons|poison|chemicals|household chemicals|household products|plants|mushrooms|substances|combination|mix|\w+) (?:\w+ ){0,3}(?:would|will|could|can|are|is) (?:kill|be lethal|be fatal|be deadly|lethal|fatal|deadly|make (?:me|you|someone) (?:not wake up|die)|overdose)\b",
    ),
    (
        "method.can_die_from",
        "method_request",
        C,
        0,
        r"\bcan (?:you|i|someone|a person|people|one) (?:die|overdose|od) (?:from|of|on|by|if)\b.*\b(?:{DRUG}|{POISON}|jumping|hanging|cutting|bleeding|drowning|carbon monoxide|exhaust|fumes|gas)\b|\bcan (?:you|i|someone|a person|people|one) (?:overdose|od) on\b",
    ),
    (
        "method.enough_to_die",
        "method_request",
        C,
        0,
        r"\benough (?:\w+ ){0,3}to (?:kill (?:me|you|someone|a person|myself|yourself|a man|a woman)|die|overdose|od|end it|not wake up|be fatal|be lethal|stop (?:my|your|a) heart)\b|\bis (?:it|that|this|\w+(?: \w+)?) (?:lethal|fatal|deadly)\b|\bwould (?:\w+ ){1,7}(?:kill me|kill you|kill a person|kill someone|be fatal|be lethal)\b",
    ),
    (
        "method.painful",
        "method_request",
        C,
        0,
        r"\b(?:is it|would it be|does it|is dying|would dying) (?:painful|hurt|quick|peaceful|painless) (?:to )?(?:die|overdose|od|hang|drown|bleed out|from|by)\b|\b(?:does|would|is|will) (?:dying|an overdose|overdosing|hanging|drowning|bleeding out|jumping|suicide|slitting (?:your|my) wrists) (?:hurt|painful|quick|peaceful|painless)\b|\bis (?:\w+ ){1,3}(?:a )?(?:painless|peaceful|quick|quiet|easy) (?:death|way to die|way to go)\b|\bwhat (?:happens|would happen|will happen) (?:if|when) (?:you|i|someone|a person|one) (?:take|takes|swallow|swallows|drink|drinks|overdose|overdoses|od) (?:{MANY}|(?:\w+ ){0,2}(?:{POISON}))\b|\bwhere (?:is|are) the (?:main )?(?:artery|arteries|vein|veins) in (?:the|my|your|a) (?:wrist|wrists|arm|neck|thigh|leg)\b|\b(?:best|strongest|right) knot for hanging\b|\bhanging knot\b",
    ),
    (
        "method.undetectable",
        "method_request",
        C,
        0,
        r"\b(?:undetectable|untraceable|traceless) (?:poison|poisons|way|method|drug|drugs|murder)\b|\b(?:poison|poisons|drug|drugs) (?:is|are|that is|that are|that would be|would be) (?:undetectable|untraceable|hard to detect|not detected)\b",
    ),
    (
        "method.overdose_on",
        "method_request",
        C,
        0,
        r"\b(?:strongest|best|quickest|easiest|most dangerous|deadliest|surest) (?:\w+ ){0,3}(?:to |i could |you could |i can |you can |someone could )?(?:overdose|od) (?:on|with)\b|\b(?:what|which) (?:\w+ ){0,4}(?:overdose|od) on\b|\bwhat (?:\w+ ){0,3}(?:to|could i|can i|should i) (?:overdose|od) (?:on|with)\b",
    ),
    (
        "method.dangerous_overdose",
        "method_request",
        C,
        0,
        r"\b(?:most|more|least) (?:dangerous|deadly|lethal|toxic|fatal) (?:in (?:an )?overdose|to overdose|if you overdose|pills|medications|medication|drugs|way|method|poison)\b|\bmake (?:my|it|his|her|their|the) (?:death |suicide |murder )?look like an accident\b|\b(?:does|would|is|will) (?:dying|an overdose|overdosing|hanging|drowning|bleeding out|jumping|suicide|slitting (?:your|my) wrists|falling|being hit by a train)(?: \w+){0,5} (?:hurt|painful|quick|peaceful|painless|instant|fatal|lethal|deadly)\b|\b(?:end (?:her|his|their|my) (?:own )?life|kill (?:herself|himself|themselves|myself)|die|suicide|overdose)\b.*\b(?:what|which|how many|how much) (?:\w+ ){0,2}(?:pills|drugs|meds|poison|method|way) (?:would|will|could|should|do|does) (?:work|do it|be best|be quickest|be fastest|be enough|be most effective|kill)\b",
    ),
    (
        "method.compare",
        "method_request",
        C,
        0,
        r"\b(?:hanging|pills|overdose|overdosing|jumping|drowning|cutting|bleeding out|a gun|shooting|suffocation|carbon monoxide|poison)\b.{0,40}\b(?:or|vs|versus)\b.{0,40}\b(?:hanging|pills|overdose|overdosing|jumping|drowning|cutting|bleeding out|a gun|shooting|suffocation|carbon monoxide|poison)\b",
    ),
    (
        "method.dose_that_kills",
        "method_request",
        C,
        0,
        r"\b(?:dose|doses|amount|quantity|how much|how many|number of)\b.*\b(?:would|will|could|to|that|can|it takes to) (?:kill|be fatal|be lethal|end (?:it|my life|a life)|stop (?:my|your|a|someone s) heart)\b",
    ),
    (
        "method.make_sure",
        "method_request",
        C,
        0,
        r"\bmake sure (?:you|i|someone|they|he|she|it) (?:do not|does not|will not|never|would not) (?:survive|wake up|get found|get saved|come back|fail)\b",
    ),
    (
        "method.bleed_out",
        "method_request",
        C,
        0,
        r"\bcut (?:\w+ ){0,2}to (?:bleed out|bleed to death|die)\b|\b(?:how|where|fastest|quickest|best|long|easiest)\b.*\b(?:bleed out|bleed to death)\b",
    ),
    (
        "method.overdose_question",
        "method_request",
        C,
        0,
        r"\bhow (?:many|much)\b.*\b(?:overdose|od|lethal|fatal|deadly)\b|\b(?:overdose|way to die|death|suicide|method|poison|pill)\b (?:is|would be|are) (?:the )?(?:most |least )?(?:painless|peaceful|quick|quickest|easiest|gentle|painful|reliable)\b",
    ),
    (
        "method.is_there_a_way",
        "method_request",
        C,
        0,
        r"\b(?:is there|what is|are there|do you know) (?:a |any |some |an )?(?:easy |quick |painless |good |simple )?(?:way|ways|method|methods) (?:to|of|for) (?:die|dying|kill|end|not wake up|stop (?:my|your) heart)\b",
    ),
    (
        "method.most_effective",
        "method_request",
        C,
        0,
        r"\b(?:most|more|least) (?:effective|reliable|painless|lethal|deadly|successful|certain) (?:overdose|way|method|pills|drug|poison|suicide)\b",
    ),
    (
        "method.toxic_gas",
        "method_request",
        C,
        0,
        r"\b(?:make|making|mix|mixing|create|creating) (?:a )?(?:toxic|poisonous|deadly|lethal) (?:gas|fumes|mix|mixture|combination|cocktail)\b",
    ),
    (
        "method.noose",
        "method_request",
        C,
        0,
        r"\b(?:tie|make|tying|making) a noose\b|\bnoose knot\b",
    ),
    (
        "method.get_gun_to",
        "method_request",
        C,
        0,
        r"\b(?:buy|get) (?:a gun|a rope|pills|a lot of pills|sleeping pills|poison) (?:to|so i can|so i could|for) (?:kill|end|die|shoot|hang)\b",
    ),
    (
        "method.research_topic",
        "method_request",
        C,
        MEDIA | SELF,
        r"\b(?:research|researching|researched|googling|googled|looking up|looked up|searching|searched|reading up on|read up on|looking into|looked into|watching videos about|watched videos about) (?:about |on |for |into )?(?:(?:overdoses|overdosing|overdose|suicide|hanging)(?: ,|$| again| last night| online| on my phone| tonight| all night| for hours| every night| and\b| because\b| when\b| at night)|suicide methods|lethal doses|ways to die|ways of dying|how to hang|hanging myself|nooses|how people (?:die|kill themselves|end it)|painless deaths?)",
    ),
    (
        "method.research",
        "method_request",
        C,
        SELF,
        r"\b(?:looked|looking|look|searched|searching|search|googled|googling|google|researched|researching|read up|reading up|watched videos) (?:up )?(?:on |about )?(?:ways|how|methods|the best way|the easiest way|a way) to (?:die|kill myself|overdose|od|end (?:it|my life)|commit suicide|hang myself|end it all|kill yourself)\b",
    ),
];

/// Emergencies: danger to life now.
const EMERGENCY: &[Row] = &[
    // Overdose and poisoning (anyone, including third parties).
    (
        "emergency.overdose_taken",
        "overdose",
        E,
        NEG | PASTDOWN | HIST | MEDIA_3P,
        r"\b(?:took|taken|swallowed|downed|ate|have eaten|had|overdosed on|od on|chugged|drank|necked|popped|injected|snorted|smoked|shot up|used|did|after taking|after swallowing|i am taking|i am swallowing|since taking) (?:about |around |like |maybe |nearly |almost |over |more than |at least |roughly |probably )?(?:{MANY}) (?:of )?(?:\w+ ){0,3}(?:{DRUG})\b",
    ),
    (
        "emergency.at_once",
        "overdose",
        E,
        NEG | PASTDOWN | HIST,
        r"\b(?:took|taken|swallowed|downed|had|ate|popped) (?:\w+ ){0,4}(?:{DRUG}|bottle|packet|box|strip|supply|stash) (?:all )?at once\b|\b(?:kid|kids|child|children|son|daughter|baby|toddler|brother|sister|dog|puppy|grandson|granddaughter|grandchild|girl|boy|little one|nephew|niece|twins) (?:\w+ )?(?:(?:swallowed|ate|drank|got into|has eaten|has swallowed|chewed) (?:some |a |my |the |her |his |a lot of |all )?(?:\w+ ){0,3}|took (?:some of |a lot of |all of |a bunch of |a handful of |loads of |a whole |some |my |all )(?:\w+ ){0,3})(?:{DRUG}|{POISON})\b",
    ),
    (
        "emergency.overdosed",
        "overdose",
        E,
        NEG | PASTDOWN | HIST | MEDIA_3P,
        r"\b(?:overdosed|have overdosed|has overdosed|took an overdose|taken an overdose|had an overdose|i od|i odd|he od|she od|having an overdose|is overdosing|am overdosing)\b",
    ),
    (
        "emergency.poison_swallowed",
        "poisoning",
        E,
        NEG | PASTDOWN | HIST,
        r"\b(?:drank|drunk|drinking|swallowed|swallowing|ate|eaten|ingested|took|had|drink|chugged) (?:\w+ ){0,4}(?:{POISON})\b",
    ),
    (
        "emergency.poisoned",
        "poisoning",
        E,
        NEG | PASTDOWN | MEDIA_3P,
        r"\b(?:been poisoned|poisoned (?:myself|me|him|her|them|us)|(?:i am|he is|she is|they are|we are) poisoned|poisoning (?:myself|me)|carbon monoxide)\b",
    ),
    // Self-injury that will not stop, attempts under way.
    (
        "emergency.bleeding",
        "severe_bleeding",
        E,
        NEG | PASTDOWN | MEDIA,
        r"\b(?:bleeding|blood|the cut|the cuts|the wound)\b.*\b(?:will not|can not|does not|is not|wont|not) (?:stop|stopping)\b|\bcut (?:too |so |really )?deep\b|\b(?:lost|losing) (?:a lot of|so much|too much|lots of) blood\b|\bbleeding (?:a lot|badly|bad|heavily|everywhere|out|so much|much|profusely|loads|non stop|nonstop|like crazy)\b|\bblood (?:everywhere|all over|is pouring|pouring|gushing|spurting)\b|\bcan not stop the bleeding\b|\bbleeding to death\b|\b(?:pouring|gushing|spurting) blood\b|\b(?:a lot of|lots of|so much|too much|loads of|a pool of) blood\b|\bblood (?:pouring|gushing|spurting)\b|\b(?:will not|can not|does not|is not|not) stop (?:the )?bleeding\b|\b(?:been|got|was|have been|i am|he is|she is|he was|she was|just got|has been) (?:stabbed|shot)\b",
    ),
    (
        "emergency.wrists",
        "severe_bleeding",
        E,
        NEG | PASTDOWN | HIST,
        r"\b(?:slit|slashed|slit open|cut open) (?:his|her|their|my) (?:wrists|wrist|throat)\b",
    ),
    (
        "emergency.carbon_monoxide",
        "suicide_attempt",
        E,
        NEG | PASTDOWN,
        r"\b(?:car|engine) (?:is )?(?:running|on) in the (?:closed |shut )?garage\b|\bgarage\b.*\b(?:car|engine) (?:is )?running\b|\b(?:lit|burning) (?:the )?charcoal (?:in|inside)\b|\bgas (?:is )?(?:on|turned on|leaking) and\b",
    ),
    (
        "emergency.ambulance",
        "medical_emergency",
        E,
        NEG,
        r"\b(?:call|need|get|send|calling) (?:an |the |me an )?(?:ambulance|paramedics|police|cops|nine one one|nine nine nine|triple zero|911|999|000|112)\b",
    ),
    (
        "emergency.wrists_first_person",
        "severe_bleeding",
        E,
        NEG | PASTDOWN | HIST,
        r"\b(?:have|just|i|i have|i have just) (?:cut|slit|slashed|sliced) (?:open )?my (?:wrists|wrist|throat)\b",
    ),
    (
        "emergency.about_to",
        "suicide_attempt",
        E,
        NEG,
        r"\babout to (?:jump|step off|do it|end it|kill myself|end my life|take (?:them|the pills|it all|all of them|my life|(?:{MANY}) (?:of )?(?:\w+ ){0,3}(?:{DRUG}|bottle|packet|box|strip|lot|supply|stash))|swallow (?:them|the pills|(?:{MANY}) (?:of )?(?:my |the |these )?(?:\w+ )?(?:{DRUG}))|pull the trigger|hang myself|cut|overdose|swallow|drink|drive off|drive into|crash (?:my|the) car|step in front|throw myself|let go)\b",
    ),
    (
        "emergency.location_jump",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:on|at|standing on|up on|sitting on|on top of|on the edge of|at the edge of) (?:the |a |this |my )?(?:\w+ ){0,4}(?:roof|rooftop|bridge|ledge|edge|cliff|cliff edge|balcony|railing|tracks|railway|train tracks|railway tracks|platform edge|platform|train platform|station|overpass|motorway bridge|pier|river bank|riverbank|dam|car park|multi storey|multi story|parking garage|parking structure|tower block|top of (?:the|a) (?:building|car park|parking garage|tower|stairs))\b.*\b(?:jump|jumping|step off|let go|end it|do it|kill myself|die|(?:about to|going to|want to|gonna|ready to) (?:jump|step|let go|end|do it|fall|throw|kill|die|go over|climb|go through with|finish)|falling|climbing over|climb over|over the railing|over the edge|going over)\b|\b(?:jump|jumping|step off) .*\b(?:i am|i m) (?:on|at|standing on) (?:the |a )?(?:roof|bridge|ledge|edge|cliff|balcony|tracks)\b",
    ),
    (
        "emergency.at_rail_train_due",
        "suicide_attempt",
        E,
        NEG | BENIGN,
        r"\bi am (?:on|at|standing on|sitting on|lying on|by|near) (?:the |a )?(?:railway |train |rail |motorway )?(?:bridge|tracks|line|rails|overpass|level crossing|crossing)\b.*\b(?:next train|train is (?:coming|due|nearly here)|train comes|trains? (?:in|due in) (?:\w+ ){0,2}minutes?|lorries|traffic below)\b",
    ),
    (
        "emergency.means_ready",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:rope|noose|gun|pistol|rifle|shotgun)s? (?:is |are )?(?:ready|loaded|tied|set up|up|around my neck|pointed at me|in my mouth|to my head|cocked)\b|\b(?:have|got|put|holding|hold) (?:the |a |my )?(?:rope|noose|gun|pistol|rifle|shotgun) (?:ready|loaded|tied|set up|around my neck|to my head|in my mouth|in my hand|in my hands|right now|now)\b|\bgun (?:to|against) my head\b|\bnoose around my neck\b|\bpills (?:are )?in my (?:hand|hands|mouth)\b",
    ),
    (
        "emergency.weapon_on_body",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:knife|blade|razor|gun|pistol|rifle)s? (?:is |are )?(?:pressed |held |pushed |pressing |resting |digging |right |up )?(?:to|against|on|at|in|into) my (?:wrist|wrists|throat|neck|head|arm|chest|temple|mouth)\b",
    ),
    (
        "emergency.hands_on_neck",
        "violence_now",
        E,
        NEG,
        r"\bhands? (?:around|round|on) my (?:neck|throat)\b",
    ),
    (
        "emergency.pills_laid_out",
        "imminent_plan",
        E,
        NEG | MEDADMIN,
        r"\b(?:got|have|put|poured|laid|lined|tipped|counted|set|spread|emptied) (?:out )?(?:all )?(?:of )?(?:the |my |all the |all my |every one of my )?(?:\w+ )?(?:pills|tablets|meds|capsules|painkillers|sleeping pills|{DRUG}) (?:all )?(?:out|ready|up|lined up|counted out|laid out|in front of me|in my hand|on the (?:table|bed|floor|counter|desk|side))\b|\b(?:pills|tablets|meds|capsules|painkillers|sleeping pills) (?:are |is )?(?:all )?(?:lined up|laid out|counted out|set out|poured out|ready) (?:in front of me|on the (?:table|bed|floor|counter|desk)|next to me|beside me)\b|\b(?:pills|tablets)\b.*\bi am (?:taking|swallowing) them(?: ,|$| now| all)",
    ),
    (
        "emergency.near_attempt_now",
        "suicide_attempt",
        E,
        NEG | MEDIA_3P,
        r"\b(?:nearly|almost|so close to|came close to|was about to) (?:did|do|doing|done|went through with|go through with) it\b(?: \S+){0,12} (?:knife|blade|razor|rope|noose|gun|pills|tablets|bridge|edge|ledge|tracks|belt|cord|just now|a minute ago|minutes ago|an hour ago|right now|tonight|moments ago)\b|\b(?:knife|blade|razor|rope|noose|gun|pills|tablets)\b(?: \S+){0,10} (?:nearly|almost) (?:did|done|went through with) it\b",
    ),
    (
        "emergency.farewell_now",
        "suicide_attempt",
        E,
        NEG | EVERYDAY | MEDIA_3P,
        r"\b(?:saying|say|this is|it is) (?:my )?(?:goodbye|goodbyes)\b(?: \S+){0,10} (?:will not be (?:back|here|around|alive)|not coming back|never see me again|never hear from me again|last time you will)(?: ,|$| tomorrow| again| anymore| any more| after tonight)|\bthank you for everything\b(?: \S+){0,8} (?:will not be (?:back|here|around|alive)|not coming back|never see me again|goodbye forever)(?: ,|$| tomorrow| again| anymore| any more| after tonight)",
    ),
    (
        "emergency.on_railing",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:standing|sitting|stood|sat|climbing|climbed|leaning) (?:on|onto|over|at) (?:the |a )?(?:\w+ ){0,2}(?:ledge|railing|railings|parapet|balcony|balcony railing|bridge barrier|safety barrier|barrier|(?:roof|cliff|bridge|building|platform|balcony) edge|edge of (?:the |a )?(?:roof|cliff|bridge|building|platform|balcony))\b|\b(?:{INTENT}|want to|gonna) (?:take|swallow|down|drink) (?:the |a |my )?(?:whole|entire|full) (?:bottle|box|packet|pack|strip|lot|supply)\b.*\b(?:{NOW_STRICT}|now)\b",
    ),
    (
        "emergency.means_and_intent",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:knife|blade|blades|razor|gun|pistol|rope|noose|pills|tablets|bottle|the pills|plastic bag|bag over my head|helium|charcoal|belt|cord|ligature)\b.*\b(?:going to do it|do it now|doing it now|about to|end it now|going to end it|do it tonight|doing it tonight|take them all|take them now|going to use it|(?:going to|about to|gonna|will) (?:swallow|take|use|drink) (?:them|it|these|those)(?: all)? (?:now|right now|tonight))\b|\b(?:do it|end it|doing it|take them) (?:tonight|now|right now)\b.*\b(?:knife|blade|razor|gun|pistol|rope|noose|pills|tablets)\b",
    ),
    (
        "emergency.in_progress",
        "suicide_attempt",
        E,
        NEG,
        r"\bi am (?:taking|swallowing|downing) (?:the|all the|all of the|them|these|those) (?:pills|tablets|meds)?(?: ?(?:now|right now|all|as we speak))\b|\b(?:loading|cocking) (?:the|my|a) (?:gun|pistol|rifle|shotgun)\b|\b(?:tying|tied|put|putting|hung|hanging) (?:the |a |my )?(?:rope|noose|belt|cord) (?:around my neck|to the|from the|up)\b|\bi (?:have )?(?:just )?jumped\b.*\b(?:hurt|bleeding|broken|can not move|pain|help)\b|\b(?:hurt|injured) (?:really |very )?(?:bad|badly|seriously)\b|\b(?:cut|sliced|slashed) (?:my|his|her) (?:arm|wrist|leg|thigh|throat) open\b",
    ),
    (
        "emergency.rope",
        "suicide_attempt",
        E,
        NEG | PASTDOWN,
        r"\b(?:tied|tying|made|making|hung|hanging up) (?:the |a |my )?noose\b|\b(?:put|putting|slipping|slipped|got) (?:the |a |my )?noose (?:on|around)\b|\bhose\b.*\bexhaust\b|\bexhaust\b.*\bhose\b|\brope\b.*\b(?:chair|stool|beam|banister|ceiling|neck|door frame|loft hatch)\b",
    ),
    (
        "emergency.violence_other_now",
        "violence_now",
        E,
        NEG,
        r"\b(?:is|are) (?:killing|stabbing|strangling|choking|beating|attacking|raping|shooting|punching|hitting|battering|smothering|throttling|beating up) (?:her|him|them|my (?:\w+ )?(?:{REL}|nan|gran|granny|grandad)|someone|somebody|a woman|a man|a child|the kids|the baby)\b|\b(?:is|has) got (?:my \w+|her|him|them) (?:against|up against|pinned|by the (?:throat|neck|hair))\b",
    ),
    (
        "emergency.third_party_took_unreachable",
        "overdose",
        E,
        NEG | PASTDOWN | HIST,
        r"\b(?:she|he|they|my \w+(?: \w+)?) (?:has |have |had )?(?:took|taken|swallowed|downed|necked) (?:\w+ ){0,3}(?:{DRUG}|{POISON})\b.*\b(?:will not|is not|are not|not|can not|does not|do not|won t) (?:answer|answering|pick up|picking up|respond|responding|reply|replying|wake up|waking up|open the door|opening the door)\b",
    ),
    (
        "emergency.alcohol_and_pills",
        "overdose",
        E,
        NEG | PASTDOWN,
        r"\b(?:drank|drunk|drinking|had|downed)\b.*\b(?:bottle|lot|loads|tons)\b.*\b(?:took|taken|swallowed|popped)\b.*\b(?:{DRUG})\b|\b(?:took|taken|swallowed|downed|drank|necked|had|chugged) (?:a |the |half a |most of a |a whole )?(?:bottle|lot|litre|liter|pint|pints|cans|glass|glasses|load) of (?:\w+ ){0,2}and (?:then )?(?:about |around |like |maybe |nearly |almost |over |more than |at least )?(?:{MANY}) (?:of )?(?:\w+ ){0,3}(?:{DRUG})\b|\b(?:took|taken|swallowed|popped) (?:\w+ ){0,3}(?:{DRUG}) with (?:a (?:whole )?bottle of |lots of |a lot of )?(?:vodka|wine|whiskey|alcohol|booze|gin|rum|beer)\b",
    ),
    (
        "emergency.too_late",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:already|just) (?:took|taken|swallowed|downed|drank|done it|did it) (?:the|them|it|all)?\b.*\btoo late\b|\btoo late\b.*\b(?:already|just) (?:took|taken|swallowed|downed|drank|did it|done it)\b",
    ),
    (
        "emergency.dead_by",
        "imminent_plan",
        E,
        NEG,
        r"\b(?:will|going to|gonna) be (?:dead|gone) (?:by|before|in|tonight|tomorrow)\b",
    ),
    (
        "emergency.swallowed_them_all",
        "overdose",
        E,
        NEG,
        r"\b(?:already|just) (?:swallowed|took|taken|downed|drank|had) (?:them all|all of them|the lot|every one|every single one|all of it|the whole lot|the rest)\b",
    ),
    (
        "emergency.partner_hitting",
        "domestic_abuse",
        E,
        NEG,
        r"\b(?:{REL_ADULT})s? (?:is |are )?(?:hitting|beating|choking|strangling|attacking|stabbing|kicking|punching|hurting|raping) (?:me|us|my \w+)\b",
    ),
    (
        "emergency.drowning_hit",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDIA_3P,
        r"\b(?:i am|he is|she is|they are|someone is|my \w+ is) drowning(?: ,|$| and| help)|\bin the water\b.*\b(?:going under|drowning|can not swim|sinking)\b|\bi am on the (?:railway |train )?tracks\b|\bturned (?:on )?the gas(?: on)?(?: ,|$| and i| in)|\b(?:{PSUBJ}) (?:has |have |had |just |has just |have just )?(?:been|got|was|were|just got|just been|have been|am) (?:hit|run over|knocked down|knocked over) by (?:a|the) (?:car|bus|truck|lorry|train|van|motorbike|taxi|tram)\b|\bpills\b.*\b(?:kicking in|taking effect)\b.*\b(?:goodbye|goodbyes|sorry)\b|\b(?:goodbye|goodbyes|sorry)\b.*\bpills\b.*\b(?:kicking in|taking effect)\b|\b(?:is|are) (?:dragging|pinning|holding) me (?:by|down|against)\b",
    ),
    (
        "emergency.overdose_more",
        "overdose",
        E,
        NEG | PASTDOWN | HIST | MEDIA_3P,
        r"\b(?:took|taken|had|done|did|taking|having) (?:a |an )?(?:\w+ )?overdose\b|\b(?:took|taken|swallowed|had) (?:\w+ ){0,4}(?:{DRUG}|dose|doses)\b(?: \w+){0,3} on purpose\b|\b(?:{INTENT}|gonna|going to) (?:swallow|take|down) (?:these|those|the|all these|all the|all my|all of my|all of these|all of the) (?:\w+ )?(?:{DRUG})\b.*\b(?:{NOW_STRICT}|now)\b",
    ),
    (
        "emergency.more_attempts",
        "suicide_attempt",
        E,
        NEG | PASTDOWN | HIST | MEDIA_3P,
        r"\b(?:swallowed|drank|drunk|ate|took) (?:something|stuff|some stuff|whatever|some of the stuff|the stuff) (?:from )?(?:under the sink|in the cupboard|from the garage|from the shed|in the shed|in the garage|for cleaning|used for cleaning)\b|\bjumped (?:from|off|out of) (?:the |a |my )?(?:\w+ )?(?:floor|window|building|bridge|roof|balcony|car park|overpass)\b|\bi (?:have )?(?:just )?jumped\b.*\bcan not (?:feel|move)\b",
    ),
    (
        "emergency.hanging_found",
        "suicide_attempt",
        E,
        NEG,
        r"\b(?:he|she|they|my (?:{REL})|someone|somebody) (?:is |are )?hanging (?:in|from|off|by)\b|\bfound (?:him|her|them|my \w+) hanging\b|\b(?:it is happening|happening) now\b.*\b(?:took|swallowed|cut|jumped|did it)\b",
    ),
    (
        "emergency.more_now",
        "suicide_attempt",
        E,
        NEG | HIST | PASTDOWN,
        r"\b(?:gun|rope|noose|pills|knife|razor|blade)\b.*\bi am ready\b|\b(?:slashed|slit|cut|sliced) (?:my|his|her|their) (?:arm|arms|wrist|wrists|leg|legs|throat|neck)\b.*\b(?:pouring|gushing|spurting|bleeding a lot|so much blood|lot of blood)\b|\b(?:tried|attempted|trying) (?:to )?(?:{SUICIDE_ACT}|end it|end my life)(?: now\b|\b.*\b(?:minutes ago|an hour ago|a minute ago|tonight|this evening|right now|moments ago)\b)|\b(?:passed out|fainted|collapsed)\b.*\b(?:not waking up|will not wake up|not responding|not breathing|can not wake)\b|\b(?:strangling|choking|smothering|suffocating|stabbing) me\b|\b(?:is|are|she is|he is) not waking up(?: ,|$| and)",
    ),
    (
        "emergency.pills_with_time",
        "imminent_plan",
        E,
        NEG | SELF | MEDADMIN | HIST | MEDIA_3P,
        r"\b(?:taking|take|swallow|swallowing|down|downing) (?:{MANY}) (?:of )?(?:my |the |them |these |those )?(?:\w+ )?(?:pills|tablets|meds|medication|{DRUG})?\b.*\b(?:{NOW_STRICT}|in (?:\w+ )?(?:minutes|mins|an hour|half an hour)|after (?:this|we finish|this call|the call|we are done|everyone)|when (?:everyone|the kids|they|the house|he|she) (?:is|are|goes|go) (?:asleep|to sleep|to bed|out)|once (?:everyone|the kids|they|he|she))\b|\b(?:note|notes|letter|letters)\b.*\b(?:then|and then|after that)\b.*\b(?:taking|take|swallow|swallowing) (?:the|my|all|them)\b",
    ),
    (
        "emergency.intent_now",
        "imminent_plan",
        E,
        NEG | SELF,
        r"\b(?:{INTENT}) (?:{SUICIDE_ACT})\b.*\b(?:{NOW_ANY})\b|\b(?:{NOW_ANY})\b.*\b(?:{INTENT}) (?:{SUICIDE_ACT})\b|\b(?:want to|need to|have to) (?:{SUICIDE_ACT})\b.*\b(?:{NOW_STRICT})\b|\b(?:{INTENT}) (?:end|ending) (?:it|everything|things)\b.*\b(?:{NOW_STRICT})\b|\b(?:{NOW_STRICT})\b.*\b(?:{INTENT}) (?:end|ending) (?:it|everything|things)\b",
    ),
    (
        "emergency.final_goodbye",
        "suicide_attempt",
        E,
        NEG,
        r"\bby the time (?:you|anyone|they|someone) (?:hear|hears|find|finds|read|reads) (?:this|me)\b|\bthis is my last (?:night|message|goodbye|words|breath)\b|\b(?:doing it|do it|ending it|end it) (?:now|right now|tonight)\b.*\b(?:goodbye|bye|sorry|love you)\b|\b(?:goodbye|bye)\b.*\b(?:doing it|do it|ending it|end it) (?:now|tonight|right now)\b",
    ),
    // Violence happening now.
    (
        "emergency.violence_now",
        "violence_now",
        E,
        NEG,
        r"\b(?:is|are|keeps on|started|starting) (?:hitting|beating|choking|strangling|attacking|stabbing|kicking|punching|hurting|raping|assaulting|strangling|smothering|beating up|throwing things at|throwing stuff at|throwing (?:plates|chairs|bottles|glasses) at) (?:me|us|my (?:mom|kids|kid|children|son|daughter|baby|sister|brother))\b|\b(?:hitting|beating|choking|strangling|attacking|kicking|punching) (?:me|us) (?:right now|now)\b",
    ),
    (
        "emergency.threat_tonight",
        "violence_now",
        E,
        NEG | THREAT_IDIOM,
        r"\b(?:{PERP}) (?:is|are|says|said|keeps saying) (?:that )?(?:he is |she is |they are |he will |she will |they will )?(?:going to )?(?:kill|hurt|stab|shoot|strangle) (?:me|us)\b.*\b(?:{NOW_STRICT}|now)\b|\b(?:having|is having|am having) an? (?:\w+ ){0,2}asthma attack\b|\binhaler (?:is not|isn t|not|does not|is no longer) (?:working|helping)\b",
    ),
    (
        "emergency.tracks_weapon",
        "violence_now",
        E,
        NEG | PASTDOWN,
        r"\bi am (?:on|at) the (?:ledge|edge of the (?:roof|bridge|cliff|building|platform))\b|\b(?:lying|sitting|standing|laying|lay|sat|stood) (?:down )?on (?:the )?(?:railway |train |rail )?(?:tracks|line|rails)\b|\b(?:swinging|waving|pointing|throwing|brandishing) (?:a |the |his |her )?(?:bat|knife|gun|axe|hammer|bottle|chair|machete|weapon) at (?:me|us|my \w+|her|him|them)\b|\b(?:{PERP}) (?:stabbed|shot|strangled|choked|stamped on|set fire to|poisoned) (?:me|us|my \w+)\b|\bi am driving\b.*\b(?:crash|drive off|drive into|swerve|end it)\b|\bheart (?:is )?(?:stopping|stopped|has stopped|is failing)\b|\b(?:cutting|cut) (?:really |too |so )?deep\b",
    ),
    (
        "emergency.door_in",
        "violence_now",
        E,
        NEG,
        r"\b(?:kicking|breaking|bashing|smashing|banging|forcing) (?:the |my |our )?(?:door|window|front door|bedroom door) (?:in|down|open)\b",
    ),
    (
        "emergency.intruder",
        "violence_now",
        E,
        NEG | PASTDOWN,
        r"\b(?:intruder|intruders|burglar|burglars|stranger|strangers) (?:is |are )?(?:in|inside) (?:my|the|our) (?:house|home|flat|apartment|room|garden|bedroom)\b|\bsomeone (?:has )?broke(?:n)? in\b|\bsomebody (?:has )?broke(?:n)? in\b",
    ),
    (
        "emergency.wont_stop_hitting",
        "violence_now",
        E,
        NEG,
        r"\b(?:will not|can not|does not|won t) stop (?:hitting|beating|kicking|punching|choking|hurting|attacking|strangling|slapping) (?:me|us|my \w+)\b",
    ),
    (
        "emergency.break_in",
        "violence_now",
        E,
        NEG,
        r"\b(?:someone|somebody|a man|a guy|he|they|people|men) (?:is|are) (?:breaking|trying to break|trying to get) (?:in|into)\b|\bthere (?:is|are) (?:someone|somebody|a man|a guy|a woman|people|men|a stranger|strangers) (?:breaking|trying to break|trying to get|getting|climbing|coming) (?:in|into)\b|\b(?:is|are) (?:outside|at) (?:my|the) (?:door|window|house|home)\b.*\b(?:knife|gun|kill|hurt|weapon|threat|scared|afraid)\b|\b(?:a man|someone|somebody|he|she|they|a guy|people|men|my \w+) (?:is |are )?(?:outside|at|banging on|trying to open) (?:my|the) (?:door|window|house|home|flat|apartment)\b.*\b(?:knife|gun|kill|hurt|weapon|axe|bat|threatening)\b",
    ),
    (
        "emergency.armed_threat",
        "violence_now",
        E,
        NEG,
        r"\b(?:{PERP}) (?:is |has |have )?(?:has|have|got|holding|waving|pulled|pulled out|grabbed|picked up) (?:a |the |his |her |my )?(?:knife|gun|weapon|pistol|rifle|bat|hammer|axe)\b|\b(?:{PERP}) (?:is|are) (?:trying|going) to (?:kill|stab|shoot|strangle) (?:me|us)\b.*\b(?:now|right now|outside|coming|here|door|knife|gun|house)\b|\b(?:{PERP}) (?:is|are) trying to (?:kill|stab|shoot|strangle) (?:me|us)\b|\b(?:pointing|pointed|holding) a (?:gun|knife) (?:at|to) (?:me|my|us)\b",
    ),
    (
        "emergency.armed_outside",
        "violence_now",
        E,
        NEG | PASTDOWN,
        r"\b(?:{PERP}|my \w+) (?:is |are )?(?:outside|here|at the door|in the house|in my house|in my home|in my flat|in my apartment|in my room|inside|downstairs|upstairs|coming|coming over|on his way|on her way|in the hallway|following me|chasing me|coming at me|coming after me|after me|threatening me|waving|pointing) (?:\w+ ){0,3}(?:with )?(?:a |the |his |her )?(?:knife|gun|weapon|axe|bat|machete)\b",
    ),
    (
        "emergency.armed_person_here",
        "violence_now",
        E,
        NEG | PASTDOWN | MEDIA,
        r"\b(?:a man|a guy|a woman|someone|somebody|a stranger|some \w+|people|men|he|she|they|my (?:{REL_ADULT})) (?:is |are )?(?:with|holding|carrying|waving|has|has got|got) (?:a |the |his |her )?(?:knife|gun|weapon|axe|bat|machete|crowbar)\b(?: \S+){0,6} (?:outside (?:my|the|our)|at (?:my|the|our) (?:door|window|front door)|in (?:my|our|the) (?:house|flat|home|apartment|garden|hallway|room|bedroom|building|stairwell)|banging|coming (?:at|after|towards|for)|following|chasing|trying to get in|threatening)\b",
    ),
    (
        "emergency.decided_doing_it_soon",
        "imminent_plan",
        E,
        NEG | BENIGN | MEDIA,
        r"\b(?:made (?:my|the|up my) (?:decision|mind)|my mind is made up|i have decided(?: ,| and| that)|it is decided|no going back|nothing will stop me|no one can stop me|nobody can stop me)\b.*\b(?:doing it|do it|going through with it|go through with it|ending it|end it)\b(?: \S+){0,3} (?:tonight|now|right now|in (?:an|half an|one|two|a few|\w+) (?:hour|hours|minutes|mins)|at (?:midnight|\w+ o clock|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))\b|\b(?:doing it|do it|going through with it|ending it|end it) (?:tonight|later|in the night|at \w+)\b(?: \S+){0,4} (?:when|while|once|after) (?:everyone|everybody|they|he|she|my \w+|the house|the kids) (?:is |are |goes |go |has gone |have gone |falls |fall )?(?:asleep|in bed|to bed|to sleep|out|away|gone|at work)\b",
    ),
    (
        "emergency.planned_and_timed",
        "imminent_plan",
        E,
        NEG | BENIGN | MEDIA,
        r"\b(?:planned|plotted|set up|sorted|organised|organized|prepared|arranged|worked out|figured out) (?:it all|everything|it out|the whole thing|it all out)\b.*\b(?:it is happening|it happens|it will happen|i am doing it|i will do it|i am going to do it|doing it|i am going through with it)\b(?: \S+){0,2} (?:tonight|now|at (?:midnight|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)|in (?:an|half an|one|two|a few|\w+) (?:hour|hours|minutes|mins))\b|\b(?:started|running|turned on|switched on|left|sat with) (?:the |my )?(?:car|engine)\b(?: \S+){0,4} garage\b(?: \S+){0,4} (?:door|doors) (?:shut|closed|locked|down)\b|\bgarage (?:door|doors) (?:shut|closed|locked|down)\b(?: \S+){0,6} (?:car|engine) (?:running|on|started)\b|\b(?:today|tonight|this (?:afternoon|evening|morning)|at (?:midnight|\w+ oclock|\w+ o clock|\d+(?: pm| am)?)|in (?:an|half an|one|two|a few|\w+) (?:hour|hours|minutes|mins))\b(?: \S+){0,6} (?:i am |i will |i am going to |i am gonna |is when i am going to |is when i will |is when i )?(?:end it|ending it|end it all|ending it all|end my life|ending my life|kill myself|killing myself|take my (?:own )?life|taking my (?:own )?life)\b.*\b(?:it is all|everything is|all|everything|it is) (?:planned|ready|set up|sorted|prepared|arranged|in place|laid out|organised|organized)\b|\bi am (?:end it|ending it|ending it all|ending my life|killing myself|doing it|going to do it|going through with it)\b(?: \S+){0,2} (?:today|tonight|this (?:afternoon|evening|morning))\b.*\b(?:pills|tablets|meds|rope|noose|gun|knife|blade|razor|note|notes|letters)\b(?: \S+){0,2} (?:counted out|laid out|lined up|ready|set up|loaded|tied|written|sorted|planned)\b",
    ),
    (
        "emergency.in_water",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDIA,
        r"\b(?:jumped|fell|fallen|walked|waded|slipped) (?:in|into|off \w+ into) (?:the |a )?(?:river|sea|canal|lake|water|ocean|reservoir|quarry|harbour|harbor|pond|loch)\b(?: \S+){0,6} (?:can not (?:get out|swim|breathe|feel my|stay up|touch the bottom)|going under|sinking|drowning|current is|pulling me under)\b",
    ),
    (
        "emergency.hiding",
        "violence_now",
        E,
        NEG,
        r"\bhiding (?:from (?:him|her|them|my (?:{REL_ADULT}))|in the (?:bathroom|closet|cupboard|wardrobe|bedroom)) (?:because|from|he|she|they)\b|\bhiding from (?:him|her|them|my (?:{REL_ADULT}))\b",
    ),
    // Domestic abuse, a child or dependant, eating-disorder medical danger: danger now.
    (
        "emergency.domestic_threat_now",
        "domestic_abuse",
        E,
        NEG | MEDIA_3P | THREAT_IDIOM,
        r"\b(?:{PERP}) (?:is |are )?(?:downstairs|upstairs|outside|here|in the house|at the door|home|back|drunk|raging|going mad|kicking off)\b(?: \S+){0,8} (?:says|said|threatening|keeps saying|screaming|shouting|yelling) (?:that )?(?:he|she|they) (?:will|is going to|is gonna|are going to|would) (?:kill|hurt|stab|strangle|beat|get) (?:me|us|the kids)\b|\b(?:{PERP}) (?:is |are )?(?:smashing|breaking|throwing|wrecking) (?:things|stuff|the house|the place|plates|furniture|everything)\b(?: \S+){0,10} (?:kill|hurt|scared|afraid|terrified|hiding|locked myself|locked in)\b|\b(?:hiding|locked myself|locked in|barricaded) (?:in )?(?:the |my )?(?:bathroom|bedroom|toilet|wardrobe|cupboard|room)\b(?: \S+){0,8} (?:he|she|they|my (?:{REL_ADULT})) (?:is|are) (?:trying to get in|banging|kicking|outside|coming|screaming|drunk)\b|\b(?:he|she|they|my (?:{REL_ADULT})) (?:is|are) trying to (?:get in|break in|break the door|kick the door)\b(?: \S+){0,8} (?:locked|hiding|scared|terrified|bathroom|bedroom)\b",
    ),
    (
        "emergency.child_unresponsive",
        "child_danger",
        E,
        NEG | PASTDOWN | MEDIA_3P | ROUTINE,
        r"\b(?:my|our|the) (?:\w+ )?(?:son|daughter|baby|child|kid|toddler|boy|girl|little one|newborn|grandson|granddaughter|infant)\b(?: \S+){0,8} (?:will not|can not|does not|is not|has not|won t|isn t|stopped) (?:wake up|waking up|wake|breathe|breathing|breathing properly|respond|responding|moving|move)\b|\b(?:baby|toddler|newborn|infant|little one) (?:is |went |has gone |seems )?(?:floppy|limp|blue|grey|cold and)\b",
    ),
    (
        "emergency.child_alone_danger",
        "child_danger",
        E,
        NEG | PASTDOWN | MEDIA_3P,
        r"\b(?:left|leave|leaving) (?:the |my |our )?(?:baby|toddler|newborn|little one|son|daughter|kids|children|child|infant|twins) (?:alone |on (?:his|her|their) own |by (?:himself|herself|themselves) )?in the (?:bath|bathtub|pool|paddling pool|hot car|car in this heat)\b|\b(?:baby|toddler|newborn|little one|infant) (?:is )?(?:alone|on (?:his|her) own|by (?:himself|herself)) in the (?:bath|bathtub|pool)\b|\b(?:my|our) (?:\w+ )?(?:son|daughter|child|kid|toddler|boy|girl|little one|baby) (?:is|has gone|has been|went|has) (?:missing|gone missing|disappeared|vanished|been taken|been snatched|been abducted)\b|\b(?:can not|could not) find (?:my|our) (?:\w+ )?(?:son|daughter|toddler|little one|baby|child|kid)\b(?: \S+){0,6} (?:anywhere|everywhere|looked|it is dark|for an hour|for hours|police)\b",
    ),
    (
        "emergency.eating_disorder_danger",
        "eating_disorder",
        E,
        NEG | HIST | MEDIA_3P | ROUTINE,
        r"\b(?:(?:have not|has not|not|did not|have hardly|barely) (?:eaten|eat|had anything to eat|had any food)(?: anything)? (?:in|for) (?:\w+ )?(?:days|weeks|a week|a fortnight)|stopped eating|starving myself|(?:making|made|make) myself (?:sick|throw up|vomit)|purging|purged|throwing up (?:after|everything)|being sick after (?:every|each|all)|taking (?:loads of |lots of |so many |a lot of )?laxatives|only (?:eating|drinking) water)\b(?: \S+){0,12} (?:faint|fainting|fainted|keep fainting|passing out|passed out|blacking out|blacked out|hearts? (?:is )?(?:racing|pounding|skipping|beating (?:weird|funny|irregular|strange|fast)|fluttering|irregular|feels weird|hurts)|chest (?:hurts|pain|pains|is tight|feels tight)|confused|confusion|can not think straight|collapsed|can not stand|can not get up|seeing black)\b|\b(?:faint|fainting|fainted|passing out|passed out|hearts? (?:is )?(?:racing|pounding|skipping|fluttering|irregular)|chest (?:hurts|pain|pains|is tight)|confused|collapsed)\b(?: \S+){0,10} (?:(?:have not|not) (?:eaten|eat|had anything to eat)(?: anything)? (?:in|for) (?:\w+ )?(?:days|weeks|a week)|stopped eating|starving myself|(?:making|made|make) myself (?:sick|throw up|vomit)|purging|purged|laxatives)\b",
    ),
    // Medical emergencies.
    (
        "emergency.chest_pain",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST,
        r"\bchest (?:has been |keeps |is |started |starts |has started )?(?:hurting|aching|pounding|burning|tightening)\b|\bchest (?:pain|pains|is hurting|hurts|is tight|feels tight|is so tight|tightness|pressure|is crushing|crushing|feels heavy|is on fire)\b|\bpain in (?:my|his|her) chest\b|\bpain (?:down|in) my left arm\b",
    ),
    (
        "emergency.cant_breathe",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST | MEDIA_3P,
        r"\b(?:can not|could not|can barely|can hardly|unable to|struggling to|hard to|trouble|having trouble|difficulty) breath(?:e|ing)\b|\b(?:is|are|not|stopped) breathing\b(?: properly)?|\bcan not (?:catch|get) my breath\b|\bturning blue\b|\blips are blue\b",
    ),
    (
        "emergency.stroke",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST,
        r"\b(?:standing|sitting|stood|sat) on (?:the )?(?:edge of (?:the |a )?(?:cliff|roof|bridge|building|platform|balcony)|ledge|railing)\b.*\b(?:right now|now)\b|\b(?:face|mouth|smile) (?:is |has |looks |seems |went |has gone )?(?:drooping|droopy|droops|dropped|gone numb|went numb|lopsided|numb on one side)\b|\bcan not (?:feel|move|lift) (?:my|his|her|the) (?:face|arm|leg|left|right|side|hand)\b|\bone side of (?:my|his|her) (?:face|body|mouth)\b|\b(?:speech|words|talking) (?:is |are |sounds |sound |has gone |have gone |went |keep coming out |keeps coming out |is coming out |are coming out |coming out )?(?:all )?(?:slurred|slurring|garbled|jumbled|muddled|mixed up|gibberish|not making sense)\b|\b(?:arm|leg|hand) (?:is |has )?(?:suddenly )(?:gone |went |going )?(?:weak|limp|floppy|numb|dead)\b|\bslurring (?:my|his|her) (?:words|speech)\b|\bnumb(?:ness)? on one side\b|\bhaving a stroke\b|\bsudden (?:severe |terrible |worst )?headache\b|\bworst headache of my life\b|\bcan not (?:see|speak|talk) (?:suddenly|properly|out of one)\b",
    ),
    (
        "emergency.heart_attack",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST,
        r"\b(?:having|is having|am having|think i am having|might be having|could be having) an? (?:heart attack|seizure|stroke|fit|allergic reaction|severe allergic reaction|asthma attack)\b|\b(?:half|one side|the left side|the right side|left side|right side) (?:of )?(?:my|his|her) (?:face|body|mouth) (?:is |went |feels |has gone |is going )?(?:numb|drooping|droopy|paralysed|paralyzed|dead|weak|tingling|not working|limp)\b|\bsuddenly (?:can not|could not|can t) (?:see|speak|talk|move|walk|feel)\b|\bheart attack\b",
    ),
    (
        "emergency.unresponsive",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST | MEDIA_3P | ROUTINE,
        r"\b(?:{PSUBJ}) (?:\w+ )?(?:is|are|went|has gone|has passed out and is|is still|seems|looks|feels) (?:unconscious|unresponsive|not responding|not waking up|limp|floppy|cold and blue|blue and cold)\b|\b(?:can not|could not|can t|cannot) (?:wake|rouse) (?:him|her|them|my \w+(?: \w+)?)(?: up)?\b|\b(?:{PSUBJ}) (?:will not|does not|is not|won t|would not) wake up(?: ,|$| and\b| no matter| at all| when i| whatever i)|\b(?:{PSUBJ}) (?:has |have |just |suddenly |has just )?(?:collapsed|keeled over)\b|\b(?:passed out|fainted) and (?:will not|can not|is not|does not)\b|\b(?:{PSUBJ}) (?:is |are |am |keeps |started |has started )?(?:having a seizure|seizing|convulsing|fitting(?: ,|$| and| again| right now| now| badly| for| on the| in (?:his|her|their|the) (?:cot|bed|sleep|car|chair)))|\b(?:my|his|her|the baby s|their) (?:throat|tongue|lips) (?:is |are |feels |feel )?(?:closing|swelling|swollen|closing up|tight|tightening|getting tight|like it is closing)\b|\banaphyla\w*\b|\b(?:coughing|vomiting|throwing) up blood\b|\bfoaming at the mouth\b|\b(?:{PSUBJ}) (?:will not|does not|is not|won t|isn t) respond(?:ing)?(?: ,|$| to me| when i| at all| and\b| to anything| to his name| to her name)|\b(?:i am|he is|she is|the baby is|my \w+ is|they are) choking(?: ,|$| on (?:something|a|his|her|food|a \w+)| and| help| can not)",
    ),
    (
        "emergency.head_injury",
        "medical_emergency",
        E,
        NEG | PASTDOWN | MEDPAST,
        r"\bhit (?:my|his|her) head\b.*\b(?:confused|dizzy|vomiting|throwing up|passed out|unconscious|bleeding|can not remember)\b",
    ),
    (
        "emergency.dying_now",
        "medical_emergency",
        E,
        NEG,
        r"\b(?:think|feel like|scared|afraid) (?:that )?i am dying\b|\bi am dying(?: ,|$)|\bhelp (?:me )?i am dying\b|\bi am about to die\b",
    ),
];

/// Crisis: a risk disclosure that stops everything and starts the crisis protocol.
const CRISIS: &[Row] = &[
    // Active and passive suicidal thoughts.
    (
        "crisis.kill_myself",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:kill|killing|kills|killed|off|offing) myself\b|\bend myself\b",
    ),
    (
        "crisis.suicidal_self",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bi (?:am|feel|have been|was|get|keep getting|have|keep feeling|been|feel very|am feeling|have been feeling|start feeling|started feeling|started to feel|feel a bit|am a bit|am kind of) (?:feeling |very |kind of |a bit |so |pretty |quite |really |extremely |actually |quite |more |less |constantly |always |often |sometimes |a little )?suicidal\b|\bsuicidal (?:thoughts|feelings|ideation|urges)\b|\bthoughts of suicide\b",
    ),
    (
        "crisis.want_to_die",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF | MEDIA_3P,
        r"\b(?:want|wanted|wanting|need|needed|would like|feel like|like|ready|trying|tried|try|plan|planning|mean|meant|decided|deserve|deserved|deserving|urge|urges|wish|have|has|had|desire|itch|tempted|temptation) to (?:die|be dead|not exist|not be alive|stop existing|not live|not wake up|end (?:it|it all|everything|my life|my own life|things|my suffering|the pain)|kill myself|end myself|take an overdose|stop living|stop breathing|stop being alive|cease to exist|not be alive anymore|take my (?:own )?life|commit suicide|go to sleep (?:forever|and (?:not|never) wake up)|sleep forever(?: ,|$| and)|fall asleep (?:forever|and (?:not|never) wake up)|be gone(?: forever)?|jump off (?:(?:a |the |this |that |my )?(?:bridge|building|roof|cliff|balcony|tower|ledge|car park|parking garage|motorway bridge|overpass)|something high)|jump in front of|crash (?:my|the) car(?: on purpose)?|hang myself|shoot myself|overdose|od|slit my wrists|cut my wrists|drown myself|not be here(?: anymore| any more)?|disappear(?: forever| for good| permanently| completely)?(?: ,|$)|vanish(?: forever)?(?: ,|$)|leave this world|leave this earth|be with (?:my )?(?:\w+ )?in heaven|give up on life|check out (?:of life|for good|permanently|early))\b",
    ),
    (
        "crisis.should_die",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF | MEDIA_3P,
        r"\bi (?:should|ought to|might as well|may as well|need to|deserve to) (?:die|be dead|kill myself|end it all|end my life|not be alive|not exist|not be here|stop existing|disappear forever)(?: ,|$| and\b| already\b| now\b| then\b| because\b| so\b| for\b| tonight\b)",
    ),
    (
        "crisis.wants_to_die_third",
        "third_party_risk",
        C,
        NEG | MEDIA,
        r"\bwants to (?:die|be dead|end it|end it all|end (?:his|her|their) life|kill (?:himself|herself|themselves|themself)|commit suicide|not be alive|disappear forever)\b",
    ),
    (
        "crisis.not_want_to_live",
        "suicidal_ideation",
        C,
        HIST | SELF,
        r"\b(?:do not|does not|did not|no longer|not|never) (?:want|wanna|feel like|wish|care) to (?:be alive|exist|be here anymore|be here any more|be here any longer|be around anymore|be around any more|be around any longer|be on this earth|be in this world|be here on earth|keep living|continue living|stay alive)\b|\b(?:do not|does not|did not|no longer|not|never) (?:want|wanna|feel like|wish|care) to (?:live|wake up)(?: anymore| any more| any longer| like this| this life| in this world| on this earth| tomorrow| again| ever| in the morning| morning| today| tonight| after this){0,3}(?: ,|$| and\b| but\b| because\b| i\b| so\b| or\b| if\b| after\b| since\b| when\b)|\b(?:do not|does not|no longer|not|never) (?:want|wanna|feel like) to (?:go on|keep going|carry on)(?: anymore| any more| any longer| like this| living| with (?:my )?life)?(?: ,|$)|\b(?:do not|does not) want to be here (?:anymore|any more|any longer)\b|\bno longer want to be here\b",
    ),
    (
        "crisis.unsure_want_to_live",
        "suicidal_ideation",
        C,
        HIST | SELF,
        r"\bnot (?:sure|certain|know|know if|know whether|think) (?:if |whether |that )?i (?:want|wanna|can|will|would) (?:to )?(?:live|be alive|go on|keep going|keep living|be here|stay alive|make it|survive this|carry on)\b",
    ),
    (
        "crisis.not_see_alive",
        "suicidal_ideation",
        C,
        HIST | SELF,
        r"\b(?:do not|can not|no longer) see (?:myself|me) (?:being |staying |still )?(?:alive|living|around|here|making it|existing|surviving)\b|\bnot (?:going to|gonna) (?:be|stay) (?:around|here|alive) (?:much longer|for long|anymore|any longer|by (?:then|christmas|the end|next))\b|\bwill not be (?:around|here|alive) (?:much longer|for long|any longer)\b|\bwill not be alive (?:tomorrow|next week|by)\b",
    ),
    (
        "crisis.wish_dead",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bwish(?:ing|ed|es)? (?:that )?i (?:was|were|could be|had been|would be) (?:dead|never born|not born|not here|never here|gone|not alive|not around|in heaven)\b|\bwish (?:that )?i (?:had|would) (?:never been born|died|not been born|not woken up|never woken up|never woke up|not woke up)\b|\bwish(?:ing|ed|es)? (?:that )?i (?:could|would) (?:die|(?:disappear|vanish|sleep forever)(?: forever| for good| completely| permanently)?(?: ,|$| and (?:never|not) (?:come back|be found|return|wake up))|(?:sleep|fall asleep|go to sleep|drift off|close my eyes)(?: forever)? and (?:that (?:be|is|would be|was) (?:it|the end)|(?:not|never) (?:wake up|open them again))|not exist|stop existing|not wake up|never wake up|go to sleep and (?:not|never) wake up|fall asleep and (?:not|never) wake up|end it|be gone|just die)\b|\bwish (?:that )?i (?:would not|would never|did not|could not|do not|will not|wont) wake up\b|\bwish (?:that )?(?:a |some |the )?(?:car|bus|truck|lorry|train|someone|somebody|lightning|a bullet) (?:would |could |will )?(?:hit|kill|run over|take|shoot) me\b|\bwish (?:that )?(?:i|i would|i could) (?:get|got) (?:hit|killed|cancer|a terminal)\b|\bwish (?:that )?(?:it|everything|all of this|this) (?:would|could) (?:all )?(?:end|be over|stop)(?: forever| for good)?(?: ,|$)|\bwish (?:that )?i (?:was|were) (?:never|not) (?:born|alive)\b",
    ),
    (
        "crisis.hope_not_wake",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:hope|pray|praying|hoping) (?:that )?i (?:die|get hit|do not wake up|never wake up|will not wake up|would die|get (?:cancer|killed|hit by)|do not make it|do not survive)\b|\bsleep (?:and|then) (?:not|never) wake up\b|\bgo to sleep forever\b|\bnot wake up (?:again|ever|tomorrow|in the morning)(?: ,|$)",
    ),
    (
        "crisis.better_off_dead",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bbetter off (?:dead|gone|without me|not waking up|never waking up|not existing|not alive|asleep forever|if i (?:was|were|was not|were not|had not been|died|was gone|were gone|did not exist|disappeared|killed myself|was dead|were dead|was not around|were not around|left for good|never existed))\b|\b(?:happier|better|easier|fine|lighter) (?:if i (?:was|were) (?:dead|gone|not here|not around|never born)|if i (?:died|disappeared|killed myself|did not exist|never existed|was not alive)|without me(?: around| here| alive| in (?:the|their|this) (?:world|lives|life|family)| on this earth)?(?: ,|$| and\b| anyway\b| if\b| i\b| so\b))|\b(?:happier|easier|lighter|calmer|freer|better off|relieved) without me\b|\bif i (?:was|were|ended up) dead\b|\b(?:world|everyone|everybody|they|family|kids) would be better without me\b",
    ),
    (
        "crisis.nobody_would_miss",
        "suicidal_ideation",
        C,
        HIST | SELF,
        r"\b(?:no one|nobody|not one person|not a single person|no one at all|nobody at all) (?:would|will|is going to|would ever|will ever) (?:miss me|care if i (?:died|was gone|disappeared|was dead|was not here|did not exist|killed myself|vanished|did not wake up)|notice if i (?:died|was gone|disappeared|was dead|was not here|did not exist|killed myself|vanished|did not wake up)|come to my funeral|cry (?:at my funeral|if i died|over me))\b|\bno one would (?:miss|even miss) me\b|\bwho would (?:even )?miss me\b",
    ),
    (
        "crisis.no_reason_to_live",
        "suicidal_ideation",
        C,
        HIST | SELF,
        r"\b(?:no|not any|not a single|nothing to|have no|there is no|there are no|not one) (?:reasons? )?(?:to|for) (?:live|living|be alive|keep going|go on|stay alive|carry on|wake up|exist|keep living)(?: for)?\b|\bnothing (?:left )?to live for\b|\bno reason to (?:be here|stay)(?: anymore| any more)?\b|\bwhat is the point (?:of|in) (?:living|life|being alive|going on|existing|staying alive|waking up|me being here|me living|carrying on|my life|me)\b|\b(?:do not|can not|can t|don t) see (?:the |a |any )?point (?:in|of|to) (?:living|life|being alive|going on|existing|staying alive|carrying on|waking up|anything anymore)\b|\bno point (?:in |to |of )?(?:living|life|being alive|going on|existing|staying alive|carrying on|me being here|my life)\b|\b(?:life|living|my life|existence|being alive|it) (?:is not|is no longer|does not seem|does not feel|no longer feels|no longer seems|is never|is not really|feels not|seems not) worth (?:living|it anymore|going on|the pain|the effort)\b|\blife is not worth it\b|\bnot worth living\b|\b(?:my )?life (?:is|feels|seems) (?:meaningless|pointless|worthless|over|not worth living)\b",
    ),
    (
        "crisis.burden",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:i am|i feel like i am|i feel like|i feel|i am only|i am such|i have become|i became) (?:such |just |only |nothing but |a total |a huge |a massive |an )?(?:a )?(?:burden|waste of space|waste of oxygen|waste of air|waste of life)\b|\bbe a burden (?:anymore|any more|to anyone)\b",
    ),
    (
        "crisis.thoughts_of_dying",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:thinking|think|thought|thoughts|thinkin|fantasi[sz]e|fantasi[sz]ing|dream|dreaming|daydream|daydreaming|obsess|obsessing|obsessed|planning|plan|planned|imagine|imagining|research|researching) (?:a lot |lots |more |so much |constantly |again |every day |all the time )?(?:about|of|on) (?:dying|death|my death|my own death|suicide|killing myself|ending (?:it|it all|my life|my own life|things|everything|myself)|taking my (?:own )?life|not being (?:here|alive|around)|being dead|not existing|no longer existing|hanging myself|overdosing|jumping off|jumping in front|my funeral|my own funeral|disappearing forever|ways to die|how to die|how i would die|how i would do it|doing it)\b",
    ),
    (
        "crisis.end_it_all",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF | MEDIA_3P,
        r"\b(?:end|ending|ended) it all\b|\bend (?:my|my own) life\b|\bending my life\b|\btake my (?:own )?life\b|\btaking my (?:own )?life\b|\b(?:commit|committing) suicide\b|\bhang myself\b|\bhanging myself\b|\bshoot myself\b|\bslit my wrists\b|\bjump (?:off|from) (?:a|the|this|that|my) (?:bridge|building|roof|cliff|balcony|tower|car park|parking garage|ledge|overpass)\b|\b(?:step|jump|walk|throw myself) in front of (?:a |the )?(?:train|bus|car|truck|lorry|traffic)\b|\b(?:drive|driving|drove|crash|crashing|steer|steering) (?:my car |the car |myself )?(?:into|off) (?:a |the )?(?:tree|wall|bridge|cliff|river|lake|oncoming traffic|truck|lorry|pole)\b|\bcrash my car on purpose\b|\bwalk into (?:the )?(?:traffic|sea|ocean|river|lake)\b|\bdrown myself\b",
    ),
    (
        "crisis.want_out",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bwant out of (?:life|this life|this world|existence|everything for good|here for good)\b|\bwant it (?:all )?to (?:end(?: forever| for good| now)?|(?:stop|be over) (?:forever|for good|permanently|for ever))(?: ,|$)|\bwant (?:everything|it all|all of it|the pain|all the pain) to (?:end(?: forever| for good| now| permanently| for ever| completely)?|(?:stop|be over) (?:forever|for good|permanently|for ever|completely))(?: ,|$)|\bwant (?:this life|my life) to (?:end|stop|be over)\b|\bdone with (?:life|living|being alive|this life|existing|everything for good|it all for good)\b|\b(?:give|giving|gave) up on (?:life|living|myself for good|staying alive)\b|\bcan not go on (?:living|anymore|any more|any longer)?(?: ,|$)|\bcan not keep living\b|\bgiv(?:e|ing) up on\b.*\b(?:living|life|being alive|staying alive)\b|\bso i (?:can|could|will|would|might) (?:die|be dead|not wake up|end it|end my life|kill myself|overdose)\b",
    ),
    (
        "crisis.death_relief",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:death|dying|being dead|not existing|not waking up) (?:would be|would feel like|sounds like|seems like|is|feels like|would be such) (?:a relief|easier|better|peaceful|nice|the answer|the only way|the only option|a release|a way out|a gift|freedom)\b|\bdo not care (?:if|whether) i (?:live or die|die|wake up|live|am alive)\b|\b(?:i am )?ready to die\b|\bonly way out is (?:death|dying|to die|suicide)\b|\bno way out(?: ,|$| but| except| other)",
    ),
    (
        "crisis.preparation",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:wrote|written|writing|write|left|leaving) (?:a |my )?(?:suicide|goodbye) (?:note|notes|letter|letters)\b|\b(?:giving|gave|give) away (?:all )?(?:my|of my) (?:things|stuff|possessions|belongings|pets)\b|\b(?:said|saying|say) (?:my )?goodbyes?\b.*\b(?:everyone|for good|forever|last time|family)\b|\bthis is (?:my )?goodbye\b|\bgoodbye forever\b|\b(?:saving|stockpiling|collecting|hoarding|storing|saved|stockpiled|collected|hoarded) (?:up )?(?:my |some |all my |enough )?(?:pills|meds|tablets|medication|sleeping pills)\b|\b(?:have|made|got|worked out|figured out|came up with|planned) (?:a|the|my) (?:plan|way) (?:to|for|on how to|of how to|to how to) (?:kill|end|die|take my|commit|hang|overdose|do it)\b|\bknow (?:how|exactly how|when|where) (?:i would|i will|i am going to|i would do it|i will do it|i am going to do it|to do it|i would end it|i will end it)\b|\b(?:bought|got|have) (?:a |the |some )?(?:rope|noose|gun|pills|razor blades|charcoal) (?:to|so i can|so i could|for when) (?:kill|end|die|do it|hang)\b|\btell (?:my|them|her|him) (?:family|kids|mom|dad|parents|wife|husband|children|partner) (?:i love them|that i love them|i am sorry|goodbye)\b|\b(?:last|final) (?:message|note|goodbye|wishes)\b",
    ),
    (
        "crisis.attempt_history",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:tried|try|trying|attempted|attempt) (?:to )?(?:kill myself|end my life|take my life|commit suicide|overdose|hang myself|end it)\b|\b(?:my |a |the |last |previous |first |second )?suicide attempts?\b|\b(?:my|last|previous) attempt\b",
    ),
    (
        "crisis.why_alive",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bwhy can not i (?:die|be dead|disappear|stop existing)\b|\bwhy (?:am i|do i have to be|do i have to stay|am i even) (?:still )?alive\b|\bwhy (?:did|do) i (?:have to )?(?:wake up|survive)\b|\b(?:ending it|ending my life|ending it all|death|dying|suicide|killing myself|not being here) (?:feels like|seems like|is|would be|might be|looks like) (?:the only|my only|the best|the easiest) (?:way out|option|answer|choice|way|solution)\b|\bdie in my sleep\b",
    ),
    (
        "crisis.feel_like_dying",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF | MEDIA_3P,
        r"\bfeel like (?:dying|killing myself|ending it|ending it all|ending my life|ending everything|disappearing forever|not existing|giving up on life|i should not (?:be alive|exist|be here anymore))\b|\b(?:should not|should never|do not deserve to|was never meant to|am not meant to|was not meant to) (?:be alive|exist|have been born|live anymore|be here anymore|still be alive)\b|\bi (?:(?:really|just|sometimes|often|still|kind|of|so|truly|honestly|actually|do|also|almost|secretly|kinda|always|constantly|even|genuinely|desperately|seriously) ){0,2}(?:want|wanna|wish|wishing|hope|hoping|need|long|crave|yearn|pray|praying|would love|ready|deserve) (?:(?:to|i|could|would|can|that|already|finally|sometimes|often|still|all|it|everything|go|and|then|sleep|fall|asleep|just|simply|somehow|quietly|peacefully|painlessly|will|might|may|be|able|just) ){0,4}(?:die|be dead|death|not exist|not be here anymore|not wake up|end it all|end my life|kill myself|be gone forever)\b",
    ),
    (
        "crisis.imagining_death",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:imagining|imagine|picturing|picture|planning|plan|planned|thinking about|dreaming about|daydreaming about|fantasi[sz]ing about|writing|wrote|written) my (?:own )?(?:funeral|death|suicide|suicide note|goodbye note|goodbye letter|will and goodbyes)\b",
    ),
    (
        "crisis.soft_net",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF | MEDIA_3P,
        r"\b(?:want|wanna|wanting|wanted|wish|wishing|hope|hoping|need|thinking|think|thought|thoughts|feel like|plan|planning|planned|ready|rather|prefer|long|longing|crave|craving|close to|deserve|fantasi\w+|consider|considering|considered|contemplate|contemplating|contemplated|tempted|urge|urges|guts to|courage to|brave enough to|nerve to|decided|deciding|obsessed with|obsessing over|researching|so close to|on the verge of|one step from|dream of|dreaming of|dream about) (?:(?:i|to|of|about|that|could|would|can|will|might|be|able|go|and|then|simply|finally|maybe|sometimes|often|all|the|way|ways|how|a|lot|my|own|actually|on|it|into|with|am|was|have|had|been|being|much|more|every|day|night|time|constantly|again|already|almost|guts|courage|nerve|strength|just|get|it) ){0,5}(?:die|be dead|dying|my death|not exist|not existing|not be alive|not being alive|end it|end it all|ending it|ending it all|end my life|ending my life|kill myself|killing myself|suicide|overdose|overdosing|od|take my life|taking my life|not wake up|never wake up|not waking up)\b|\b(?:lost|lost all|no|zero|not any|have no|losing|losing the|lost the|lost my|losing my|there is no) will to (?:live|go on|keep going|carry on|survive)\b|\bnot (?:going to|gonna) (?:make it|survive|last) (?:through|past|until|till) (?:the night|tonight|tomorrow|the weekend|morning|the morning)\b|\b(?:want|wanna|wish|ready|long|hope|going) to (?:join|be with|see) (?:\w+ ){1,3}(?:in heaven|on the other side)\b|\bdo something (?:stupid|bad|dumb|drastic|terrible|dangerous|permanent)(?: to myself)?(?: ,|$| tonight| to myself)|\bbetter off (?:not existing|not being here|not being alive|not alive|not here|never born)\b|\b(?:no )?way out (?:except|but|other than|apart from|besides) (?:dying|death|suicide|ending it|killing myself|to die)\b",
    ),
    (
        "crisis.going_to",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:going to|gonna|about to) (?:{SUICIDE_ACT}|end it|end everything|end things|not be here (?:anymore|much longer|tomorrow)|disappear forever|take (?:them|it) all)\b|\bi am (?:going to|gonna) jump(?: ,|$| now| tonight| today)",
    ),
    (
        "crisis.tired_of_living",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:tired|sick|exhausted|weary) of (?:fighting|trying|struggling|pretending) (?:to stay alive|to live|to keep going|to keep living|to survive|to be alive|to want to live)\b|\b(?:take|use|swallow|drink) (?:\w+ ){0,3}to (?:not wake up|never wake up|die|end it all|end my life|kill myself|sleep forever|stop my heart)\b|\b(?:tired|sick|exhausted|weary|fed up) (?:of|with) (?:being alive|living|life|existing|waking up|being here|it all for good)(?: anymore| any more| any longer| like this| now| every day| every morning| each day| each morning| day after day)?(?: ,|$| and\b| but\b| so\b| i\b| because\b)|\b(?:hate|hating|loathe|can not stand|can not bear|resent) (?:being alive|existing|my existence|being in this world|being on this earth|that i am alive|still being alive|being me and being alive)\b|\b(?:easier|better|nicer|simpler|more peaceful) (?:to|if i) (?:not exist|not be here|not be alive|die|be dead|disappear|not wake up|was not here|was not alive|did not exist|were not here|were dead|was dead|was gone|were gone)\b|\b(?:do not|does not|no longer|not) deserve to (?:live|be alive|exist|be here|keep living)\b|\bwhat if i (?:did not wake up|died|was not here|were not here|was gone|killed myself|ended it|ended it all|just disappeared)\b|\bwant to (?:go to|be in) heaven(?: ,|$| now| soon| tonight| today| already| with)|\b(?:take|taking|swallow|swallowing) them all\b",
    ),
    (
        "crisis.throw_myself",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:throw|throwing|threw|fling|flinging|hurl|hurling) myself (?:off|from|in front of|under|into)\b|\b(?:step|stepping|stepped|walk|walking|jump|jumping|lie|lying|lay) (?:down )?(?:in front of|under) (?:a |the )?(?:train|bus|car|truck|lorry|traffic|tram)\b|\b(?:can not|do not|can t) (?:see|find|think of) (?:a |any |one |a single )?reasons? (?:to|for) (?:live|living|keep living|keep going|go on|stay alive|be alive|carry on|wake up|stay)\b|\bdisappear (?:and |, )?(?:never|not) (?:come back|return|be found|be seen again)\b",
    ),
    (
        "crisis.happier_dead",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:happier|better|better off|easier|fine|at peace|free|relieved) (?:if i (?:was|were) )?dead\b|\b(?:use|using|turn|turning) (?:it|them|a knife|the knife|the gun|a gun|the blade|a blade|the razor|the pills) on myself\b",
    ),
    (
        "crisis.had_enough",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:had|have had|i have had) enough of (?:life|living|being alive|this life|existing|it all for good)\b|\b(?:{INTENT}|want to|gonna) (?:take|swallow|down) (?:the |a |my )?(?:whole|entire|full) (?:bottle|box|packet|pack|strip|supply)\b",
    ),
    (
        "crisis.hoping_not_wake",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:hoping|hope|hoped|wanting|so that i would|so i would|so i d) (?:i would |i will |i d )?(?:not|never) (?:to )?wake up\b|\b(?:hoping|hoped) (?:to die|i would die|i d die|it would kill me)\b",
    ),
    (
        "crisis.more_ideation",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:stash|stockpile|hoard|supply|collection|stock) of (?:\w+ )?(?:pills|meds|tablets|sleeping pills|painkillers|medication)\b|\b(?:pills|rope|tablets|meds)\b.*\bjust in case\b|\b(?:do not know|not sure|no idea) how (?:much )?(?:longer|long) i can (?:keep going|go on|hold on|survive|keep living|last|stay alive|keep fighting|(?:do this|take this|take it|cope)(?: anymore)?(?: ,|$))|\b(?:there is )?nothing (?:left )?(?:to live for|worth living for)(?: here| anymore| in this world)?(?: ,|$)|\b(?:there is nothing|nothing left) for me(?: here| anymore| any more| in this world){0,2}(?: ,|$)|\bnothing for me(?: here| anymore| any more| in this world){1,2}(?: ,|$)|\b(?:world|life|ride) to stop (?:and )?let me (?:off|out)\b|\bwant (?:off|out of) this (?:ride|planet|world|life)\b|\bif i (?:died|was gone|were gone|was dead|disappeared|killed myself|was not here)\b.*\b(?:no one|nobody|not one person) (?:would|will) (?:notice|care|miss me|even notice|cry)\b",
    ),
    (
        "crisis.more_ideation_2",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:wrote|written|writing) (?:letters|notes|goodbye letters|goodbyes|goodbye notes) (?:to|for) (?:everyone|everybody|my family|all my|the people i love|each of|my kids|my children)\b|\b(?:thinking|think|thought|thoughts) (?:about|of) jumping(?: ,|$)|\bready to go\b.*\bhad enough\b|\bhad enough\b.*\bready to go\b|\bdo something to myself\b|\b(?:relieved|glad|free|freer) (?:if|when) i (?:was|were|am) (?:gone|dead|not here|not around)\b",
    ),
    (
        "crisis.more_ideation_3",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\blooking at (?:bridges|tall buildings|train tracks|the tracks|cliffs|ropes|guns|how high)\b|\b(?:hope|wish|pray|praying|hoping) (?:this|the|my) (?:plane|car|bus|train|flight) (?:crashes|crash|goes down|hits something|kills me)\b",
    ),
    (
        "crisis.cant_take_living",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bcan not (?:take|stand|bear|handle|do|face) (?:living|life|being alive|existing|another day)(?: anymore| any more| any longer| of this)?\b",
    ),
    (
        "crisis.more_ideation_4",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\burges? to jump\b|\bwant (?:it|this|everything|it all) over(?: ,|$| already| for good| now)|\b(?:my )?life has no (?:point|meaning|purpose)(?: anymore)?\b",
    ),
    (
        "crisis.rather_die",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:would|had|d) rather (?:die|be dead|not (?:be alive|exist|wake up|be here))\b|\bfinally (?:die|be dead|end it|be gone for good)\b|\b(?:maybe|hopefully|hope|wish) (?:i will|i would|i could|i might) (?:finally )?(?:die|be dead|not wake up)\b",
    ),
    (
        "crisis.intend_overdose",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\b(?:going to|want to|wanted to|wanting to|wanna|need to|feel like|felt like|urges to|considering|about to|will|plan to|planning to|thinking about|thinking of|thought about|tempted to|urge to) (?:take|swallow|taking|swallowing) (?:{MANY}) (?:of )?(?:my |the |these )?(?:\w+ )?(?:{DRUG})\b",
    ),
    (
        "crisis.disappear",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bwant to (?:disappear|vanish|not exist|stop existing|not be here)(?: forever| for good| permanently| completely| anymore)?(?: ,|$)|\bdo not want to exist\b|\bwish i did not exist\b|\bwant to go to sleep and never wake up\b|\bwish i could sleep and (?:not|never) wake up\b",
    ),
    (
        "crisis.scared_of_self",
        "suicidal_ideation",
        C,
        NEG | SELF,
        r"\b(?:scared|afraid|worried|terrified|frightened) (?:of )?(?:what i (?:might|will|could) do(?: to myself)?|i (?:might|will|could|am going to) (?:do something|hurt myself|kill myself|act on it|do it|end it|go through with it))\b|\bnot (?:sure|certain|think|know if|know whether) (?:that )?i (?:can|will be able to|could) (?:keep|stay) (?:myself )?safe\b|\bcan not keep myself safe\b",
    ),
    (
        "crisis.not_safe",
        "safety_concern",
        C,
        0,
        r"\b(?:i am|i feel|i do not feel|feel|i am not feeling) not safe\b|\bi am not safe\b|\bdo not feel safe(?: ,|$| at home| here| around| with| anymore| in my| right now| tonight| with myself)|\bnot safe (?:at home|in my (?:own )?home|in my house|around (?:him|her|them|my)|with (?:him|her|them|my)|right now|tonight)\b|\bi need help (?:right now|now|please|immediately)(?: ,|$)|\bplease help me(?: ,|$)",
    ),
    (
        "crisis.suicide_mention",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA | SELF,
        r"\bsuicid(?:e|al)\b|\bend it\b(?: ,|$)|\bending it(?: ,|$)",
    ),
    (
        "crisis.help_request",
        "help_request",
        C,
        PREMASK,
        r"\b(?:suicide|crisis|suicide prevention) (?:hotline|helpline|help line|hot line|line|lifeline|number|text line|chat)\b|\b(?:nine eight eight|988|samaritans|crisis text line)\b|\b(?:the|call|ring|phone|text|contact) lifeline\b|\blifeline (?:number|phone|line|on|please|now)\b|^lifeline(?: ,|$)",
    ),
    (
        "crisis.can_not_go_on",
        "suicidal_ideation",
        C,
        NEG | HIST | SELF,
        r"\bcan not (?:go on|keep going|carry on|do life|live like this|live with this|live with myself|survive this)(?: anymore| any more| any longer)?(?: ,|$)|\bdo not want to do (?:life|this life) (?:anymore|any more)\b",
    ),
    // Domestic abuse and coercive control.
    (
        "crisis.coercive_control",
        "domestic_abuse",
        C,
        NEG | HIST | MEDIA_3P,
        r"\b(?:{PERP}) (?:\w+ )?(?:takes|took|controls|controlled|keeps|kept|checks|checked|goes through|went through|reads|read|tracks|tracked|monitors|monitored|has taken|hides|hid) (?:all )?(?:of )?(?:my|the) (?:money|wages|salary|bank card|cards|benefits|pay|phone|messages|texts|emails|location|passport|car keys|keys)\b(?: \S+){0,6} (?:and|,) (?:\w+ ){0,3}(?:takes|took|controls|keeps|checks|goes through|reads|tracks|monitors|hides|will not let|does not let|won t let|never lets|tells me who|decides)\b|\b(?:{PERP}) (?:\w+ )?(?:takes|took|controls|controlled|keeps|checks|checked|goes through|reads|tracks|tracked|monitors|monitored) (?:all )?(?:of )?(?:my|the) (?:money|wages|salary|bank card|benefits|phone|messages|texts|emails|location|passport)\b(?: \S+){0,6} (?:every (?:night|day|time|single day)|all the time|constantly|always|so i can not|where i go|who i (?:talk to|see|text|message)|and tracks|and follows)\b|\b(?:{PERP}) (?:\w+ )?(?:controls|controlled) (?:all )?(?:of )?(?:the|my|our) money\b|\b(?:{PERP}) (?:locks|locked|keeps locking|has locked) me (?:in|out|inside)\b|\b(?:{PERP}) (?:tells|told|decides|chooses) (?:me )?(?:who i can see|what i can wear|where i can go|when i can leave|what i can eat)\b",
    ),
    (
        "crisis.partner_violence",
        "domestic_abuse",
        C,
        NEG | HIST | MEDIA_3P,
        r"\b(?:{PERP}) (?:(?:always|keeps|often|sometimes|still|just|also|then|once|has|had) )?(?:strangled|choked|throttled|smothered|pinned|kicked|pushed|shoved|slapped|punched|dragged|spat on|bit|burned|headbutted) me\b|\b(?:scared|afraid|terrified|frightened) (?:of )?what (?:he|she|they|my (?:{REL_ADULT})) (?:will|would|might|is going to|could) do (?:when|if|once) (?:he|she|they) (?:gets|get|comes|come) (?:home|back|in)\b|\b(?:scared|afraid|terrified|frightened) to go home\b(?: \S+){0,6} (?:he|she|they|my (?:{REL_ADULT})) (?:is|has been|are|was|will be) (?:drinking|drunk|angry|raging|in a mood|high)\b",
    ),
    // A child or dependant in danger.
    (
        "crisis.child_harmed",
        "child_danger",
        C,
        NEG | HIST | MEDIA_3P | TRIV,
        r"\b(?:{PERP}|my (?:dad|father|mom|mother|stepdad|stepfather|stepmom|stepmother|uncle|aunt|grandpa|grandad|grandma|brother|sister|mom s boyfriend|dad s girlfriend|babysitter|nanny|teacher|coach|neighbour|neighbor|cousin|carer)) (?:(?:always|keeps|often|sometimes|still|also|has been|regularly|really) )?(?:hits|hurts|beats|kicks|punches|slaps|burns|chokes|abuses|touches|molests|starves|shakes|is hurting|is hitting|has been hurting|has been touching|has been hitting|keeps hitting|locks up|is abusing|has been abusing) (?:my|our|his|her|their|the) (?:little |baby |younger |older |big |step |half )?(?:sister|brother|son|daughter|kids|kid|children|child|baby|toddler|siblings|grandson|granddaughter|nephew|niece|grandkids|grandchildren)\b|\b(?:is|are|keeps|has been|have been) (?:hurting|hitting|beating|abusing|starving|neglecting|locking up|shaking) (?:his|her|their|the|my|our) (?:kids|children|child|kid|son|daughter|baby|toddler|little \w+)\b|\b(?:touching|touches|touched|groping|molesting|molested|abusing|abused|grooming|groomed) (?:my|our|his|her) (?:little )?(?:son|daughter|child|kid|kids|children|boy|girl|grandson|granddaughter|nephew|niece)(?: ,|$| at | when | in | inappropriately| and| again| for| at night)",
    ),
    (
        "crisis.child_neglect_or_shaken",
        "child_danger",
        C,
        NEG | HIST | MEDIA_3P,
        r"\bi (?:(?:sometimes|often|keep|just|nearly|almost|have|once) )?(?:shake|shook|shaking|shaken|threw|throw|smack|smacked|slap|slapped|hit|hurt|squeezed|squeeze) (?:the|my|our) (?:baby|toddler|newborn|little one|infant)\b|\b(?:leaves|left|leaving|leave) (?:us|me|the kids|the children|the baby|my (?:little )?(?:brother|sister|siblings|kids|children)|them) (?:\w+ ){0,2}(?:alone|on our own|by ourselves|home alone|on their own|with nobody)\b(?: \S+){0,4} (?:for (?:days|the night|the weekend|nights|whole days|two days|three days)|with no food|without food|overnight)\b|\b(?:no|not any|never any) food (?:in the house|at home) (?:for (?:days|us|the kids|a week))\b",
    ),
    // Eating-disorder behaviour (danger signs are an emergency above).
    (
        "crisis.eating_disorder",
        "eating_disorder",
        C,
        NEG | HIST | MEDIA_3P | ROUTINE,
        r"\b(?:make|making|made) myself (?:sick|throw up|vomit|puke)\b(?: (?:after|every|when|so|to|because|again|all)|$| ,)|\b(?:starving|starve|starved) myself\b|\b(?:have not|not|did not) (?:eaten|eat)(?: anything)? (?:in|for) (?:\w+ )?(?:days|weeks|a week)\b(?: \S+){0,6} (?:on purpose|deliberately|to lose weight|so i|fat|weight|deserve|punish|not allowed|control|thin|skinny)\b|\b(?:take|taking|took|use|using) (?:\w+ ){0,2}laxatives\b(?: \S+){0,8} (?:after|weight|fat|eat|eating|meal|meals|thin)\b|\bonly (?:eat|eating|ate) (?:once every \w+ days|every \w+ days|one (?:apple|cracker|meal a week)|water)\b|\b(?:purging|bingeing and purging|binge and purge|binging and purging)\b",
    ),
    // Stopping vital medication out of hopelessness.
    (
        "crisis.medication_stopped",
        "medication_stopped",
        C,
        NEG | HIST | MEDIA_3P,
        r"\b(?:stopped|quit|stopping|quitting|not taking|no longer taking|refuse to take|refusing to take|came off|coming off|skipping|skipped|ditched|threw away|binned|flushed|gave up) (?:taking )?(?:all )?(?:of )?(?:my |the )?(?:{VITAL})\b(?: \S+){0,12} (?:do not care|what is the point|no point|do not see the point|who cares|let it happen|let (?:it|nature) (?:kill me|take its course)|hope it kills me|see what happens|if i die|whatever happens|what happens|does not matter|do not want to (?:live|be here)|nothing matters|might as well|rather die|why bother|on purpose|anymore|any more)\b|\b(?:do not care|what is the point|no point|who cares|why bother|nothing matters|do not want to live)\b(?: \S+){0,10} (?:stopped|quit|not taking|no longer taking|refusing|came off|skipping|binned|flushed) (?:taking )?(?:all )?(?:of )?(?:my |the )?(?:{VITAL})\b",
    ),
    // Voices that tell them to hurt themselves or others.
    (
        "crisis.command_voices",
        "mania_psychosis",
        C,
        NEG | HIST | MEDIA_3P,
        r"\bvoices?\b(?: \S+){0,4} (?:tell|telling|told|tells|say|saying|said|says|want|wants|order|ordering|command|commanding|keep telling|keeps telling) (?:me )?(?:to|that i should|i should|i have to|i must) (?:hurt|kill|harm|cut|end|die|jump|stab|hit|punish|poison|drown|burn|attack)\b",
    ),
    (
        "crisis.near_attempt",
        "suicidal_ideation",
        C,
        NEG | MEDIA_3P | HIST,
        r"\b(?:nearly|almost|came so close to|came close to|so close to) (?:did|done|doing|went through with|go through with|going through with) it\b(?: \S+){0,4} (?:last night|yesterday|this morning|today|this week|again|at the weekend|on the bridge|on sunday|on saturday)\b",
    ),
    // Self-harm.
    (
        "crisis.self_harm_verbs",
        "self_harm",
        C,
        NEG | HIST | ACC | SELF,
        r"\b(?:cut|cutting|cuts|burn|burning|burned|burnt|burns|hurt|hurting|hurts|harm|harming|harmed|harms|scratch|scratching|scratched|hit|hitting|hits|punch|punching|punched|bang|banging|banged|starve|starving|starved|punish|punishing|punished|bite|biting|bit|scar|scarring|scarred|carve|carving|carved|mutilate|mutilating|mutilated|choke|choking|choked|strangle|strangling|strangled|stab|stabbing|stabbed|bruise|bruising|bruised|slap|slapping|slapped|smack|smacking|smacked|pinch|pinching|pinched|headbutt|headbutting|claw|clawing|clawed) (?:at )?myself\b",
    ),
    (
        "crisis.self_harm_noun",
        "self_harm",
        C,
        NEG | HIST | MEDIA | SELF,
        r"\bself (?:harm|harming|harmed|injury|injuring|injure|injured|mutilation|mutilating|inflicted|hurt|hurting|harmer)\b",
    ),
    (
        "crisis.self_harm_body",
        "self_harm",
        C,
        NEG | HIST | ACC | SELF,
        r"\b(?:cutting|cut|slit|slitting|slice|slicing|sliced|carve|carving|carved|burn|burning|burned|burnt|scratch|scratching|scratched) (?:up )?(?:my |at my |into my )?(?:wrists|wrist|arms|arm|legs|leg|thighs|thigh|skin|stomach|hips|hip|belly)\b(?: (?:again|open|deep|with))?",
    ),
    (
        "crisis.urge_to_cut",
        "self_harm",
        C,
        NEG | HIST | SELF,
        r"\b(?:urge|urges|craving|cravings|itching|tempted|temptation) to (?:cut|burn|hurt|harm|self harm|bleed|feel pain)\b|\b(?:need|want|wanted|have) to (?:cut|bleed)(?: ,|$| again| so\b| and\b| but\b| because\b| tonight| right now| deep| myself)|\b(?:need|want|wanted) to (?:burn myself|hurt myself|harm myself|self harm|feel pain)\b|\b(?:relapsed|relapse|relapsing) (?:on|with|into)? ?(?:self harm|cutting|harming)\b|\bstarted (?:cutting|self harming|hurting myself) again\b|\bdeserve to (?:die|be hurt|be in pain|suffer|bleed|be punished)\b|\b(?:razor|blade|blades) (?:to|on|against) my (?:skin|wrist|wrists|arm|arms|leg|legs|thigh)\b|\bmake myself bleed\b|\bwant to feel pain\b|\b(?:hit|hitting|bang|banging|punch|punching|slam|slamming) (?:my head|my fist|my fists|my hand|my hands|my arm|myself) (?:against|into|on) (?:the |a )?(?:wall|walls|door|floor|table|mirror)\b",
    ),
    (
        "crisis.self_harm_bare",
        "self_harm",
        C,
        NEG | HIST | SELF,
        r"\b(?:used to|started|start|began|keep|been|have been) (?:cutting|cut|burning|self harming)(?: again)?(?: ,|$| and\b| but\b| because\b| when\b| to cope| to feel| on my| since\b| for (?:years|months|weeks))",
    ),
    (
        "crisis.self_harm_marks",
        "self_harm",
        C,
        NEG | HIST | SELF,
        r"\bi (?:cut|burned|burnt|hurt myself|harmed myself|scratched) again\b|\b(?:fresh )?(?:cuts|burns|wounds|scars) (?:on|all over|up and down) (?:my|his|her|their) (?:wrists|wrist|arms|arm|legs|leg|thighs|thigh|body|stomach|hips)\b|\bmy (?:wrists|arms|legs|thighs|wrist|arm|leg|thigh) (?:are|is) (?:covered in|full of|all) (?:cuts|burns|blood|cut up)\b",
    ),
    (
        "crisis.until_bleed",
        "self_harm",
        C,
        NEG | HIST | ACC | SELF,
        r"\buntil (?:i|it|my \w+|they|the skin) (?:bleed|bleeds|bled|bruise|bruises|bruised|break|breaks|scar|scars)\b",
    ),
    (
        "crisis.goodbye_message",
        "third_party_risk",
        C,
        NEG,
        r"\b(?:sent|texted|wrote|posted|left|sending|posting|writing) (?:me |us |her |him |them |everyone )?(?:a |an |this |some )?(?:goodbye|farewell|suicide|final|last) (?:message|messages|text|texts|note|notes|letter|letters|post|video|voicemail)\b",
    ),
    (
        "crisis.said_goodbye",
        "third_party_risk",
        C,
        NEG,
        r"\b(?:goodbye|goodbyes)\b.*\b(?:will not|not going to) be (?:around|here|alive)\b|\b(?:will not|not going to) be (?:around|here|alive)\b.*\b(?:goodbye|goodbyes)\b|\bsaid (?:her |his |their |my )?goodbyes?\b.*\bsorry\b|\bsorry for everything\b.*\b(?:goodbye|bye)\b|\b(?:goodbye|bye)\b.*\bsorry for everything\b",
    ),
    (
        "crisis.third_party_more",
        "third_party_risk",
        C,
        NEG | MEDIA,
        r"\b(?:is|are|was|has been|have been|keeps|started|been) (?:cutting|self harming|hurting (?:herself|himself|themselves)|harming (?:herself|himself|themselves)) again\b|\b(?:she|he|they) (?:is|are) cutting(?: ,|$)|\b(?:has|have|got|bought|keeps) (?:a |the )?(?:rope|noose|gun|pills|stash|razor blades)\b.*\b(?:talking about|talks about|keeps saying|said|says)\b",
    ),
    (
        "crisis.third_party_self_harm",
        "third_party_risk",
        C,
        NEG | MEDIA | ACC,
        r"\b(?:kill|killing|kills|hurt|hurting|hurts|harm|harming|harms|cut|cutting|cuts|hang|hanging|hangs|shoot|shooting|starve|starving|burn|burning|off|offing|end) (?:himself|herself|themselves|themself|his self|her self)\b|\b(?:end|ending|take|taking) (?:his|her|their) (?:own )?life\b|\b(?:he|she|they|my \w+|my best friend) (?:is|are|seems|seem|sounds|sound|might be|may be|has been|have been|was|were|said (?:he|she|they) (?:is|was|were|are|feel|felt)) (?:\w+ )?suicidal\b|\b(?:he|she|they|friend|brother|sister|son|daughter|mom|dad|mother|father|partner|husband|wife|boyfriend|girlfriend|roommate|cousin|uncle|aunt|student|kid|child|colleague|coworker|someone|somebody|neighbour) (?:\w+ )?(?:is |has |keeps |was |have |are )?(?:threatening|threatened|threatens|talking about|talks about|talked about|keeps talking about|mentioned|mentions|planning|plans|tried|attempted|posted about|posting about|joked about|joking about|texted about|writing about|wrote about) (?:to )?(?:suicide|killing (?:himself|herself|themselves)|ending (?:it|it all|his life|her life|their life)|dying|wanting to die|commit suicide)\b|\b(?:his|her|their) suicide (?:note|plan|letter)\b|\b(?:he|she|they|my \w+) (?:is|are|was|keeps|keep|says|said) (?:\w+ )?(?:going to|about to|planning to|threatening to|trying to|wants to|want to|will) (?:jump|overdose|od|take all (?:his|her|their) pills)\b",
    ),
    // Harm to others.
    (
        "crisis.harm_others",
        "harm_to_others",
        C,
        NEG | TRIV | HIST,
        r"\b(?:want to|wanted to|wanting to|going to|am going to|will|about to|feel like|felt like|might|plan to|planning to|planning on|have to|need to|tempted to|urge to|urges to|thoughts of|thoughts about|fantasies about|fantasies of|dreams about|dreams of|thinking about|thinking of|fantasi[sz]e about|fantasi[sz]ing about|dream about|dreaming about|scared i will|afraid i will|scared i might|afraid i might|scared i am going to|afraid i am going to|worried i will|worried i might|snap and|lose it and|lose control and|losing control and|lose my temper and|flip and|flip out and|crack and|go too far and|almost|nearly|keep wanting to|imagine|imagining|see myself|picture myself|imagine myself|catch myself|picture|picturing|visuali[sz]e|visuali[sz]ing|daydream about|daydreaming about|daydreams about|obsessing about|obsessed with) (?:(?:{VIOLENT}) (?:{PERSON})|(?:beat|beating) (?:my|the|our|his|her) (?:{REL})|(?:beat|beating) (?:{PERSON}) up|(?:smash|smashing|bash|bashing|break|breaking|cave|caving|punch|punching|kick|kicking|slash|slashing|stab|stabbing) (?:his|her|their|someone|that \w+|my \w+|the \w+) (?:s )?(?:face|head|skull|teeth|jaw|legs|neck|nose|throat)(?: in)?)\b",
    ),
    (
        "crisis.harm_others_vehicle_or_weapon",
        "harm_to_others",
        C,
        NEG | TRIV | HIST | MEDIA,
        r"\b(?:want to|wanna|going to|gonna|will|feel like|could|might|about to|thinking of|thinking about) (?:run|running|mow|mowing) (?:{PERSON}) (?:over|down)\b|\b(?:get|getting|grab|grabbing|take|taking|bring|bringing|use|using) (?:my |his |her |the |a |my \w+ s |my \w+ )?(?:gun|rifle|shotgun|pistol|knife|machete|bat|baseball bat|crowbar) (?:and|to) (?:teach|show|scare|sort|deal with|go after|get|shoot|stab|kill|hurt|make) (?:{PERSON}|those \w+|that \w+|the \w+)\b",
    ),
    (
        "crisis.harm_others_weapon",
        "harm_to_others",
        C,
        NEG | TRIV,
        r"\bshoot up (?:the|my|a|our) (?:school|office|work|workplace|place|mall|church|class|college|university|party)\b|\b(?:bring|take|bringing|taking) (?:a |my |the )?(?:gun|knife|weapon|bomb) (?:to|into) (?:school|work|the office|class|college|church)\b|\bmake them all pay\b|\b(?:kill|hurt) (?:them|everyone|everybody|people) (?:all|at (?:school|work))\b|\bmake a bomb\b",
    ),
    // Abuse and threats at home.
    (
        "crisis.threatened",
        "domestic_abuse",
        C,
        NEG | THREAT_IDIOM | HIST,
        r"\b(?:{PERP}) (?:is|are) going to (?:kill|hurt|murder|stab|shoot|strangle) (?:me|us|my (?:kids|kid|children|son|daughter|baby))\b|\b(?:scared|afraid|terrified|frightened|worried|fear) (?:that )?(?:{PERP}) (?:will|is going to|is gonna|might|could|would|is actually going to) (?:\w+ )?(?:kill|murder|seriously hurt|stab|shoot|strangle|beat) (?:me|us|my (?:kids|kid|children|son|daughter|baby))\b|\b(?:said|says|told me|threatened|threatens|swore|swears|keeps saying) (?:that )?(?:he|she|they) (?:will|would|is going to|was going to|is gonna) (?:kill|hurt|murder|stab|shoot|strangle|take) (?:me|us|my (?:kids|kid|children|son|daughter|baby)|the kids|himself|herself)\b|\b(?:{PERP}) (?:would|will) kill (?:me|us) if i (?:leave|left|tell|told|go|went|call|called|report|reported|speak|talk)\b|\b(?:said|says|told me|threatened|threatens|swore|swears|keeps saying|warned me|warns me) (?:that )?(?:he|she|they) (?:will|would|is going to|was going to|is gonna|could) (?:burn (?:the house|the flat|the place|our house|our flat|it|us) down with (?:me|us|the kids)|set (?:me|us|the house|the flat) on fire|set fire to (?:me|us|the house|the flat)|run me over|break my (?:neck|legs|arms|jaw|face)|slit my throat|make me disappear|end me|bury me|finish me off|put me in (?:the )?(?:hospital|ground|grave))\b|\b(?:threatens|threatened|threatening|keeps threatening) (?:me|us|my|to (?:kill|hurt|hit|beat|take the kids|take my kids|take the baby|leave me with nothing))\b|\b(?:death|violent) threats?\b",
    ),
    (
        "crisis.abuse",
        "domestic_abuse",
        C,
        NEG | HIST,
        r"\b(?:{PERP}) (?:(?:always|keeps|often|sometimes|still|just|also|really|then|even|regularly|constantly|has|had|has been|was|actually|once|twice|literally|basically) )?(?:hits|hit|beats|beat|punches|punched|kicks|kicked|slaps|slapped|chokes|choked|strangles|strangled|pushes|pushed|shoves|shoved|hurts|hurt|abuses|abused|rapes|raped|assaults|assaulted|attacks|attacked|burns|burned|locks|locked|grabs|grabbed|throws things at|threw things at|keeps hitting|keeps hurting|bit|bites|spits on|spat on|smacks|smacked|molests|molested) (?:me|us|my (?:{REL}))\b|\b(?:sexually (?:abused|assaulted|harassed)|raped|molested|was assaulted|being abused|been abused|was abused|am abused|being hit|being beaten|being hurt at home)\b|\b(?:domestic (?:violence|abuse)|abusive (?:relationship|partner|husband|wife|boyfriend|girlfriend|home|parents|parent|dad|mom|father|mother|household|marriage|ex))\b|\b(?:{PERP}) (?:keeps|kept|has been|is|was|always|started|starts|comes|came)\b(?: \S+){0,8} (?:touching|groping|feeling) me\b|\b(?:{PERP}) (?:touches|touched|touching) me\b(?: (?:inappropriately|where|when|at night|and|in ways|without|down there))?|\b(?:{PERP}) (?:will not|does not|do not|never) let me (?:leave(?: ,|$| the (?:house|flat|home|room|relationship|country)| home| him| her| them| without| on my own| alone| or\b| and\b)|go out|go anywhere|see (?:my )?(?:friends|family|mom|dad|sister|brother|parents|anyone)|have (?:money|my phone|my own money|a phone|my own bank|a bank card|my own card|my bank card|access to|any money|the car|my own phone|friends)|out of (?:the|his|her) sight|eat|sleep|work|get a job|talk to (?:anyone|my))\b|\bcontrols (?:my money|everything i do|who i see)\b|\b(?:{PERP}) (?:gets|is|becomes|can be|has been|was|got|getting) (?:really |very |more )?(?:violent|abusive|physical with me|aggressive with me|rough with me)\b|\b(?:forces|forced|made|makes|pressures|pressured) me (?:to )?(?:have sex|sleep with|do sexual|do things i do not want)\b|\b(?:threw|throws|throwing) (?:things|stuff|something|objects|food|punches|(?:a|an|the|his|her|their|my|hot|boiling|some) (?:[a-z]+ )?(?:plate|glass|bottle|chair|knife|cup|mug|shoe|book|remote|lamp|phone|brick|stone|rock|drink|hammer|pan|pot|kettle|water|coffee|tea|bowl|vase|laptop|controller|ashtray|bat|stick|toy|boot|keys|iron|fork|tin|can|food)s?|(?:plates|glasses|bottles|chairs|knives|cups|mugs|shoes|books|stones|rocks|bricks)) at me\b|\b(?:threw|thrown|throws|slammed|slams|pinned|pins|shoved|pushed|dragged|drags|kicked) me (?:against|into|onto|down|across|to the|out of (?:the |a |his |her |their |my )?(?:window|moving car|car|bed))\b",
    ),
    (
        "crisis.abuse_habitual",
        "domestic_abuse",
        C,
        NEG | HIST,
        r"\b(?:hits|beats|punches|kicks|slaps|chokes|strangles|shoves|batters|bites|burns) (?:me|us)\b|\band (?:hit|hits|beat|punched|kicked|slapped|choked|pushed|shoved|hurt) me\b",
    ),
    (
        "crisis.abuse_of_others",
        "abuse",
        C,
        NEG | HIST | TRIV,
        r"\b(?:he|she|they|my (?:{REL})|(?:{REL_ADULT})) (?:is|are|was|can be|gets|has been|have been|being|became) (?:really |very |so |quite |getting )?(?:abusive|violent)(?: ,|$| to\b| towards| with| when| and| again)|\b(?:hits|beats|punches|kicks|chokes|strangles|abuses|rapes|molests|batters|beat up|beats up) (?:her|him|them|my (?:{REL}))\b|\bcould (?:kill|murder|hurt|strangle|stab) (?:{PERSON})\b.*\b(?:i mean it|i am serious|not joking|for real|seriously)\b",
    ),
    (
        "crisis.afraid_of_partner",
        "domestic_abuse",
        C,
        NEG | HIST,
        r"\b(?:afraid|scared|terrified|frightened) (?:of|to go home to|to be around|to be alone with) (?:my (?:{REL_ADULT})|him|her)\b|\b(?:afraid|scared|terrified|frightened) (?:to go home|of going home)\b|\b(?:afraid|scared|terrified|frightened|worried) (?:of )?what (?:he|she|they|my (?:{REL_ADULT})) (?:will|might|could|is going to|would) do(?: to me| to us| to the kids| next)?(?: ,|$| to| if| when)|\b(?:afraid|scared|terrified) (?:he|she|they) (?:will|might|is going to|are going to) (?:kill|hurt|hit|beat) (?:me|us|the kids|my)\b",
    ),
];

/// Everyday contexts that explain away the broad fallback families (see [`BENIGN`]).
const BENIGN_RE: &str = r"\b(?:charity|charity shop|donat\w*|declutter\w*|moving (?:house|out|abroad|flat|away)|clear(?:ing)? out|spring clean\w*|car boot|selling|sold|sell|outgrown|old (?:clothes|stuff|things|toys|books|furniture)|holiday|vacation|trip|business trip|festival|camping|swing|tire swing|tyre swing|climbing|hammock|boat|sailing|tent|washing line|clothes line|hunting|shooting range|clay pigeon|gardening|photo|photos|photograph\w*|pictures|sunset|sunrise|the view|views|scenery|sightseeing|tourist|tourists|ducks|swans|boats|fishing|wedding|leaving do|leaving party|new job|retir\w*|bridge club|fixing|repair\w*|gutter|gutters|roof tiles|aerial|antenna|solar panels|tug of war|gym|crossfit|skipping|jump rope|for work|for fun|pest|rats|mice|weeds|slugs|barbecue|bbq|hose the|water the|the lawn|lovely|beautiful|walking the dog|with (?:my |the )?(?:dog|friends|family|kids|partner|boyfriend|girlfriend|husband|wife|class)|chores|lunchbox|homework|reminder|reminders|shopping list|grocery|groceries|recipe|instructions|birthday card|christmas card|thank you|new house|new flat|uni|university|graduation|my flight|the airport|leaving (?:the country|town|the city|for|to go|my job|work|the company|school|uni)|emigrat\w*|abroad|contract|lease|visa|relocat\w*|period pains|period pain|cramps|migraines|migraine|headaches|headache|back pain|toothache|arthritis|gorgeous|stunning|amazing|breathtaking|seals|dolphins|waves)\b|\bfor (?:the|a|my|our|his|her) (?:garden|dog|boat|swing|tent|gym|shed|garage|car|project|class|team|wedding|party|move|camping|climbing|yard|farm|horse|van)\b|\bto (?:tie|climb|secure|tow|hang up|hang the|hang a|hang my|hang our|clean|practi[sc]e|skip)\b";

/// Broad fallback families for risk said in words the specific rules above do not know: ending
/// and not existing, farewell preparation, acquiring or keeping the means, being at a height,
/// relapse, and third parties reporting the same. Written to generalise, so each family carries
/// the negation, history and media guards and, where the words have everyday uses, [`BENIGN`].
const FALLBACK: &[Row] = &[
    (
        "fallback.no_way_out",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA_3P | SELF,
        r"\b(?:no|not any|not a|can not see a|can not see any|do not see a|do not see any|can not find a|can not find any|only one) (?:other )?(?:way out|escape|exit|way to escape|way forward)\b(?: \S+){0,6} (?:death|dying|die|suicide|ending it|end it|killing myself|kill myself|not being here)\b|\b(?:do not|can not|no longer) (?:see|picture|imagine) (?:a |any |my )?future\b(?: \S+){0,6} (?:alive|still here|still around|around|in it|living)\b|\b(?:do not|can not) (?:see|picture|imagine) (?:myself|me) (?:in|having) (?:a |any )?future\b|\b(?:do not|can not|no longer) (?:see|picture|imagine|have) (?:a |any )?future (?:for (?:myself|me)|ahead of me|left)(?: ,|$| anymore| any more| at all| now)|\b(?:there is|i have|i have got|i got) no (?:future|tomorrow) (?:for me|for myself|left for me|ahead of me)(?: ,|$| anymore| any more| at all| now)|\bno (?:reason|point) (?:for me )?(?:to|in) (?:stay alive|staying alive|keep living|keep going|be alive|being alive|exist|existing)\b|\bcan not (?:keep|keep on|continue) (?:doing )?(?:this )?(?:life|living|existing|being alive)\b|\bnothing (?:left )?(?:keeping|holding|keeps|holds) me (?:here|alive|going|in this world|on this earth)\b|\bnothing (?:left )?to stay (?:alive )?for\b|\b(?:do not|can not|no longer) (?:see|picture|imagine|envision) (?:myself|me) (?:being |staying |still )?(?:alive|still alive|still around|around (?:next|in|by|much longer|for long)|making it (?:to|through|past))\b|\bmade (?:my )?peace\b(?: \S+){0,8} (?:ready to go|ready to die|ready(?: ,|$)|time to go|with dying|with death|with leaving|with it all|with going)\b|\bready to go (?:for good|forever|to the other side|to sleep forever)\b|\bwill not (?:need|be needing) (?:it|them|this|that|these|those|my \w+|any of (?:it|this|that|them)) (?:where i am going|after (?:tonight|this week|tomorrow)|for much longer|once i am gone|when i am gone)\b|\bwhere i am going\b(?: \S+){0,4} (?:will not|do not|no) need\b",
    ),
    (
        "fallback.ending_self",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA_3P | SELF,
        r"\b(?:want|wanna|wish|ready|long|going|need|hope|hoping|wanting) to (?:(?:go to|be in) heaven(?: ,|$| now| tonight| soon| already| and be with| to be with| with| to see)|be up there with|join (?:my |our )?(?:\w+ ){0,2}(?:in heaven|up there|on the other side|in the grave))\b|\b(?:do not|no longer|not sure i|do not know if i|do not think i) want to (?:survive|make it|get through this|be saved|be rescued|recover|get better)\b|\b(?:do not think|not sure|doubt|do not know if) i (?:can|could|will) survive\b(?: \S+){0,8} (?:do not|no longer) want to(?: ,|$)|\bdone with (?:everything and everyone|everyone and everything|everything and everybody|everybody and everything|it all(?: ,|$| for good| forever)|all of it(?: ,|$)|all of this(?: ,|$)|the world|this world|everything for good|everyone for good|everything forever|being here|being a person)\b|\b(?:i am|i am going to|i will|i want to|i wanna) (?:stop|quit) (?:living|existing|being alive|breathing)\b|\b(?:planning|planned|plan|thought|thinking|worked|working|figured|figuring|decided|deciding|know|picked|picking|chose|chosen|choosing) (?:out |about )?(?:exactly )?(?:how|when|where|the (?:day|date|night|place|spot|time)) (?:i would|i will|i am going to|i could|i am gonna|i can|i am) (?:do it|end it|go through with it|go|finally do it|finally end it)(?: ,|$| \w+)|\b(?:planning|planned|plan|thinking|figuring|figured|working|worked|researching|deciding) (?:out )?(?:exactly )?(?:how|when|where) to (?:do it|end it|go through with it)(?:$| and (?:i am|it is) (?:scared|ready|not scared)| without (?:anyone|them|my \w+) knowing| so (?:nobody|no one) (?:finds|knows|can))",
    ),
    (
        "fallback.absence_better",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA_3P | SELF,
        r"\b(?:better|easier|happier|fine|lighter|relieved|glad|freer|simpler|calmer|at peace|better off|favour|favor|relief|blessing)\b(?: \S+){0,6} (?:if|when|once) i (?:died|die|killed myself|was to die|were to die|did not exist|never existed|stopped existing|ended it|ended my life|disappeared(?: ,|$| for good| forever| for ever))\b|\b(?:better|easier|happier|fine|lighter|relieved|freer|simpler|calmer|at peace|better off)\b(?: \S+){0,6} if i (?:was|were|am|got|just|was just|were just) (?:not (?:around|here|alive|in the picture|in their lives|in the way)|no longer (?:around|here|alive)|gone|dead|out of the picture|out of the way)\b|\bif i (?:was|were) (?:not (?:around|here|alive)|no longer (?:around|here|alive)|gone|dead)\b(?: \S+){0,6} (?:better|easier|happier|fine|relieved|lighter|freer|at peace|better off|would not (?:care|notice|matter))\b|\b(?:imagining|imagine|picturing|picture|fantasi[sz]ing about|daydreaming about|dreaming about|thinking about|think about) (?:me |myself )?(?:not being (?:here|alive|around)|not existing|being dead|being gone for good|never waking up|not waking up)\b|\bi want out(?: ,|$| of everything| for good)|\b(?:do not|no longer) want to be a burden (?:anymore|any more|any longer|to anyone|on anyone|to everyone|to anybody)\b|\bi am (?:just |only |nothing but |literally )?(?:taking up space|a waste of (?:space|oxygen|air|a life|a person))\b(?: ,|$| and\b| here\b| on this earth\b| in this world\b| in everyone s life\b)",
    ),
    (
        "fallback.not_here_by",
        "suicidal_ideation",
        C,
        HIST | MEDIA_3P | SELF | BENIGN,
        r"\bi (?:will not|am not going to|am not gonna|would not|probably will not|might not) (?:still )?be (?:here|around|alive) (?:next (?:week|month|year)|by (?:then|christmas|next \w+|the end of \w+(?: \w+)?|summer|my birthday|the weekend|new year)|much longer|for much longer|for long|in a (?:week|month|year)|to see (?:it|christmas|my birthday|next \w+))\b|\b(?:do not think|doubt|not sure if|not sure) i will (?:still )?be (?:here|around|alive) (?:by|next|for|much longer|at|in a|to see)\b|\baffairs in order\b(?: \S+){0,6} (?:so (?:nobody|no one|they|my \w+) (?:has|have|does not have|will not have) to|for when i am gone|after i am gone|before i go|when i am gone)\b|\b(?:wrote|written|writing|texted|messaged|called|rang|phoned|emailed|wrote letters) (?:to )?(?:everyone|everybody|all the people|the people|each person) i (?:love|care about)\b",
    ),
    (
        "fallback.self_destructive_act",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA_3P | SELF,
        r"\b(?:think|thinking|thought|thoughts|imagine|imagining|picture|picturing|fantasi\w+|dream|dreaming|daydream\w*|urge|urges|tempted|want|wanna|wanting|considering|consider|keep) (?:\w+ ){0,2}(?:about |of )?(?:crashing (?:my|the) car|driving (?:my car |the car )?(?:into|off)|steering (?:into|off)|swerving into|walking into (?:the )?(?:traffic|sea|ocean|river|lake)|(?:walk|run|running|step|stepping|throw myself|throwing myself|jump|dart|darting|wander|wandering|drive|veer|veering) (?:out )?(?:into|in front of) (?:the |a |an |some )?(?:oncoming )?(?:traffic|road|motorway|highway|car|bus|train|lorry|truck)|stepping (?:out )?in front of|jumping (?:off|from|in front of)|drowning myself|hanging myself|taking (?:all|every one) of (?:my|the) (?:\w+ )?(?:{DRUG}))\b|\b(?:walk|swim|drive|go|wade|walking|swimming|driving|going|wading) (?:into|out into|out to|off|out) (?:\w+ ){0,3}and (?:not|never) (?:come back|return|come home|come out)\b|\bwhich (?:pills|meds|drugs|tablets|medication|medicines|poison|\w+) (?:would|will|could|can|might) (?:do it|do the job|finish it|end it|finish me|finish me off)\b|\b(?:bought|got|ordered|buying|getting|have|sharpened) (?:a |some |new |a new |my )?(?:\w+ )?(?:razor|razors|razor blade|razor blades|blade|blades|knife|scalpel|craft knife|box cutter|stanley knife|pencil sharpener) (?:to cut|for cutting|to use on myself|so i can cut|to hurt myself|for my (?:arms|wrists|legs|thighs))\b|\b(?:knife|gun|rope|pills|blade|razor|belt|tablets)\b(?: \S+){0,10} in case i (?:decide|need|want|choose) to (?:use it|use them|do it|go through with it)\b",
    ),
    (
        "fallback.first_person_wish",
        "suicidal_ideation",
        C,
        NEG | INNER_NEG | OTHER_SUBJ | HIST | MEDIA_3P | SELF | BENIGN,
        r"\bi (?:[^ ,]+ ){0,3}(?:want|wanna|wanted|wish|wishing|wished|hope|hoping|ready|plan|planning|planned|thinking|think|thought|thoughts|imagine|imagining|picture|picturing|tempted|urge|urges|considering|consider|considered|rather|fantasi\w+|dream|dreaming|daydream\w*|long|longing|crave|craving|need|deserve|decided|deciding|pray|praying|close to|so close to|obsessed|obsessing|keep|kept)\b (?:[^ ,]+ ){0,6}(?:die|dying|be dead|being dead|not (?:be|being) (?:here|alive|around)(?: anymore)?|not exist|not existing|stop existing|stop living|be gone (?:forever|for good|for ever)|disappear(?:ing)? (?:forever|for good|permanently|for ever)|never wake up|never waking up|not wake up|not waking up|end it all|ending it all|end my life|ending my life|end everything|ending everything|end things|ending things|kill myself|killing myself|my (?:own )?(?:death|funeral)|suicide|take my (?:own )?life|taking my (?:own )?life|overdos(?:e|ing)|hang myself|hanging myself)\b",
    ),
    (
        "fallback.farewell",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA | SELF | BENIGN,
        r"\b(?:giving|gave|give|given|started giving|give|giving) (?:all |most |some )?(?:of )?(?:my|his|her|their|away my|away his|away her|away their|away all (?:of )?(?:my|his|her|their)|away most of (?:my|his|her|their)) (?:stuff|things|belongings|possessions|pets|prized \w+|treasured \w+|favourite \w+|favorite \w+|jewellery|jewelry|savings|collection)(?: away)?\b|\b(?:gave|giving|give|rehomed|rehoming|rehome|found a home for) (?:away )?my (?:dog|cat|pet|pets|dogs|cats|rabbit|hamster|bird|fish)\b(?: \S+){0,10} (?:not|never) (?:be )?(?:around|here|alive|coming back)\b|\bi (?:will not|am not going to|am not gonna|would not) be (?:around|here|alive) (?:to (?:look after|take care of|care for|feed|walk|raise|see (?:him|her|them|my \w+) grow)|for (?:much longer|long|christmas|his birthday|her birthday|my birthday)|anymore|any more|any longer)\b|\b(?:note|notes|letter|letters|message|messages|video|voicemail|will)\b(?: \S+){0,10} in case (?:something happens to me|anything happens to me|i do not (?:make it|wake up|come back|survive)|i am (?:not here|gone|not around))\b|\b(?:wrote|written|writing|left|leaving|hid|hidden|leave) (?:\w+ )?(?:letters|notes) (?:to|for) (?:each of |all of )?(?:my (?:kids|children|family|parents|wife|husband|partner|mum|mom|dad|sister|brother|friends|boys|girls|son|daughter)|everyone|everybody|all of them|the people i love)\b|\b(?:posted|sent|texted|wrote|left|put up|shared|recorded) (?:me |us |everyone |her |him )?(?:a |an |this |some )?(?:goodbye|farewell)(?: ,|$| on | to | online| last night| tonight| and)|\b(?:saying|said|say|been saying) (?:my )?goodbyes? (?:to (?:\w+ ){1,3})?(?:without (?:them|anyone|him|her|people|everyone) knowing|in my head|secretly|quietly|in secret)\b|\b(?:sorting|sorted|getting|got|putting|put|writing|wrote|making|made|updating|updated) (?:out )?(?:my )?(?:affairs|will|last wishes|funeral (?:plans|wishes))(?: in order)?\b(?: \S+){0,8} (?:giving|gave|goodbye|goodbyes|note|notes|letter|letters|not be around|not be here|before i go|when i am gone)\b",
    ),
    (
        "fallback.means_acquired",
        "method_access",
        C,
        NEG | HIST | MEDIA | SELF | BENIGN,
        r"\bi (?:have |had |just |finally |went and |went out and |secretly )*(?:bought|got|ordered|purchased|got hold of|picked up|found|took|borrowed|stole) (?:a |some |the |myself a |a length of |a new |some more |more |a bag of |a bottle of |my \w+ s |his |her )?(?:rope|noose|gun|handgun|pistol|firearm|charcoal|helium|rat poison|poison|weed killer|weedkiller|hose|hosepipe|hose pipe|shotgun|rifle|bullets|ammo|ammunition)\b|\b(?:rope|noose|gun|pills|tablets|knife|knives|knife block|razor|blade|blades|belt|bleach|poison|cord|rifle|shotgun|pistol|bridge|tracks|balcony|window|ledge)\b(?: \S+){0,10} (?:thinking|think|thought|thoughts|tempted|urge|urges|want|wanting) (?:about |of )?(?:using|to use) (?:it|them)\b|\b(?:looking|look|looked|staring|stare|stared) at (?:the |my |a )?(?:rope|noose|gun|pills|tablets|knife|knives|knife block|razor|blade|blades|belt|bleach|cord|rifle|shotgun|pistol|bridge|tracks|medicine cabinet)\b(?: \S+){0,4} (?:thinking about (?:it|doing it|using it|it again)|wondering|thinking how|thinking what if)(?: ,|$| again| every| all)|\b(?:{DRUG}) (?:saved|stashed|hidden|hid|put away|set aside|put aside|stored|ready)(?: \w+){0,2} (?:for when (?:it|things|i am ready|i have had|i can not|the time|i decide|enough)|for the day|for one day|for if i|for my exit)\b|\b(?:saving|saved|been saving|stockpil\w*|hoard\w*|stash\w*|squirrel\w* away|hiding|hidden|hid|keeping|kept|storing|stored|collected|collecting|gathered|gathering|saving up|saved up) (?:up )?(?:enough |all |some |a lot of |loads of |most of )?(?:of )?(?:my |the |these |those )?(?:\w+ )?(?:{DRUG})\b(?: \S+){0,6} (?:for when|just in case|in case|to do it|to end it|for later|for the day|for one day|until i|to take all|enough)\b|\b(?:saving up|saved up|been saving|stockpil\w*|hoard\w*|stash\w*|squirrel\w* away) (?:up )?(?:enough |all |some |a lot of |loads of |most of )?(?:of )?(?:my |the |these |those )?(?:\w+ )?(?:{DRUG})\b|\b(?:have|got|collected|saved|gathered|there is) enough (?:\w+ )?(?:{DRUG}) (?:now |saved |stashed |hidden )?(?:to do it|to end it|to not wake up|for when|to make sure|to finish it)\b",
    ),
    (
        "fallback.overdose_effects",
        "overdose",
        E,
        NEG | PASTDOWN | HIST | MEDIA_3P,
        r"\b(?:already|just|have|i) (?:taken|took|swallowed|downed|had|done) (?:the pills|the tablets|the meds|them|them all|all of them|all of it|all my|all the|the lot|the whole|the rest|everything|the stuff|it)\b(?: \S+){0,8} (?:sleepy|drowsy|dizzy|woozy|numb|faint|weird|strange|heavy|tingly|kicking in|blurry|racing|throwing up|vomiting|going dark|fading|can not keep my eyes open|can not feel|can not stay awake|slipping away|falling asleep)\b",
    ),
    (
        "fallback.method_research",
        "method_request",
        C,
        0,
        r"\bhow (?:long|quickly|fast|much time) (?:it takes|does it take|would it take|will it take|it would take|until you|until someone|before you|before someone|to) (?:to )?(?:die|drown|bleed out|bleed to death|suffocate|hang|overdose|od|lose consciousness and die|stop breathing|be dead)\b",
    ),
    (
        "fallback.height",
        "suicidal_ideation",
        C,
        NEG | HIST | MEDIA | SELF | BENIGN,
        r"\b(?:looked|looking|look|googled|googling|searched|searching|checked|checking|researched|researching|found out|asked|measured|measuring) (?:up |into )?how (?:high|tall|far down|deep|far|long the drop|big the drop) (?:up |down )?(?:the |that |this |a |it is from the )?(?:bridge|cliff|cliffs|drop|fall|roof|building|car park|multi storey|water|balcony|tower block|overpass)\b|\b(?:bridge|cliff|cliffs|roof|rooftop|ledge|tracks|railway|car park|overpass|multi storey|balcony)\b(?: \S+){0,8} (?:looking|look|looked|staring|stare|stared|gazing) (?:down|over the edge|at the (?:water|drop|ground|tracks|trains|cars|traffic) below|at the drop)\b|\b(?:going|went|go|keep going|been going|walked|walk|drove|drive) (?:up )?to (?:the |a )?(?:bridge|cliff|cliffs|cliff edge|tracks|railway|multi storey|top of the \w+(?: \w+)?) (?:every night|at night|each night|again and again|every day|alone at night)\b",
    ),
    (
        "fallback.at_height_now",
        "suicide_attempt",
        E,
        NEG | MEDIA | BENIGN,
        r"\bi am (?:standing |sitting |stood |sat |up |out |lying |laying |kneeling )?(?:on|at) (?:the |a |this |top of the |top of a |the top of the |the edge of the |the edge of a |the side of the )?(?:bridge|ledge|edge|cliff|cliff edge|cliff top|railway tracks|train tracks|tracks|railway line|overpass|balcony railing|railing|parapet|roof edge|edge of the roof|car park roof|multi storey|tower block|building)(?: (?:right now|now|again|tonight|alone|at night|in the dark))?(?: ,|$)",
    ),
    (
        "fallback.marks_and_means",
        "self_harm",
        C,
        NEG | HIST | ACC | SELF,
        r"\b(?:carved|carving|carve|etched|etching|cut|cutting|scratched|scratching) (?:\w+ ){1,3}into my (?:skin|arm|arms|leg|legs|thigh|thighs|wrist|wrists|stomach|hip|hips|body)\b|\b(?:vodka|whiskey|whisky|wine|alcohol|booze|gin|rum)\b(?: \S+){0,8} (?:{DRUG})\b(?: \S+){0,6} (?:i am done|i am ready|that is it|goodbye|this is it|tonight is the night)\b|\b(?:left|wrote|sent|texted) (?:me |us |her |him )?(?:a |an )?(?:note|message|letter|text) (?:saying|that says|to say) (?:(?:she|he|they|i) (?:is|are|am) )?(?:sorry|goodbye)(?: ,|$| and| for everything| to everyone)",
    ),
    (
        "fallback.relapse",
        "self_harm",
        C,
        NEG | ACC | SELF,
        r"\b(?:relaps\w*|slipped up|slipped|gave in|caved|broke my streak|lost my streak)\b(?: \S+){0,6} (?:cut|cutting|burn|burned|burnt|burning|self harm\w*|hurt myself|hurting myself|harmed myself|harming myself|the blade|the razor|scratch\w*)\b|\bi (?:\w+ ){0,2}(?:cut|burned|burnt|scratched|hit myself|hurt myself) again(?: ,|$| last| tonight| today| yesterday| this| and| after)|\b(?:keep wanting|kept wanting|wanting|been wanting|want) to (?:cut|burn myself|bleed|hurt myself|feel pain)(?: ,|$| again| so| and| but| tonight| so bad| really)|\b(?:used|use|using|took|take|taking|dragged|drag|pressed|press|held|hold) (?:a |the |my )?(?:razor|blade|blades|knife|lighter|scissors|compass|broken glass|glass|sharpener|pin|needle|cigarette|hot spoon|lighter) (?:on|to|against|across|into|over) (?:my |myself)(?:self|wrists|wrist|arms|arm|thighs|thigh|stomach|skin|hips|hip|belly|legs again|ankles)?\b",
    ),
    (
        "fallback.third_party_said",
        "third_party_risk",
        C,
        NEG | MEDIA,
        r"\b(?:said|says|saying|told me|tells me|keeps saying|kept saying|keeps telling me|texted|texts|messaged|posted|wrote|thinks|feels|admitted|confessed) (?:that )?(?:\w+ ){0,4}(?:better off (?:dead|without (?:him|her|them))|(?:does not|do not|no longer) want to (?:live|be alive|be here|exist|wake up|go on|be around)|wants to (?:die|disappear|end it|not exist|stop existing)|no (?:reason|point) (?:to|in) (?:live|living|going on|being alive)|(?:is|feels like) a burden|not (?:going to|gonna) be (?:around|here) (?:much longer|for long|anymore))\b|\b(?:texted|messaged|sent|called|rang|phoned|wrote|left) (?:me|us|everyone|her|him) (?:a )?(?:to say )?(?:goodbye|bye|farewell)\b(?: \S+){0,8} (?:not|will not|can not|no one can|nobody can) (?:answer|answering|pick up|picking up|respond|responding|reply|replying|reach)\b|\b(?:goodbye|farewell)\b(?: \S+){0,8} (?:will not|is not|not|can not) (?:answer|answering|pick up|picking up|respond|responding|reply|replying|reach (?:him|her|them))\b",
    ),
];

/// Possible but unclear risk: acknowledge and ask directly whether they are thinking of ending
/// their life or hurting themselves. Clear statements ("i want to die", "better off without
/// me") are crisis rules above and win; everyday causes ("like this with the broken boiler")
/// leave support behind.
const ASK: &[Row] = &[
    (
        "ask.cant_keep_going",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\bcan not (?:keep going|keep on going|go on|carry on|keep doing this|keep living|live|keep this up|do this|cope|keep it up) like this(?: ,|$| anymore| any more| any longer| much longer| for much longer)|\bcan not (?:keep going|keep on going|carry on|keep doing this|keep this up)(?: ,|$| anymore| any more| any longer| much longer)|\b(?:do not|no longer|can not) (?:know|see) how (?:much )?(?:more|longer) (?:of this )?i can (?:take|handle|cope with|stand|bear|do this|keep this up)\b|\bhow much more (?:of this )?(?:can i|am i supposed to|do i have to) (?:take|handle|bear|stand)\b",
    ),
    (
        "ask.no_point",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\bwhat is (?:even )?the point (?:of|in) (?:anything|it all|any of (?:it|this)|trying|even trying|carrying on|getting up|bothering|going on|everything|me)(?: anymore| any more| now)?(?: ,|$)|\bwhat is the point(?: anymore| any more)(?: ,|$)|\b(?:do not|can not|no longer) see (?:the |any )?point (?:anymore|any more|in anything|of anything|in trying|to anything|in any of it|in carrying on|in getting up)\b|\b(?:do not|can not) see the point(?: ,|$)|\bthere is no point (?:in anything|to anything|anymore|any more|in trying|to any of it|in carrying on)(?: ,|$)|\bno point (?:in )?(?:anything|trying|carrying on) (?:anymore|any more)\b|\bnothing (?:really |even |much )?matters (?:anymore|any more|any longer|now|to me (?:anymore|any more|now))(?: ,|$)|^(?:and |but |honestly |i feel like |it feels like )?nothing (?:really |even )?matters(?: ,|$)|\bwhy (?:do i|should i) (?:even )?(?:bother|try|keep trying|get up)(?: anymore| any more)?(?: ,|$)",
    ),
    (
        "ask.make_it_stop",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\bwant (?:it all|it|everything|all of it|all of this|all this|this|the pain|all the pain|the hurt|the world|my head|the thoughts|everything in my head) to (?:stop|be over|go away|just stop|just be over|just go away)(?: ,|$| now| please| already)|\bjust (?:want|need) (?:it|everything|this) (?:all )?(?:to )?(?:stop|over)(?: ,|$)|\b(?:make|making) (?:it|everything|the pain|this|it all) (?:all )?stop(?: ,|$| please)",
    ),
    (
        "ask.too_much",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\bcan not (?:do|take|handle|cope with|manage|deal with) (?:this|it|any of this|this life|anything)(?: anymore| any more| any longer)\b(?: \S+){0,6} (?:too much|all too much|too hard|so tired|exhausted|can not cope|falling apart|give up|giving up)\b|\b(?:too much|all too much|too hard)\b(?: \S+){0,6} can not (?:do|take|handle|cope with) (?:this|it|any of this)(?: anymore| any more| any longer)\b|\bi (?:am giving up|feel like giving up|want to give up|am ready to give up|am going to give up)(?: on (?:everything|it all|all of it|trying|myself|me))?(?: ,|$)|\bi give up on (?:everything|it all|all of it|myself|me)(?: ,|$)|\b(?:want to|going to|ready to|feel like|about to) giv(?:e|ing) up on (?:everything|it all|all of it|myself)(?: ,|$)",
    ),
    (
        "ask.tired_of_everything",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\b(?:tired|sick|exhausted|weary|fed up|worn out) (?:of|with) (?:everything|it all|all of it|everyone and everything|everything and everyone|all this|all of this|this life|my life|fighting|trying|struggling|being me|the struggle|carrying on|pretending to be okay|pretending i am okay)(?: ,|$| anymore| any more| now| honestly| really)|\bi am (?:so |just |really )?done with everything(?: ,|$| now| honestly| anymore)|\bi am (?:so |just |really )done(?: ,|$| now(?: ,|$))|\bi am (?:so |just |really )?done with it all(?: ,|$)",
    ),
    (
        "ask.others_better_off",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\b(?:everyone|everybody|they|they would all|they all|my family|my kids|my children|my wife|my husband|my partner|people|the world|everyone around me|my friends) (?:would|will|might) (?:all )?(?:honestly |probably |really |just )?be (?:so much |much |a lot )?(?:better off|happier|fine)(?: ,|$| anyway| honestly| really)|\bwould (?:anyone|anybody) (?:even )?(?:care|notice|miss me)\b|\bi am (?:such |just |only )?(?:a )?(?:burden|a weight|in everyone s way|in the way)(?: ,|$)",
    ),
    (
        "ask.hopeless",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"\b(?:nothing|it|things|life) (?:will|is going to|is ever going to) (?:never|ever) (?:get|be|feel) (?:any )?better\b|\b(?:nothing|it|things|life) will never (?:get|be|feel) (?:any )?better\b|\bnothing (?:will ever|is ever going to) (?:change|get better|be okay)\b|\bno hope (?:left|anymore|any more|for me)\b|\bi (?:have|have got) no hope(?: ,|$| left| anymore)|\b(?:stuck|trapped) (?:forever|for ever|and there is no way out|with no way out)\b",
    ),
    (
        "ask.not_here",
        "possible_risk",
        A,
        NEG | HIST | MEDIA_3P | EVERYDAY,
        r"^(?:i |honestly i |sometimes i |i just |i really )?(?:do not|no longer) (?:want|wanna) to be here(?: ,|$)|\b(?:want|wanna|need) to (?:disappear|vanish|run away from everything|get away from everything|escape from everything|escape everything)(?: for a (?:while|bit|few days|few weeks|little while))?(?: ,|$)|\b(?:want|wish i could|wanna|would love to) (?:just )?(?:go to )?sleep (?:for a (?:very )?long time|for a year|for weeks|for months|and not deal with (?:anything|anyone|it)(?: ever again)?|and never deal with)\b|\bnot (?:have to )?(?:deal with|face) (?:anything|anyone|any of it|it all) (?:ever )?again\b|\bi feel like (?:there is no|i have no) (?:way forward|future)(?: ,|$)",
    ),
];

/// Referral: outside a wellbeing companion's scope.
const REFER: &[Row] = &[
    (
        "refer.mania_psychosis",
        "mania_psychosis",
        R,
        NEG | HIST,
        r"\b(?:have not|has not|not|barely|hardly) slept (?:in|for) (?:\w+ ){0,2}(?:days|nights)\b(?: \S+){0,12} (?:can do anything|invincible|unstoppable|on top of the world|so much energy|full of energy|brilliant|genius|racing|chosen|special mission|mission from god|superpowers|never felt better|amazing plans|big plans|do not need sleep|do not need to sleep|do not even feel tired|not even tired|buzzing)\b|\b(?:up|awake) for (?:\w+ ){1,2}(?:nights|days)(?: straight| in a row| now)?\b(?: \S+){0,10} (?:can do anything|invincible|so many (?:brilliant |amazing |great )?(?:plans|ideas)|genius|brilliant|racing|chosen|special mission|superpowers|never felt better|do not need sleep|not even tired)\b|\bi (?:do not|no longer) need (?:to )?sleep (?:anymore|any more|at all)\b|\b(?:the )?(?:tv|television|radio|news|newsreader|newsreaders|computer|phone|internet|adverts|advert|billboards|songs|numbers|number plates|license plates|birds|neighbours|neighbors|people on tv|tvs|radios)(?: is| are| keeps| keep| has been| have been)? (?:(?:sending|giving) me (?:messages|signals|signs|codes|secret|hidden|instructions)|(?:talking|speaking) (?:to|about) me|(?:watching|spying on|reading) (?:me|my (?:mind|thoughts)))\b|\b(?:someone|somebody|people|they|the government|aliens|the neighbours|my neighbours|the neighbors|something|a chip) (?:\w+ )?(?:is|are|keeps|keep|has been|have been) (?:putting|inserting|planting|stealing|taking|controlling|reading|broadcasting|messing with) (?:(?:thoughts|things|ideas) (?:in|into) my (?:head|mind|brain)|my (?:thoughts|mind|brain))\b|\b(?:the )?voices (?:are|keep|have been|in my head|tell|told|say|said|keep telling|started|came back|are back) ?(?:telling|talking|saying|again|back|me|things|at me|to me)?\b|\bi (?:can |keep |have been |started )?(?:hear|hearing) (?:voices|a voice)(?: ,|$| that| nobody| no one| other| when| at night| in my head| telling| again| talking| all)",
    ),
    (
        "refer.diagnose_me",
        "diagnosis",
        R,
        NEG,
        r"\bdiagnose (?:me|my|this|what)\b|\bcan you diagnose\b|\bgive me a diagnosis\b|\bwhat is my diagnosis\b|\bwhat (?:disorder|condition|illness|mental illness|diagnosis|mental disorder|personality disorder) (?:do|might|could) i have\b|\b(?:should|do|could|can) i (?:get|be) (?:tested|assessed|evaluated|screened|diagnosed) (?:for|with)\b|\bam i (?:clinically )?(?:depressed|bipolar|autistic|schizophrenic|psychotic|anorexic|bulimic|mentally ill|manic|neurodivergent|adhd|ocd|a narcissist|a sociopath|a psychopath|having a breakdown|having a manic episode|having psychosis)\b|\b(?:symptoms|signs) of (?:adhd|add|bipolar|ptsd|ocd|autism|depression|an anxiety disorder|anxiety disorder|a personality disorder|bpd|borderline|schizophrenia|psychosis|an eating disorder|dementia|mania)\b",
    ),
    (
        "refer.do_i_have",
        "diagnosis",
        R,
        NEG,
        r"\b(?:do|could|might|would|can|may) (?:i|you think i|you tell if i|you tell me if i|i possibly|i maybe) (?:have|has|be having|be|be suffering from|suffer from|be showing signs of) (?:an? |some |the )?(?:{CONDITION}|anxiety|depression|cancer|diabetes|covid|an infection|a tumou?r|a concussion|long covid|chronic fatigue|fibromyalgia|trauma|an illness|a mental health condition)\b|\b(?:do you think|would you say|are you saying) i am (?:{CONDITION}|depressed|bipolar|autistic|psychotic|manic|anorexic|bulimic|mentally ill)\b|\bis (?:this|it|that) (?:depression|clinical depression|an anxiety disorder|adhd|bipolar|ptsd|ocd|a panic disorder|psychosis|mania|normal or (?:depression|a disorder|anxiety)|cancer|a tumou?r)\b",
    ),
    (
        "refer.i_think_i_have",
        "diagnosis",
        R,
        NEG,
        r"\b(?:think|wonder|wondering|suspect|worried|worry|if|whether|maybe|possible|possibly|chance|afraid|scared|know|confirm|check|assess|tell|say|decide|agree|sure) (?:that )?(?:i am|i have|i might have|i might be|i could have|i could be|i may have|i may be|i have got|i got|i suffer from|i am suffering from|i am a|i am on the) (?:an? |the )?(?:{CONDITION})\b|\b(?:want|need|get|getting|have) (?:a |an )?(?:diagnosis|assessment|psych evaluation|evaluation) (?:for|of)?\b",
    ),
    (
        "refer.is_this_condition",
        "diagnosis",
        R,
        NEG,
        r"\b(?:if|whether) (?:this|it|that|what i have|what i am feeling) is (?:an? )?(?:{CONDITION}|panic disorder|a panic attack|depression|anxiety|normal or)\b|\b(?:right|correct|max|maximum|safe|normal|usual|recommended) (?:amount|quantity|number) of (?:\w+ )?(?:{DRUG})\b",
    ),
    (
        "refer.third_person_diagnosis",
        "diagnosis",
        R,
        NEG,
        r"\b(?:does|do|could|might|can you tell (?:me )?if|if|whether|think) (?:my \w+|he|she|they) (?:has|have|might have|could have|is|might be|could be) (?:an? )?(?:{CONDITION})\b|\b(?:raise|increase|lower|reduce|change|up|double|cut|halve) my (?:dose|dosage|meds|medication)\b|\b(?:therapy|meds|medication|antidepressants|cbt|counselling|pills)\b (?:or|vs|versus) (?:\w+ )?\b(?:therapy|meds|medication|antidepressants|cbt|counselling|pills)\b",
    ),
    (
        "refer.give_me_something",
        "medication",
        R,
        NEG,
        r"\b(?:give|get|prescribe|recommend|suggest) me (?:something|anything|some pills|some medication|a pill|some tablets|some meds)(?: stronger| else| different| better| new)? (?:for|to help (?:me )?with|to help me|to calm|to stop) (?:\w+ ){0,2}(?:sleep|anxiety|depression|nerves|panic|pain|mood|insomnia|sleeping|calm down|the voices|stress)\b",
    ),
    (
        "refer.what_do_you_think",
        "medication",
        R,
        NEG,
        r"\bwhat do you think (?:of|about) (?:me )?(?:taking|going on|starting|trying|stopping|coming off) (?:\w+ ){0,2}(?:{DRUG}|medication|meds|antidepressants|therapy|treatment)\b",
    ),
    (
        "refer.needs_medication",
        "treatment",
        R,
        NEG,
        r"\b(?:my )?(?:anxiety|depression|adhd|ocd|ptsd|insomnia|mood|panic attacks|condition|symptoms|mental health|sleep) (?:needs?|requires?|is bad enough for|warrants?|would benefit from) (?:medication|meds|treatment|therapy|pills|antidepressants|a diagnosis|a doctor)\b",
    ),
    (
        "refer.med_question_net",
        "medication",
        R,
        NEG | MEDADMIN,
        r"\b(?:(?:should|can|could|would|do|does|will|may|must) (?:i|we|you|my \w+|he|she|they|it|that|this|someone|people|one|kids|children)|is it|is that|which|am i allowed|allowed to|what happens if|what if|what do i do if|what should i do if|how do i)\b(?: \w+){0,6} (?:{DRUG}|medication|medications|meds|antidepressants|dose|doses|dosage|prescription)\b|\b(?:{DRUG}|medication|medications|meds|antidepressants|dose|dosage|prescription)\b(?: \S+){0,8} (?:should i|can i|could i|is it safe|is it normal|is that normal|is that safe|is it okay|is it ok|is that okay|do i need|would it|will it|change them|change it|stop them|stop it|is it bad|is that bad)\b",
    ),
    (
        "refer.diagnosis_net",
        "diagnosis",
        R,
        NEG,
        r"\b(?:what|do|does|is|are|could|can|would|tell)\b.*\b(?:my symptoms|these symptoms|my condition|what i have|diagnose|diagnosis)\b|\b(?:sound|sounds|look|looks|seem|seems|feel|feels) like (?:an? )?(?:{CONDITION})\b|\b(?:best|right|good|which|what|effective) (?:treatment|therapy|medication|cure|meds) (?:for|is|would)\b|\bprescribe\b|\b(?:should|do) i (?:be|get) (?:medicated|on meds|on medication|treated|assessed|diagnosed|tested|evaluated)\b",
    ),
    (
        "refer.test_me",
        "diagnosis",
        R,
        NEG,
        r"\b(?:test|assess|screen|evaluate|check|diagnose) (?:me|my \w+|him|her) for (?:an? )?(?:{CONDITION}|anxiety|depression)\b",
    ),
    (
        "refer.more_referral",
        "diagnosis",
        R,
        NEG,
        r"\b(?:do you think|maybe|perhaps|wonder if|wondering if|think) i should (?:see|go to|talk to|get|find|call|book|ask) (?:a |my |an )?(?:therapist|counsellor|psychologist|psychiatrist|doctor|gp|professional|specialist)\b|\bis (?:this|it|that) (?:\w+ ){0,2}or (?:a |an )?(?:\w+ ){0,2}(?:heart problem|heart attack|panic attack|disorder|depression|anxiety|something serious|something else|psychosis|bipolar|adhd)\b|\b(?:heart problem|heart condition|thyroid problem|brain tumou?r)\b",
    ),
    (
        "refer.dose",
        "medication",
        R,
        NEG,
        r"\b(?:what|which|how much|how many|right|correct|max|maximum|safe|higher|lower|starting|daily|usual|normal|recommended|double) (?:dose|doses|dosage|dosages|mg|milligrams)\b|\b(?:dose|dosage) (?:of|for) (?:{DRUG})\b|\b(?:{DRUG}) (?:dose|dosage)\b|\bhow (?:much|many) (?:{DRUG}|mg|milligrams)\b.*\b(?:can|should|do|may|could|is it ok to|is it safe to) (?:i|you|someone|my \w+) (?:take|have|give)\b|\bhow (?:much|many) (?:\w+ )?(?:{DRUG}) (?:can|should|do|may|could) (?:i|you|someone|my \w+) (?:take|have|give|be on|be taking|use)\b|\b(?:would|will|could|can|does|do|might) (?:\w+ ){0,2}(?:{DRUG}) (?:help|work|fix|make|cure|treat)\b|\bhow (?:much|many) (?:\w+ )?(?:{DRUG}) (?:is|are) (?:safe|ok|okay|normal|allowed|recommended|fine)\b|\bis it (?:normal|okay|ok|safe|bad|dangerous|common) (?:\w+ ){0,6}(?:{DRUG})\b",
    ),
    (
        "refer.med_decision",
        "medication",
        R,
        NEG,
        r"\b(?:(?:should|can|could|may|do|does|will) (?:i|my \w+|he|she|you|we|a \w+)|would it be (?:ok|okay|safe|bad|dangerous) (?:to|if i)|is it (?:ok|okay|safe|bad|dangerous|fine|alright|wise) (?:to|if i|for (?:me|my \w+|him|her) to)|do i need to|how do i|when should i|when can i|how should i|is it a good idea to|should i try to|maybe i should|i should) (?:i )?(?:take|stop|start|increase|decrease|up|lower|raise|double|halve|skip|miss|come off|get off|go off|quit|taper|taper off|switch|change|mix|combine|drink (?:on|with|while)|drink alcohol (?:on|with|while)|have a drink (?:on|with|while)|reduce|cut down|wean off|wean myself off|ditch|go back on|try|be on|go on|get on|ask for|keep taking|stop taking|start taking|take more|take less|take extra|have|use|give) (?:\w+ ){0,4}(?:{DRUG}|dose|doses|dosage|prescription|meds)\b|\b(?:come|coming|get|getting|go|going|wean|weaning) off (?:my |the )?(?:{DRUG})\b|\b(?:i want to|i would like to|i am thinking of|i am thinking about|thinking about|thinking of|i am going to|i am planning to|planning to|i need to|i think i need to|i think i should) (?:stop|stop taking|quit|quit taking|come off|get off|go off|increase|decrease|up|lower|raise|double|halve|skip|taper|taper off|switch|change|reduce|cut down|wean off|wean myself off|ditch) (?:\w+ ){0,3}(?:{DRUG}|dose|dosage|prescription|meds)\b",
    ),
    (
        "refer.stopped_meds",
        "medication",
        R,
        NEG,
        r"\b(?:should|can|could|is it|is that|would|will|do|does|what|how|too much|too many|safe|ok|okay|normal|enough)\b(?: \S+){0,8} (?:\d+ ?|\w+ )(?:mg|milligrams|mcg|micrograms|ml)\b|\b(?:\d+ ?|\w+ )(?:mg|milligrams|mcg|micrograms|ml)\b(?: \S+){0,8} (?:too much|too many|safe|ok|okay|normal|enough|should i|can i|is it|is that|right|a lot)\b|\b(?:recommend|suggest|prescribe) (?:me )?(?:a |an |some |any )?(?:\w+ )?(?:medication|medicine|meds|pills|antidepressant|antidepressants|drug|{DRUG}|supplement|supplements|sleeping pill)\b|\bwhat (?:should|can|could|do|would) i take (?:for|to)\b|\b(?:best|good|right|strongest|better) (?:\w+ )?(?:antidepressant|antidepressants|medication|medications|meds|pills|drug|drugs|medicine|{DRUG})(?: for\b| to\b| ,|$)|\b(?:{DRUG})\b.*\b(?:is it safe|safe to take|ok to take|okay to take|should i take|addictive|interact|interaction|take to work|to kick in|is it normal|making me|make me|made me)\b|\bis (?:\w+ ){0,2}(?:{DRUG}) (?:addictive|safe|dangerous|bad for|good for|okay|ok|habit forming|strong|working)\b|\bhow long (?:does|do|will|until|before) (?:\w+ ){0,2}(?:{DRUG}) (?:take|last|stay|work|kick)\b|\b(?:difference between|compare|better than) (?:\w+ ){0,2}(?:{DRUG})\b|\b(?:stopped|quit|quitting|stopping|came off|coming off|went off|going off|ran out of|doubled|double) (?:taking )?(?:my |the |a |some |one )?(?:\w+ )?(?:{DRUG}|dose|doses)\b|\bside effects? (?:of|from|with) (?:my |the |these |this |those |taking )?(?:\w+ )?(?:{DRUG}|medication|meds|pills|tablets|antidepressants|jab|vaccine|injection|treatment)\b|\b(?:{DRUG}|medication|meds|antidepressants)\b(?: \S+){0,6} side effects?\b|\b(?:what|are|is|any|do|does|will|normal)\b(?: \S+){0,4} side effects?\b|\bwithdrawal (?:from|symptoms)\b|\b(?:mix|mixing|combine|combining|take|taking) (?:\w+ )?(?:{DRUG}) (?:with|and|together with) (?:alcohol|wine|beer|drinks|booze|vodka|weed|cannabis|grapefruit|other (?:meds|pills|medication)|my (?:other )?(?:meds|pills|medication|antidepressants)|(?:{DRUG}))\b",
    ),
    (
        "refer.prescribe",
        "medication",
        R,
        NEG,
        r"\bprescribe (?:me|something|anything)\b|\bcan you prescribe\b|\bwrite me a prescription\b|\bget (?:me )?a prescription\b|\b(?:is|are) (?:my )?(?:\w+ )?(?:bad|severe|serious|enough) enough (?:for|to need|to get|to take|to go on|to justify) (?:medication|meds|therapy|treatment|a diagnosis|pills|antidepressants|help|a psychiatrist|a therapist)\b|\bbad enough for (?:medication|meds|therapy|treatment|pills|antidepressants)\b|\b(?:do i need|should i (?:be on|go on|get|try|ask for|start|take)|would i benefit from|will i need) (?:\w+ )?(?:medication|meds|antidepressants|anti depressants|{DRUG}|treatment|cbt|dbt|emdr|rehab|a prescription|therapy|a therapist|a psychiatrist|counselling)\b",
    ),
    (
        "refer.treatment_decision",
        "treatment",
        R,
        NEG,
        r"\bshould i (?:be )?(?:taking|take|get|be on|start|try) (?:something|anything|medication|meds|pills|tablets) (?:for|to help)\b|\bshould i (?:stop|quit|start|keep|continue|change|switch|leave|give up) (?:going to |seeing |with )?(?:therapy|my therapist|a therapist|counselling|my counsellor|my psychiatrist|treatment|rehab|my treatment|my meds|my medication)\b",
    ),
    (
        "refer.therapist",
        "therapy_request",
        R,
        NEG,
        r"\b(?:can|could|will|would) you (?:be|be like|act as|act like|pretend to be|become|work as|replace|be kind of) (?:my|a|an) (?:therapist|counsellor|psychologist|psychiatrist|doctor|shrink|psychotherapist|gp|nurse|psychoanalyst)\b|\bbe my (?:therapist|counsellor|psychologist|psychiatrist|doctor|shrink|psychotherapist)\b|\byou (?:are|can be) my (?:therapist|counsellor|psychologist|psychiatrist|doctor|shrink)\b|\b(?:give|do|provide|start|run|offer) (?:me |us )?(?:some )?(?:therapy|cbt|dbt|emdr|psychotherapy|counselling|a therapy session|therapy sessions|a session of therapy|psychoanalysis)\b|\b(?:treat|cure|fix|heal) my (?:depression|anxiety|ptsd|ocd|adhd|bipolar|insomnia|trauma|panic attacks|panic disorder|eating disorder|addiction|mental illness|disorder|bpd|schizophrenia|psychosis)\b|\b(?:instead of|replace|rather than|in place of) (?:a |my |seeing a |going to |seeing my |talking to a )?(?:therapist|therapy|counsellor|psychologist|psychiatrist|doctor|counselling)\b|\bshould i (?:see|go to|talk to|get|find|call|ring|book|try) (?:a |my |an )?(?:therapist|counsellor|psychologist|psychiatrist|doctor|gp|professional|specialist)\b|\bshould i (?:go|be going|start going|go back) to (?:therapy|counselling|rehab)\b|\b(?:do i|do you think i|should i|i think i|would i|maybe i) (?:need|have) to (?:see|go to|talk to|call|get) (?:a |my |an )?(?:doctor|therapist|counsellor|psychologist|psychiatrist|gp|professional|specialist)\b|\bask (?:my |a |the )?(?:doctor|gp|psychiatrist|pharmacist|nurse) (?:for|about) (?:\w+ ){0,2}(?:{DRUG}|medication|meds|a prescription|antidepressants|something)\b|\b(?:what|which) (?:\w+ )?(?:medication|medications|medicine|meds|pills|antidepressant|antidepressants|drug|drugs|treatment|therapy|{DRUG}) (?:is|are|would be|should i|do you|works|would|will|do i) (?:\w+ )?(?:best|good|better|right|take|recommend|try|help|work|use|need)\b|\b(?:what|which) (?:therapy|treatment|kind of therapy|type of therapy) (?:should|would|do) (?:i|you)\b|\bshould i try (?:cbt|dbt|emdr|therapy|medication|meds|antidepressants)\b",
    ),
];

/// Support: distress without risk.
const SUPPORT: &[Row] = &[
    (
        "support.feelings",
        "distress",
        S,
        NEG,
        r"\b(?:i am|i feel|i have been|feeling|i am feeling|i felt|i keep feeling|i get|i got|i have felt|i was|makes me feel|i have been feeling|feel) (?:\w+ )?(?:sad|down|low|depressed|miserable|unhappy|lonely|alone|isolated|empty|numb|hopeless|helpless|worthless|useless|overwhelmed|stressed|stressed out|anxious|panicky|scared|afraid|frightened|terrified|worried|nervous|on edge|broken|lost|stuck|exhausted|drained|burnt out|burned out|heartbroken|devastated|crushed|gutted|grieving|angry|furious|ashamed|guilty|like a failure|a failure|invisible|unloved|unwanted|rejected|abandoned|trapped|defeated|awful|terrible|horrible|crap|rubbish|like crap|upset|distressed|desperate|fragile|out of control|not myself|on the verge|like crying|like i am drowning|like i am falling apart|like giving up|blue|flat|shaky|tearful|insecure|inadequate|like nothing matters|like nobody cares|like no one cares|like everything is falling apart|a mess|a wreck|like a burden on|unmotivated|like i can not cope|burnt out|overworked|panicked|disconnected|tired of everything)\b",
    ),
    (
        "support.not_okay",
        "distress",
        S,
        0,
        r"\b(?:i am|i feel|feeling) not (?:okay|alright|doing well|good|great|fine|myself)\b|\bnot doing (?:well|okay|great|good)\b|\b(?:struggling|having a (?:hard|rough|tough|bad|terrible|awful) (?:time|day|week|night|month|year))\b|\b(?:bad|rough|awful|terrible|horrible|hard|tough) (?:day|week|night|time)\b|\bbreaking down\b|\bbreakdown\b|\bfalling apart\b|\bcan not cope\b|\bcan not (?:do|take|handle|deal with) (?:this|it|any of this|this anymore|it anymore|anything)(?: anymore| any more| any longer)?\b|\bi give up(?: ,|$)|\bwhat is the point(?: ,|$| of (?:anything|it all|trying|even trying|any of this))\b|\bcan not go on like this\b|\bwhat is wrong with me\b|\bi hate (?:myself|my life|everything|who i am|how i feel)\b|\b(?:nobody|no one) (?:cares|loves|likes|understands|listens|gets) (?:about )?me\b|\bi have no (?:friends|one|one to talk to|body)\b|\bi am a (?:failure|disappointment|mess|loser)\b|\bno future\b|\beverything is (?:too much|falling apart|going wrong|awful|hopeless|pointless)\b|\bcan not (?:stop|help) crying\b|\bpanic attacks?\b|\b(?:can not|could not) sleep\b|\binsomnia\b|\b(?:bullied|bullying)\b|\bbroke up with me\b|\bdumped me\b|\bcheated on me\b|\b(?:lost|losing) my job\b|\b(?:got|been) (?:fired|laid off|made redundant)\b|\bdivorce\b",
    ),
    (
        "support.crying",
        "distress",
        S,
        NEG,
        r"\b(?:crying|cried|cry|sobbing|sobbed|in tears|weeping|wept)\b",
    ),
    (
        "support.grief",
        "grief",
        S,
        0,
        r"\b(?:my|our) (?:\w+ )?(?:{REL}|dog|cat|pet|puppy|kitten|horse|bird|hamster|rabbit|bunny|guinea pig|grandma|grandpa|nan|nana|gran|granny|grandad|granddad|husband|wife|partner|best friend|mother|father|mom|dad|baby|fish|parrot|tortoise|budgie|goldfish) (?:\w+ )?(?:died|passed away|passed|is dying|was put down|was put to sleep|had to be put down|got put down|has died|just died|was killed|got killed|died suddenly)\b|\b(?:lost|losing) my (?:{REL}|dog|cat|pet|grandma|grandpa|nan|baby|pregnancy|husband|wife|partner|mom|dad|mother|father)\b|\bmiss (?:him|her|them|my (?:{REL}|dog|cat|pet|grandma|grandpa|nan|husband|wife|partner|mom|dad|mother|father|home|old life))\b|\b(?:grief|grieving|mourning|bereaved|bereavement|funeral|miscarriage|anniversary of (?:his|her|their|my \w+ s) death)\b",
    ),
    (
        "support.pet_hurt",
        "grief",
        S,
        NEG,
        r"\b(?:my|our|the) (?:\w+ )?(?:dog|cat|pet|puppy|kitten|horse|pony|bird|hamster|rabbit|bunny|guinea pig|tortoise|parrot|budgie|ferret|goat)s? (?:\w+ )?(?:got|was|has been|had been|just got|is) (?:hit|run over|knocked down|killed|attacked|mauled|badly hurt|injured) (?:by|in|on|this|last|yesterday|today|and)\b",
    ),
    (
        "support.lonely",
        "loneliness",
        S,
        NEG,
        r"\b(?:lonely|loneliness|all alone|so alone|on my own all the time|no one to talk to|nobody to talk to|isolated)\b",
    ),
    (
        "support.anger",
        "anger",
        S,
        NEG,
        r"\b(?:i|i am going to|i will) (?:could|might) (?:kill|murder|strangle|throttle) (?:him|her|them|my \w+)\b|\bso angry\b|\bfurious\b|\bcould (?:kill|murder|strangle|throttle) (?:him|her|them|my \w+)\b",
    ),
    (
        "support.anxiety",
        "anxiety",
        S,
        NEG,
        r"\b(?:anxiety|anxious|panicking|panic|stressed|stress|overthinking|worrying|worried|nervous|dread|dreading)\b",
    ),
];

/// Identity questions: handled by the dialogue's disclosure; no safety action.
const IDENTITY: &str = r"\bare you (?:a |an |actually a |actually an |really a |really an |even a |some kind of a |some kind of )?(?:real|human|a human|person|real person|real human|alive|bot|robot|ai|a i|artificial intelligence|machine|computer|program|chatbot|chat bot|therapist|counsellor|psychologist|psychiatrist|doctor|recording|real therapist|licensed|qualified|trained therapist|person or|human or|bot or|robot or|ai or|machine or)\b|\bam i (?:talking|speaking|chatting) (?:to|with) (?:a |an |someone |somebody |anyone )?(?:real|human|person|bot|robot|ai|a i|machine|computer|therapist|counsellor|doctor|psychologist|professional|recording|actual person|live person|program)\b|\bis (?:this|that|it) (?:a |an )?(?:real person|real human|human|person|bot|robot|ai|a i|machine|computer|recording|chatbot|chat bot|therapist|live person|actual person)\b|\bis (?:there )?(?:a |someone |anyone |somebody )?(?:real|human|person|actual person|live person) (?:there|on the other end|listening|behind this|talking)\b|\bwho am i (?:talking|speaking) to\b|\bwhat are you(?: ,|$| exactly| really| actually)\b|\b(?:are you|you are) not (?:real|human|a person)\b";

/// The whole utterance talks about the past in a way that says it is over.
const HIST_PAST: &str = r"\bused to\b|\byears ago\b|\bas a (?:teen|teenager|kid|child|student|young)\b|\bwhen i was (?:younger|a teen|a teenager|a kid|a child|little|young|small|in (?:high )?school|at school|at uni|at university|in college|in uni|\d+|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b|\bin the past\b|\b(?:a )?long time ago\b|\bback (?:in|when|then)\b|\bin my (?:teens|twenties|youth|teenage years|early twenties|late teens|childhood)\b|\b(?:have|has) (?:been|felt) (?:fine|okay|good|well|better|safe|clean|free|stable|happy) for\b|\bbeen (?:clean|free) (?:of|from|for)\b|\b(?:i am|i am now|am) in a (?:good|better|great|much better) place\b|\brecovered\b|\bthat was (?:years|a long time|ages) ago\b|\b(?:ages|decades) ago\b|\bnot anymore\b|\bno longer\b|\bhave not (?:done|felt|had|thought) (?:that|it|this|those|them|any) (?:in|for|since)\b|\bin (?:college|uni|university|high school|school|my teens|my twenties|my youth)\b|\b(?:as a|when i was a) (?:student|teen|teenager|kid|child)\b|\bin (?:19|20)\d\d\b|\bwhen i was going through\b|\bgot help\b|\bgot through it\b|\bmade it through\b|\b(?:that is|it is|it was|that was|all that is|all of that is|is|are) (?:all |well |long |now )?behind me\b|\b(?:therapy|counselling|counseling|treatment|my therapist|my counsellor|my counselor) (?:really )?helped\b|\bi am (?:through|past|over) (?:it|that|the worst of it)\b|\b(?:years|months) (?:clean|free) (?:from|of)\b|\b(?:years|months) since i (?:last )?\w+|\bold (?:scars|cuts|marks)\b|\bscars (?:have )?faded\b";

/// Markers that the risk is current, which override HIST_PAST.
const RECENT: &str = r"\bagain\b|\blast night\b|\byesterday\b|\bthis morning\b|\btoday\b|\btonight\b|\bthis week\b|\brecently\b|\blately\b|\bthese days\b|\brelaps\w*\b|\bright now\b|\bstill\b|\burges?\b|\bstarted\b|\b(?:are|is|came|coming|keep coming|have come) back\b|\bcreeping back\b|\breturn(?:ed|ing)?\b|\bbut now\b|\bnow i\b|\bthis time\b|\bthis year\b|\bmissing it\b|\bmiss it\b";

/// Fiction, media and study framing.
const MEDIA_RE: &str = r"\b(?:movie|movies|film|films|show|shows|tv|television|series|episode|episodes|season|book|books|novel|novels|story|stories|character|characters|hero|heroine|villain|protagonist|plot|game|games|video game|videogame|song|songs|lyrics|album|documentary|documentaries|podcast|podcasts|article|articles|news|headline|headlines|the play|a play|musical|opera|anime|manga|comic|comics|chapter|netflix|youtube|tiktok|poem|poems|poetry|fiction|thriller|horror|drama|scene|actor|actress|author|essay|assignment|lecture|research paper|paper on|report on|statistics|rates|shakespeare|romeo|juliet|hamlet|ophelia|reading about|watching|watched|read about|reading|history class|class about|course about|rapper|singer|band|celebrity|celebrities|famous|on the radio|documentary|literature|history of|studying|studied|sociology|psychology class|psychology lecture|seminar|module|course|rate|learned about|learning about|lesson about|lecture about|in class|dissertation|thesis|research project|school project|textbook|my students about|teaching|call of duty|fortnite|minecraft|gta|grand theft auto|xbox|playstation|ps4|ps5|nintendo|gaming|online game|in game|zombies|my character|the boss fight|battle royale|police said|police say|according to|reportedly|reported that|reports say|the suspect|the victim|the victims|local media|witnesses|a man in his \w+|a woman in her \w+|\w+ year old (?:man|woman|boy|girl)|breaking news|sings about|sang about|singing about|respawn\w*|flight sim|simulator|dlc|dark souls|elden ring|multiplayer|npc|boss fight|school play|on stage|rehearsal|rehearsals|audition|drama club)\b";

/// An everyday routine that explains "won't wake up" or "not responding" (see [`ROUTINE`]).
const ROUTINE_RE: &str = r"\b(?:for (?:school|work|church|class|breakfast|nursery|college|uni|the bus|his shift|her shift)|in the mornings?|on time|every morning|on (?:weekends|saturdays|sundays|school days)|early|till noon|until noon|until lunch|before (?:nine|ten|eleven|noon)|alarm|alarms|(?:my|our|his|her|their) (?:texts?|messages?|emails?|calls?|letters?|moves|advances|flirting|jokes|charms?|hints|offers?|proposals?|pitch)|to (?:texts?|messages?|emails?|calls?)|on (?:whatsapp|the phone|email|messenger|instagram|snapchat|facebook)|ghost\w*|ignoring me|teenager|teenagers|lazy|ramadan|fasting|fast for|intermittent|before (?:my |the )?(?:surgery|operation|colonoscopy|blood test)|stomach bug|tummy bug|sick bug|norovirus|food poisoning|hangover|hungover|prawns|seafood|motion sickness|seasick|car sick|morning sickness|pregnant|chemo)\b";

/// Everyday causes of being fed up (see [`EVERYDAY`]).
const EVERYDAY_RE: &str = r"\b(?:boiler|heating|wifi|wi fi|internet|broadband|traffic|commute|printer|laptop|computer|phone|the car|my car|rain|raining|weather|heat|humidity|noise|noisy|neighbours|neighbour|knees|knee|my back|diet|dieting|coffee|sugar|cake|chocolate|running|gym|training|marathon|meeting|meetings|deadline|deadlines|homework|revision|revising|exam|exams|renovation|builders|decorating|maze|puzzle|crossword|level|the game|this game|party|holiday|vacation|boring|bored|to do list|my list|chores|cleaning|washing|dishes|ironing|inbox|emails|queue|queues|printer|paperwork|tax return|spreadsheet|this song|this film|this show|this book|season|episode|football|the match|my team|shopping|expensive|prices|diy|garden|lawn|the dog s barking|barking|snoring|teething|potty training|toddler tantrums|this cold|my cold|flu|hay fever|hayfever|allergies|restaurant|too loud|loud|moving house|moving abroad|moving to|emigrating|new job|leaving do|leaving party|my flight|travelling|the airport|retiring|retirement|the pub|this pub|the bar|this bar|club|office|this meeting|wedding|the queue|this queue|waiting room|this class|lecture|the dentist|dentist)\b";

/// An explicit denial of suicidal thoughts ("no i'm not suicidal, just fed up with everything"):
/// a possible-risk (ask) reading becomes support.
const DENIAL_RE: &str = r"\b(?:not|never|no longer) (?:suicidal|going to (?:hurt|kill) myself|thinking (?:of|about) (?:suicide|killing myself|ending (?:it|my life)|hurting myself)|having (?:any )?thoughts (?:of|about) (?:suicide|killing myself|ending (?:it|my life)|hurting myself))\b|\bno (?:thoughts|plans|intention) (?:of|to) (?:suicide|killing myself|ending (?:it|my life)|hurting myself|hurt myself)\b";

/// Someone else's words being reported ("my friend says nothing matters anymore"): a
/// possible-risk reading after it, with no "i" in between, is about them, not the speaker.
const REPORT_RE: &str = r"\b(?:he|she|they|my (?:\w+ )?(?:{REL})|someone|somebody|a friend|friend) (?:\w+ )?(?:says|said|keeps saying|kept saying|told me|tells me|feels|felt|thinks|thought|texted|wrote|posted|messaged|keeps telling me|was saying|is saying)\b";

/// A quiz or trivia question about other people, with no first person anywhere in it ("in
/// which city did hitler commit suicide", "who shot john lennon"): treated like media.
const TRIVIA_RE: &str = r"^(?:who|which|when|where|how (?:did|many|old|long ago|was|were)|did|was|were|in (?:which|what)|what (?:year|city|country|day|month|age|happened|was|were|did|does|caused|killed|movie|film|book|song|band)|name|true or false|quiz|trivia)\b";

/// First person anywhere (cancels TRIVIA_RE).
const FIRST_PERSON_RE: &str = r"\b(?:i|me|my|myself|mine|we|us|our|ourselves)\b";

/// Words that introduce a quotation: the words after them are someone else's ("the song that
/// goes i want to die in your arms").
const QUOTE_RE: &str = r"\b(?:song|songs|lyric|lyrics|line|lines|chorus|verse|quote|poem|title|caption|slogan|meme|tagline|the bit) (?:\w+ ){0,3}(?:goes|go|went|says|said|reads|read|is called|was called|called)\b|\b(?:sings|sang|singing|sing|hums|humming|chants|chanting)\b";

/// Accidental injury framing (cancelled by DELIBERATE).
const ACCIDENT: &str = r"\b(?:by accident|accidentally|accidental|by mistake|while (?:cooking|shaving|chopping|cutting|slicing|working|playing|running|cleaning|gardening|fixing|opening|climbing|skating|skiing|biking|cycling|lifting|training|carving|moving)|cooking|baking|shaving|chopping|slicing|on (?:a|the|some|broken|an) (?:knife|glass|nail|paper|can|tin|edge|corner|fence|table|stairs|ice|floor|door|step|oven|stove|pan|kettle|iron|grill|bbq|barbecue|razor|saw|rock|rocks|bike)|playing|at (?:the )?(?:gym|practice|training|work)|fell|fall|falling|slipped|slipping|tripped|tripping|lifting|skiing|snowboarding|skateboarding|running|football|soccer|basketball|rugby|hockey|tennis|workout|working out|stubbed|the oven|the stove|the iron|the kettle|hot (?:pan|water|oil|tea|coffee)|paper cut|gardening|diy|with the (?:door|knife|scissors|saw|hammer|drill|bread knife)|on (?:a |the )?(?:piece|bit|sheet|shard) of|paper|in the kitchen|opening (?:a|the) (?:can|tin|box|package)|curling iron|straighteners|hair straightener|sunburn|sunburnt|sunburned|on (?:a |the |some |an )?(?:\w+ )?(?:bush|bushes|thorn|thorns|branch|branches|brambles|bramble|hedge|wire|barbed wire)|thorns|brambles|rose bush|(?:the|my|a|our) (?:cat|kitten|dog|puppy) (?:scratched|bit)|mosquito|bites|itchy|itching|eczema|rash|hives|claws|claw|cat s|dog s|kitten s)\b";

/// Deliberate self-injury framing (cancels ACCIDENT).
const DELIBERATE: &str = r"\b(?:on purpose|deliberately|intentionally|again|to feel|because i (?:deserve|wanted|needed|had to|hate)|so i could feel|so that i (?:could|would) feel|to punish|to cope|to make it stop|to numb|as punishment|want to|wanted to|urge)\b";

/// A distant past ("last year", "years ago") that turns an emergency into a disclosure.
const PAST_TIME: &str = r"\blast (?:week|year|month|summer|winter|spring|fall|autumn|christmas|easter|term|semester)\b|\b(?:\w+ )?(?:years|months|weeks) ago\b|\ba (?:year|month|while|long time) ago\b|\bwhen i was\b|\bin high school\b|\bas a (?:teen|teenager|kid|child)\b|\bback in\b|\bused to\b|\bin (?:19|20)\d\d\b|\bonce before\b|\bin the past\b|\bhas been (?:fine|okay|clean|sober)\b";

/// Everyday medication admin that is not a question for a professional.
const MED_NEUTRAL: &str = r"\b(?:remind|reminder|reminders|log|logged|track|tracking|alarm|timer|pick up|picked up|collect|collected|refill|refilled|pharmacy|bought|ordered|delivered|organiser|organizer|as prescribed|on time|working great|working well|helping)\b";

/// A medical emergency that is over or only feared.
const MED_PAST: &str = r"\b(?:years ago|(?:last|a) (?:week|month|year)(?: ago)?|months ago|weeks ago|(?:he|she|i|they|we) (?:is|am|are|was|were) (?:fine|okay|ok|better|alright|all right|recovered) now|the doctor (?:said|says|told)|doctors (?:said|say)|turned out|was (?:just|only)|worried about (?:having|getting)|scared of (?:having|getting)|afraid of (?:having|getting)|one day|someday|some day|what if|in the future|when i am older|risk of|in (?:19|20)\d\d|right as rain|(?:been )?fine (?:ever )?since|since then)\b";

/// Trivial causes that make a threat against someone an idiom.
const TRIVIAL: &str = r"\bif (?:he|she|they|you|my \w+|that \w+) (?:\w+ ){0,2}(?:eats?|ate|eaten|takes?|took|nicks?|nicked|steals?|stole|pinch(?:es)?|pinched|touch(?:es)?|touched|uses?|used|borrows?|borrowed|breaks?|broke|forgets?|forgot|finish(?:es)?|finished|spoils?|spoiled|tells?|told|wakes?|woke|is late|are late|was late|clean|cleans|stops?|keeps?|does that|do that|does it|do it|says?|said|drinks?|drank|hides?|hid|leaves?|left|loses?|lost|mess(?:es)?|messed|calls?|texts?|shows? up|cancels?|cancelled|canceled|sings?|plays?|snores?|chews?|interrupts?|is wrong|are wrong|beats?|wins?|spoilers?|reads?|reveals?|changes?|moves?)\b|\bfor (?:eating|taking|being (?:late|so|such)|forgetting|breaking|using|borrowing|finishing|spoiling|telling|leaving|losing|snoring|singing|not (?:calling|texting|telling|replying|doing)|making me|that joke|spoiling|chewing|interrupting)\b|\b(?:ate|eats|eaten|drank|finished|spoiled|borrowed|took|stole|broke) my (?:\w+ )?(?:leftovers|food|lunch|dinner|fries|chips|cake|pizza|chocolate|snacks|coffee|beer|wine|charger|phone|car|clothes|shirt|shoes|sweater|hoodie|last|ice cream|sandwich|cookies|biscuits)\b|\bwhen (?:i|we) get home\b.*\b(?:ate|eaten|broke|took|spoiled|forgot)\b|\b(?:game|match|race|tournament|league|final|finals|score|points|competition|contest|quiz|debate|tennis|chess|cards|poker|football|soccer|basketball|fifa|fortnite)\b|\b(?:he|she|they|it) (?:used|ate|broke|borrowed|finished|drank|lost|ruined|spilled|ripped|wore|crashed|dented|scratched|spoiled) (?:all )?(?:of )?my\b|\b(?:haha|lol|joking|kidding)\b|\bat (?:chess|cards|poker|tennis|the game|scrabble|monopoly|mario kart|fifa|fortnite|golf)\b";

/// Idiomatic "is going to kill me" ("when she sees my grades").
const THREAT_IDIOM_RE: &str = r"\bi (?:broke|lost|crashed|dented|scratched|spilled|forgot|failed|ruined|ate|spent|missed|stained|used|borrowed)\b|\b(?:when|if|once|after|because) (?:he|she|they|my \w+|mom|dad) (?:\w+ ){0,2}(?:sees?|saw|finds? out|found out|hears?|heard|notices?|notice|gets? (?:home|back)|realizes?|realises?|learns?|reads?|comes? home and sees|sees? (?:the|my|this|what|how))\b|\bfor (?:being (?:late|so|such)|forgetting|breaking|losing|missing|spending|not (?:calling|doing|telling|cleaning|coming)|crashing|denting|failing|skipping|staying out|borrowing|taking|eating|using|wearing|stealing|ruining|spoiling|touching|finishing|drinking|reading|watching|scratching|staining|dropping)\b|\b(?:grades|report card|the bill|credit card|the mess|the dent|the scratch|my hair|the haircut|the tattoo|my tattoo|the car|the vase|curfew|her news|his news|their news|the surprise|surprise party|the secret|her secret|his secret|the ending|spoilers|the spoiler)\b|\b(?:haha|lol|joking|kidding)\b";

/// Words that can come between a negator and the words it negates ("i am not going to ...").
const BRIDGE: &[&str] = &[
    "i",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "should",
    "might",
    "may",
    "must",
    "going",
    "to",
    "want",
    "wanting",
    "wanted",
    "plan",
    "planning",
    "thinking",
    "think",
    "thought",
    "thoughts",
    "about",
    "of",
    "feel",
    "feeling",
    "felt",
    "like",
    "trying",
    "try",
    "intend",
    "intending",
    "ever",
    "that",
    "any",
    "longer",
    "a",
    "at",
    "all",
    "currently",
    "got",
    "get",
    "getting",
    "said",
    "saying",
    "say",
    "he",
    "she",
    "they",
    "it",
    "considering",
    "considered",
    "contemplating",
    "talking",
    "talked",
    "anymore",
    "person",
    "type",
    "kind",
    "the",
    "one",
    "someone",
    "who",
    "ever",
    "for",
    "me",
    "seriously",
    "really",
    "actively",
    "in",
    "danger",
    "tried",
    "attempted",
    "done",
    "did",
    "actually",
    "gonna",
    "anything",
    "can",
    "cause",
    "need",
    "needs",
    "wants",
    "means",
    "mean",
    "having",
    "plans",
    "intention",
    "intentions",
    "desire",
    "wish",
];

/// One compiled rule.
#[derive(Debug)]
struct Rule {
    id: &'static str,
    category: &'static str,
    action: SafetyAction,
    flags: u32,
    re: Regex,
}

/// One compiled mask.
#[derive(Debug)]
struct Mask {
    id: &'static str,
    support: Option<&'static str>,
    re: Regex,
}

/// The compiled rule set (built once per process, shared by every engine).
#[derive(Debug)]
pub struct RuleSet {
    masks: Vec<Mask>,
    rules: Vec<Rule>,
    identity: Regex,
    hist_past: Regex,
    recent: Regex,
    media: Regex,
    accident: Regex,
    deliberate: Regex,
    past_time: Regex,
    trivial: Regex,
    threat_idiom: Regex,
    med_past: Regex,
    med_neutral: Regex,
    benign: Regex,
    routine: Regex,
    everyday: Regex,
    trivia: Regex,
    first_person: Regex,
    quote: Regex,
    denial: Regex,
    report: Regex,
    weak_now: Regex,
    means: Regex,
    now_any: Regex,
}

fn compile(id: &str, pattern: &str) -> Result<Regex, String> {
    Regex::new(&expand(pattern)).map_err(|e| format!("rule {id}: {e}"))
}

impl RuleSet {
    /// Compile every table. An error here is a bug in the tables (a test guards it).
    pub fn build() -> Result<Self, String> {
        let mut masks = Vec::with_capacity(MASKS.len());
        for (id, support, pattern) in MASKS {
            masks.push(Mask {
                id,
                support: *support,
                re: compile(id, pattern)?,
            });
        }
        let mut rules = Vec::new();
        for table in [METHOD, EMERGENCY, CRISIS, FALLBACK, ASK, REFER, SUPPORT] {
            for (id, category, action, flags, pattern) in table {
                rules.push(Rule {
                    id,
                    category,
                    action: *action,
                    flags: *flags,
                    re: compile(id, pattern)?,
                });
            }
        }
        Ok(Self {
            masks,
            rules,
            identity: compile("identity", IDENTITY)?,
            hist_past: compile("hist_past", HIST_PAST)?,
            recent: compile("recent", RECENT)?,
            media: compile("media", MEDIA_RE)?,
            accident: compile("accident", ACCIDENT)?,
            deliberate: compile("deliberate", DELIBERATE)?,
            past_time: compile("past_time", PAST_TIME)?,
            trivial: compile("trivial", TRIVIAL)?,
            threat_idiom: compile("threat_idiom", THREAT_IDIOM_RE)?,
            med_past: compile("med_past", MED_PAST)?,
            med_neutral: compile("med_neutral", MED_NEUTRAL)?,
            benign: compile("benign", BENIGN_RE)?,
            routine: compile("routine", ROUTINE_RE)?,
            everyday: compile("everyday", EVERYDAY_RE)?,
            trivia: compile("trivia", TRIVIA_RE)?,
            first_person: compile("first_person", FIRST_PERSON_RE)?,
            quote: compile("quote", QUOTE_RE)?,
            denial: compile("denial", DENIAL_RE)?,
            report: compile("report", REPORT_RE)?,
            weak_now: compile(
                "weak_now",
                r"\b(?:{INTENT}|want to|need to|wanna) (?:do it|end it|go through with it|die|jump|be gone|end things)\b.*\b(?:{NOW_STRICT}|now|today)\b|\b(?:{NOW_STRICT}|today) is the (?:night|day)\b|\b(?:tonight|today) i (?:will|am going to|am)\b",
            )?,
            means: compile("means", r"\b(?:{MEANS})\b")?,
            now_any: compile(
                "now_any",
                r"\b(?:{NOW_STRICT}|now|ready|in my hand|in front of me|right here|next to me|loaded|set up)\b",
            )?,
        })
    }

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
        let mut masked_support: Option<(&'static str, &'static str)> = None;
        for m in &self.masks {
            if m.re.is_match(&text) {
                if let (Some(cat), None) = (m.support, masked_support) {
                    masked_support = Some((cat, m.id));
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
                        Candidate::new(SafetyAction::None, "none", rule.id, "negated"),
                    );
                    continue;
                }
                if flags & NEG != 0 && negated(before) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "negated"),
                    );
                    continue;
                }
                if flags & ACC != 0 && accident {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "accident"),
                    );
                    continue;
                }
                if flags & (MEDIA | MEDIA_3P) != 0 && quoted_from.is_some_and(|q| m.start() >= q) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "media"),
                    );
                    continue;
                }
                if flags & ROUTINE != 0 && routine {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "routine"),
                    );
                    continue;
                }
                let reported = reported_from.is_some_and(|q| {
                    m.start() >= q && !text[q..m.start()].split_whitespace().any(|w| w == "i")
                });
                if rule.action == SafetyAction::Ask && reported {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", rule.id, "reported"),
                    );
                    continue;
                }
                if rule.action == SafetyAction::Ask && denial {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", rule.id, "denied"),
                    );
                    continue;
                }
                if flags & EVERYDAY != 0 && everyday {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "distress", rule.id, "everyday"),
                    );
                    continue;
                }
                if flags & OTHER_SUBJ != 0 && other_subject(m.as_str()) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "other"),
                    );
                    continue;
                }
                if (flags & MEDIA != 0 || (flags & MEDIA_3P != 0 && !after_i(before))) && media {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "media"),
                    );
                    continue;
                }
                if flags & TRIV != 0 && trivial {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "anger", rule.id, "idiom"),
                    );
                    continue;
                }
                if flags & BENIGN != 0 && benign {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "benign"),
                    );
                    continue;
                }
                if flags & THREAT_IDIOM != 0 && threat_idiom {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "idiom"),
                    );
                    continue;
                }
                let mut cand = Candidate::new(rule.action, rule.category, rule.id, "");
                if flags & HIST != 0 && history && rule.action >= SafetyAction::Ask {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::Support, "past_history", rule.id, "history"),
                    );
                    continue;
                }
                if flags & MEDADMIN != 0 && self.med_neutral.is_match(&text) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "admin"),
                    );
                    continue;
                }
                if flags & MEDPAST != 0 && self.med_past.is_match(&text) {
                    note_suppressed(
                        &mut suppressed,
                        Candidate::new(SafetyAction::None, "none", rule.id, "past"),
                    );
                    continue;
                }
                if flags & PASTDOWN != 0 && past_time && rule.action == SafetyAction::Emergency {
                    cand = Candidate::new(SafetyAction::Crisis, "past_attempt", rule.id, "past");
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
struct Candidate {
    action: SafetyAction,
    category: &'static str,
    rule: &'static str,
    guard: &'static str,
}

impl Candidate {
    fn new(
        action: SafetyAction,
        category: &'static str,
        rule: &'static str,
        guard: &'static str,
    ) -> Self {
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

fn note_suppressed(slot: &mut Option<Candidate>, c: Candidate) {
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
fn negated(before: &str) -> bool {
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
            _ if BRIDGE.contains(&t) => {}
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
