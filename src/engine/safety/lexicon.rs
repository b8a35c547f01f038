//! Word lists the safety rules are written with.
//!
//! Rule patterns in [`super::rules`] refer to these lists as `{NAME}` placeholders, expanded
//! once when the rules are compiled. Every list is a regex alternation over *normalised* text
//! (see [`super::normalize`]): lower case, contractions expanded, no apostrophes. Longer
//! alternatives come before their prefixes so the leftmost match is the most specific.

/// People a violent verb can be aimed at (a relation after a determiner).
pub const REL: &str = "ex husband|ex wife|ex boyfriend|ex girlfriend|ex partner|husband|wife|partner|boyfriend|girlfriend|fiancee|fiance|ex|stepdad|stepfather|stepmom|stepmother|step dad|step mom|mother in law|father in law|brother in law|sister in law|mom|mother|dad|father|parents|stepson|stepdaughter|son|daughter|kids|kid|children|child|babies|baby|toddler|newborn|brother|sister|boss|manager|neighbours|neighbour|roommate|flatmate|housemate|best friend|friends|friend|coworkers|coworker|co worker|colleagues|colleague|teacher|uncle|aunt|cousin|grandmother|grandma|grandfather|grandpa|family|landlord|classmates|classmate|nephew|niece|twins|girl|boy|students|class|team|wife s family|people|person|guy|guys|girls|boys|man|men|woman|women|bully|bullies|kids at school|ex s new \\w+";

/// Adults (and older children) who can be the source of abuse or threats at home.
pub const REL_ADULT: &str = "ex husband|ex wife|ex boyfriend|ex girlfriend|ex partner|husband|wife|partner|boyfriend|girlfriend|fiancee|fiance|ex|stepdad|stepfather|stepmom|stepmother|step dad|step mom|mother in law|father in law|brother in law|sister in law|mom|mother|dad|father|parents|stepson|stepdaughter|son|daughter|brother|sister|uncle|aunt|cousin|grandmother|grandma|grandfather|grandpa|roommate|flatmate|housemate|landlord|coach|carer|caregiver|guardian|family";

/// A person as the object of a violent verb. Objects that are not people ("the spider", "this
/// headache", "time") are deliberately absent.
pub const PERSON: &str = "him|her|them|someone|somebody|anyone|anybody|people|everyone|everybody|a person|a man|a woman|a kid|a child|a baby|(?:my|the|our|his|her|their|this|that) (?:{REL})";

/// A person as the subject of a medical emergency ("my dad collapsed", "she is not
/// responding"). Devices, apps, pets and things ("my laptop", "the app", "our cat") are
/// deliberately absent: they are not the person.
pub const PSUBJ: &str = "i|he|she|they|someone|somebody|a (?:man|woman|child|kid|boy|girl|person|baby|toddler|cyclist|pedestrian|stranger|lady|guy|friend)|(?:my|our|his|her|their|the|this|that) (?:little |baby |older |younger |elderly |old |best )?(?:{REL}|nan|nana|gran|granny|grandad|granddad|granddaughter|grandson|grandchild|flatmate|housemate|neighbor|patient|lodger)";

/// Vital medication that is dangerous to stop ("i stopped my insulin, i don't care").
pub const VITAL: &str = "insulin|heart (?:meds|medication|medicine|pills|tablets)|blood pressure (?:meds|medication|medicine|pills|tablets)|blood thinners|warfarin|epilepsy (?:meds|medication|medicine|pills|tablets)|seizure (?:meds|medication|medicine|pills|tablets)|anti seizure (?:meds|medication|pills)|keppra|levetiracetam|lamotrigine|lamictal|epilim|valproate|anti psychotics|antipsychotics|antipsychotic|anti psychotic|clozapine|lithium|olanzapine|quetiapine|seroquel|risperidone|aripiprazole|abilify|transplant (?:meds|medication|medicine|pills|tablets|drugs)|anti rejection (?:meds|drugs|medication|pills)|immunosuppressants|tacrolimus|dialysis|chemo|chemotherapy|inhaler|inhalers|steroids|thyroid (?:meds|medication|pills|tablets)|levothyroxine|hiv (?:meds|medication|pills)|antiretrovirals|meds|medication|medicine|pills|tablets";

/// Who can be doing something violent to the speaker.
pub const PERP: &str =
    "he|she|they|someone|somebody|a man|a guy|a woman|(?:my|her|his|our) (?:{REL_ADULT})";

/// Mental and physical health conditions a person might ask to be diagnosed with.
pub const CONDITION: &str = "clinically depressed|depressed|manic|adhd|add|bipolar disorder|bipolar|ptsd|c ptsd|cptsd|ocd|autism|autistic|asperger s|aspergers|clinical depression|major depression|seasonal depression|depression|anxiety disorder|generalized anxiety|generalised anxiety|gad|social anxiety|panic disorder|borderline personality disorder|borderline|bpd|narcissistic personality disorder|personality disorder|npd|schizophrenia|schizoaffective|schizophrenic|psychosis|psychotic|an eating disorder|eating disorder|anorexia|anorexic|bulimia|bulimic|binge eating disorder|dementia|alzheimers|alzheimer s|insomnia|sleep apnea|sleep apnoea|a mental illness|mental illness|mentally ill|dissociative identity disorder|a disorder|seasonal affective disorder|postpartum depression|post natal depression|postnatal depression|dyslexia|tourettes|tourette s|hypochondria|health anxiety|mania|manic depression|a narcissist|a sociopath|a psychopath|neurodivergent|on the spectrum";

/// Medicines and drugs (an overdose needs one of these).
pub const DRUG: &str = "sleeping pills|sleeping tablets|sleep meds|sleeping meds|pain pills|pain killers|painkillers|blood pressure pills|blood pressure meds|heart pills|iron pills|diet pills|the pill|birth control|anti depressants|antidepressants|anti depressant|antidepressant|antipsychotics|antipsychotic|sleeping pill|painkiller|pain killer|prescription|supply of|stash of|anti anxiety meds|anxiety meds|antihistamines|beta blockers|stimulants|medications|medication|medicines|medicine|meds|pills|pill|tablets|tablet|capsules|paracetamol|co codamol|cocodamol|codamol|dihydrocodeine|nurofen|tylenol|acetaminophen|ibuprofen|advil|motrin|aspirin|naproxen|aleve|insulin|xanax|alprazolam|valium|diazepam|lorazepam|ativan|klonopin|clonazepam|benzos|oxycontin|oxycodone|oxy|opioids|opiates|heroin|fentanyl|morphine|codeine|tramadol|sertraline|zoloft|prozac|fluoxetine|lexapro|escitalopram|citalopram|paroxetine|paxil|venlafaxine|effexor|duloxetine|cymbalta|bupropion|wellbutrin|mirtazapine|trazodone|amitriptyline|lithium|lamotrigine|lamictal|quetiapine|seroquel|olanzapine|zyprexa|aripiprazole|abilify|risperidone|adderall|ritalin|methylphenidate|vyvanse|concerta|melatonin|ambien|zolpidem|zopiclone|benadryl|diphenhydramine|gabapentin|pregabalin|lyrica|propranolol|buspirone|hydroxyzine|ssris|ssri|nyquil|cough syrup|laxatives|my prescription|drugs|cocaine|meth|mdma|molly|ecstasy|ketamine|speed|crack|pills from the cabinet|uppers|downers";

/// "A lot of" — amounts that make taking a medicine an overdose.
pub const MANY: &str = r"\d{2,}|every single|every|all of|all|a full bottle of|the full bottle of|a full box of|a full pack of|a full packet of|a full|the full|full|my whole|my entire|the entire|the whole|a whole|whole|a bunch of|a bunch|bunch of|a lot of|lots of|loads of|a load of|a handful of|handful of|handfuls of|a whole bottle of|the whole bottle of|whole bottle of|a bottle of|half (?:a|the|my) (?:bottle|box|pack|packet|strip|tub|jar|blister pack) of|most of (?:the|my|a) (?:bottle|box|pack|packet|strip) of|a whole box of|the whole box of|a box of|a whole pack of|the whole pack of|a pack of|a whole packet of|the whole packet of|a packet of|a strip of|way too many|too many|way too much|too much|a ton of|tons of|an overdose of|the rest of|everything in|heaps of|(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundred)(?: \w+)?";

/// Poisons and household chemicals.
pub const POISON: &str = "dishwasher liquid|dishwasher tablets|dishwasher tablet|dishwasher pods|dishwasher pod|washing up liquid|washing liquid|fabric softener|nail polish remover|white spirit|turpentine|vape juice|vape liquid|e liquid|mouthwash|hand sanitiser|hand sanitizer|essential oils|essential oil|cleaning spray|disinfectant|caustic soda|descaler|de icer|rat bait|slug pellets|mothballs|bleach|poison|rat poison|antifreeze|anti freeze|drain cleaner|weed killer|weedkiller|pesticide|insecticide|cleaning fluid|cleaning products|cleaning product|detergent|laundry pods|laundry pod|a battery|batteries|button battery|lighter fluid|paint thinner|ammonia|methanol|lye|chlorine|fertiliser|fertilizer|gasoline|petrol|kerosene|window cleaner|toilet cleaner|oven cleaner|dish soap";

/// The means of a suicide attempt (used to escalate a plan to an emergency).
pub const MEANS: &str = "pills|tablets|meds|medication|rope|noose|gun|pistol|rifle|shotgun|knife|knives|razor|razors|blade|blades|bridge|roof|ledge|tracks|bleach|poison|belt|cord|charcoal|exhaust|cliff|balcony|overdose";

/// A time that makes an intention imminent, including "today", "now" and "tomorrow".
pub const NOW_ANY: &str = r"tonight|right now|now|today|in the next (?:hour|few hours|few minutes|minute|\w+ minutes|\w+ hours)|in a (?:minute|second|moment|sec|bit|few)|this evening|this afternoon|this morning|this weekend|tomorrow|soon|at midnight|at \d+|in (?:an|one|a few|a couple of|a couple|two|three|four|five|ten|fifteen|twenty|thirty|\d+) (?:hours|hour|minutes|minute|mins)|when (?:everyone|they|he|she|my \w+) (?:is|are|goes|go|leaves|leave) (?:asleep|gone|out|to bed|to sleep)|after (?:everyone|they|he|she) (?:goes|go|went|is|are) (?:to bed|to sleep|asleep|out)|before (?:morning|the morning|sunrise)|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";

/// The stricter "now": tonight, right now, within the hour.
pub const NOW_STRICT: &str = r"tonight|right now|this evening|at midnight|when (?:it|the train|the bus|the next one|the next train) comes|in the next (?:hour|few hours|few minutes|minute|\w+ minutes|\w+ hours)|in a (?:minute|second|moment|sec|bit|few)|in (?:a few|five|ten|two) (?:seconds|secs)|in (?:an|one|a few|a couple of|a couple|two|three|five|ten|fifteen|twenty|thirty|\d+) (?:hours|hour|minutes|minute|mins)|when (?:everyone|they|he|she|my \w+) (?:is|are|goes|go|leaves|leave) (?:asleep|gone|out|to bed|to sleep)|before (?:morning|the morning|sunrise)";

/// Explicit ways of saying "end my own life".
pub const SUICIDE_ACT: &str = "kill myself|killing myself|end my own life|end my life|ending my life|take my own life|take my life|taking my own life|taking my life|commit suicide|committing suicide|end it all|ending it all|hang myself|hanging myself|shoot myself|shooting myself|overdose|overdosing|slit my wrists|slitting my wrists|drown myself|drowning myself|off myself|offing myself|end myself|jump off (?:a|the|this|that|my) (?:bridge|building|roof|cliff|balcony|ledge|tower|overpass)|throw myself (?:off|from|in front of|under) (?:a |the |this |that |my )?(?:bridge|building|roof|cliff|balcony|ledge|tower|overpass|train|bus|car|truck|lorry)|jump in front of (?:a |the )?(?:train|bus|car|truck|lorry)";

/// Ways of saying "I will / intend to".
pub const INTENT: &str = "am going to|going to|will|plan to|planning to|planning on|decided to|have decided to|about to|ready to|am|gotta|got to|it is time to|is the night i|is the day i";

/// Verbs of physical violence (base and -ing forms).
pub const VIOLENT: &str = "hurt|hurting|kill|killing|stab|stabbing|shoot|shooting|strangle|strangling|choke|choking|hit|hitting|beat up|beating up|beat the (?:shit|crap|hell|life) out of|punch|punching|smack|smacking|slap|slapping|shake|shaking|drown|drowning|poison|poisoning|smother|smothering|suffocate|suffocating|murder|murdering|attack|attacking|harm|harming|stomp on|kick|kicking|burn|burning|throw|throwing|snap and hurt|run over";

/// Expand `{NAME}` placeholders (nested ones too) into their alternations.
pub fn expand(pattern: &str) -> String {
    const TABLE: &[(&str, &str)] = &[
        ("{PERSON}", PERSON),
        ("{PERP}", PERP),
        ("{PSUBJ}", PSUBJ),
        ("{VITAL}", VITAL),
        ("{REL_ADULT}", REL_ADULT),
        ("{REL}", REL),
        ("{DRUG}", DRUG),
        ("{CONDITION}", CONDITION),
        ("{MANY}", MANY),
        ("{POISON}", POISON),
        ("{MEANS}", MEANS),
        ("{NOW_ANY}", NOW_ANY),
        ("{NOW_STRICT}", NOW_STRICT),
        ("{SUICIDE_ACT}", SUICIDE_ACT),
        ("{INTENT}", INTENT),
        ("{VIOLENT}", VIOLENT),
    ];
    let mut s = pattern.to_string();
    // Placeholders nest at most two deep ({PERSON} contains {REL}).
    for _ in 0..3 {
        if !s.contains('{') {
            break;
        }
        for (k, v) in TABLE {
            if s.contains(k) {
                s = s.replace(k, v);
            }
        }
    }
    s
}
