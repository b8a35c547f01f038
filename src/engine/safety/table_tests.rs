//! Table-driven tests: every phrase in the corpus (`corpus/*.tsv`) is assessed and checked, and
//! all failures are printed at once. Also scores the shared dev set when it is present, and
//! prints the mean time of one assessment.
//!
//! Labels: `emergency` (exactly), `crisis` (crisis or emergency), `refer` (exactly), `support`
//! (exactly), `none` (none or support).

use super::corpus::TABLES;
use super::eval::{evaluate, parse_tsv};
use super::{SafetyAction, SafetyEngine};

fn accepts(expected: SafetyAction, got: SafetyAction) -> bool {
    match expected {
        SafetyAction::Crisis => got.is_risk(),
        SafetyAction::None => got <= SafetyAction::Support,
        other => got == other,
    }
}

#[test]
fn every_table_phrase() {
    let engine = SafetyEngine::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, tsv) in TABLES {
        let (items, malformed) = parse_tsv(tsv);
        for line in malformed {
            failures.push(format!("{name}:{line}: malformed line"));
        }
        for (line, expected, text) in items {
            total += 1;
            let a = engine.assess(text);
            if !accepts(expected, a.action) {
                failures.push(format!(
                    "{name}:{line}: expected {expected}, got {} ({}, {}): {text}",
                    a.action, a.category, a.reason
                ));
            }
        }
    }
    println!("{total} table phrases, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} phrases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 500, "only {total} phrases");
}

#[test]
fn own_tables_report() {
    let engine = SafetyEngine::new();
    let all: String = TABLES.iter().map(|(_, t)| format!("{t}\n")).collect();
    let report = evaluate(&engine, &all);
    println!("own tables:\n{report}");
    assert!(report.meets_targets(), "{report}");
}

#[test]
fn shared_dev_set_meets_targets() {
    let path = std::path::Path::new("/work/shared/eval/safety-dev.tsv");
    let Ok(tsv) = std::fs::read_to_string(path) else {
        println!(
            "note: {} not present, skipping the dev-set evaluation",
            path.display()
        );
        return;
    };
    let report = evaluate(&SafetyEngine::new(), &tsv);
    println!("dev set:\n{report}");
    assert!(report.meets_targets(), "{report}");
}

#[test]
fn mean_assess_time() {
    let engine = SafetyEngine::new();
    let phrases: Vec<&str> = TABLES
        .iter()
        .flat_map(|(_, t)| parse_tsv(t).0.into_iter().map(|(_, _, text)| text))
        .collect();
    let _ = engine.assess("warm up");
    let rounds = 3;
    let start = std::time::Instant::now();
    let mut risky = 0usize;
    for _ in 0..rounds {
        for p in &phrases {
            if engine.assess(p).action.is_risk() {
                risky += 1;
            }
        }
    }
    let n = (phrases.len() * rounds).max(1);
    let mean = start.elapsed() / n as u32;
    println!(
        "mean assess() time over {} phrases x {rounds}: {:?} ({} risk readings)",
        phrases.len(),
        mean,
        risky / rounds
    );
}

#[test]
fn deterministic() {
    let engine = SafetyEngine::new();
    for (_, t) in TABLES {
        for (_, _, text) in parse_tsv(t).0.into_iter().take(40) {
            assert_eq!(engine.assess(text), SafetyEngine::new().assess(text));
        }
    }
}

/// The rule families added on 2026-12-06 (from what the screen missed on the train and
/// calibration splits of the own bulk tables), phrase by phrase, each with the ordinary lines
/// that share their words and must stay quiet.
#[test]
fn families_of_2026_12_06() {
    let emergency = [
        "the cord is already round my neck i just need to kick the chair away",
        "i've got the belt around my neck right now",
        "i'm in the bath with the razor and i've already started",
        "i've made the cuts and i'm getting really lightheaded",
        "everything's going blurry since i took them",
        "when the shop closes i'm going up the multi storey and jumping",
        "when the nurse finishes her rounds i'm going to use the cord",
        "im taking his gun into the office tomorrow morning",
        "my husband just walked out with the rope and won't answer",
        "my neighbours house is full of smoke and shes really old",
        "someone's locked me in a room and won't let me out",
        "i crashed my bike and there's a bone sticking out",
        "my grandads choking and going purple",
        "my chest feels like an elephant's sitting on it and my arm's gone numb",
        "as soon as my husband leaves for his shift i'm taking the pills",
        "i sent the kids to my mums so they wont be the ones to find me later",
        "ive filled the car with petrol and im driving into the reservoir tonight",
        "my brother is hitting our dad with a bat right now",
        "there's a stranger in my kids bedroom",
        "someone's set fire to my front door",
        "my little boy was bitten by a snake and he's getting drowsy",
        "i've just drunk a load of ant killer",
    ];
    let crisis = [
        "i wear long sleeves in summer so no one sees my arms",
        "my arms are covered in scars and some are new",
        "i scald myself in the bath on purpose",
        "i slam my hand in the door to make the feelings stop",
        "i pick at my scars so they never heal",
        "i told my teacher i fell but really i did it to myself",
        "uh i skip meals cuz i dont deserve to eat",
        "im kinda hoping i get sick and dont recover",
        "i honestly don't see how i get out of this alive",
        "um i keep thinking this will be my last winter",
        "im only still here because of my mum",
        "i told my mate i'd see him around but i meant it as goodbye",
        "i've been tidying everything up so nobody has a mess to sort out",
        "don't freak out but i wrote a note",
        "i've attempted before and i'm feeling the same way again",
        "i've looked up different methods online",
        "um i was looking up stuff about hanging online again",
        "i swerve toward oncoming lorries sometimes and only pull back at the last second",
        "uh i told my brother i'd kill him and i think i meant it",
        "god told me my neighbour is evil and needs to be stopped",
        "an older guy online is making me send pictures or he'll tell my parents",
        "my partner threatened to post my nudes if i leave",
        "he takes my wages and i have to ask for bus money",
        "a lad on my football team said he's going to top himself",
        "if i died tomorrow i honestly wouldn't mind",
        "i hold my head under the bath water to see how long till i black out",
    ];
    let ask = [
        "i cant see any way out of this",
        "there is no escape from my own head",
        "i really can't see a way through this",
    ];
    let ordinary = [
        "that coffee tastes like drinking a battery",
        "you're breathing very heavily",
        "can you check its breathing",
        "it was shot by a hunter",
        "the movie was shot in toronto",
        "that was a heart stopping finish",
        "a bowel curdling, heart stopping recipe for terror",
        "are they going to call the cops",
        "the baby is kicking me right now",
        "the kids are attacking us with water balloons right now",
        "i can't see a way out of this traffic",
        "there is no way out of this building",
        "he can't see any way out of this",
        "i burnt my hand on the oven this morning",
        "i did it myself, no help from anyone",
        "my boss decides what i wear at work, it's a uniform",
        "my mum checks what i eat because i'm diabetic",
        "i'm taking the knife to work to cut the birthday cake",
        "when my husband leaves for work i'm doing it, the big clean",
        "i'm going up to the roof to fix the aerial",
        "i wrote a note for the milkman",
        "we looked up different methods for brewing coffee",
        "i have tried before and i'll try again at the exam",
        "this will be my last christmas in london",
        "the only reason i am still here at work is the pension",
        "i'm only still here for the free food",
        "i want to make him suffer through my karaoke",
        "the water is up to my waist in this pool, i'll keep walking to the deep end",
        "so they won't find me hiding behind the sofa",
        "i'm tidying up so nobody has a mess to sort out after the party",
        "i don't see the point in being around for the meeting",
        "i held my head under the water to see how long i could hold my breath",
        "he wants to be with her and he's stopped eating junk food to impress her",
        "i wear long sleeves so no one sees my tattoos",
        "i'm being blackmailed by my little sister for the last biscuit",
        "they threatened to post my photos on the school website",
        "i'm scared my parents will kill me when they see my grades",
    ];
    assert_families(&emergency, &crisis, &ask, &ordinary);
}

/// The second batch of 2026-12-06 (from the train split's misses), phrase by phrase, with the
/// ordinary lines its first draft alarmed on.
#[test]
fn families_of_2026_12_06_second_batch() {
    let emergency = [
        "in five minutes i'm going to cut my wrists",
        "right after this i'm going to find him and kill him",
        "i've posted my goodbyes online and i'm switching off my phone now",
        "i've said my goodbyes and i'm heading to the bridge when it's dark",
        "my brother rang me from the bridge crying",
        "my mate is live streaming from the cliff edge",
        "my dad is threatening to shoot himself",
        "i'm in the sea and i'm letting the current take me",
        "my son hit his head at football and now he's being sick and drowsy",
        "her sugar is really low and she's not making sense",
        "everything's gone numb since i took the tablets",
        "i'm hiding in the wardrobe and he's looking for me",
    ];
    let crisis = [
        "i've been stockpiling my painkillers for months",
        "i keep researching which bridges have no fences",
        "i know exactly which car park i would jump from",
        "i use a compass on my arm when it gets bad",
        "i burn my arms with cigarettes",
        "there's blood on my bed again from what i did",
        "i'm just waiting to die now",
        "i'm just a drain on my family",
        "if nothing gets better by christmas i'm done",
        "my husband could start over if i wasn't here",
        "my friend keeps saying everyone would be better off without her",
        "the football coach keeps touching him in the changing rooms",
        "my carer won't give me my dinner until i do what she says",
        "i'm frightened to be alone with my baby",
        "i'm thinking about spiking his drink at the party",
    ];
    let ordinary = [
        "tonight i'm going to jump on the trampoline with the kids",
        "when he gets home tonight i'm going to kill him, he ate my cake",
        "i said goodbye and now i'm turning off my phone for the night, see you tomorrow",
        "i said goodbye to my friends and we're heading to the station for the train",
        "my mum called me from the bridge club",
        "the hose and the car need washing this weekend",
        "he's threatening to kill himself laughing at that show",
        "we were looking at the tallest buildings in dubai on holiday",
        "i stood on the bridge for ages taking photos of the sunset",
        "i made a playlist for my funeral as a joke with my mates",
        "i've been hurting myself at the gym, my back is wrecked",
        "i'd go to sleep and stay asleep all weekend if i could",
        "if things don't get better by friday i'm done with this job",
        "my friend keeps saying everyone would be happier without him at the pub quiz",
        "his last text said look after the dog while i'm away",
        "my coach touched her shoulder to correct her form",
        "she takes money out of my purse to buy milk for us",
        "i want to make him pay for dinner, i know where he works",
        "i'm collecting old prescriptions for the pharmacy recycling scheme",
    ];
    assert_families(&emergency, &crisis, &[], &ordinary);
}

/// Each phrase gets what its list says: emergency exactly, crisis or emergency, ask exactly,
/// and none or support for the ordinary lines. All failures are reported at once.
fn assert_families(emergency: &[&str], crisis: &[&str], ask: &[&str], ordinary: &[&str]) {
    let engine = SafetyEngine::new();
    type Group<'a> = (&'a [&'a str], &'a str, fn(SafetyAction) -> bool);
    let groups: [Group; 4] = [
        (emergency, "emergency", |a| a == SafetyAction::Emergency),
        (crisis, "crisis or emergency", |a| a.is_risk()),
        (ask, "ask", |a| a == SafetyAction::Ask),
        (ordinary, "none or support", |a| a <= SafetyAction::Support),
    ];
    let mut failures = Vec::new();
    for (phrases, want, ok) in groups {
        for text in phrases {
            let a = engine.assess(text);
            if !ok(a.action) {
                failures.push(format!(
                    "expected {want}, got {} ({}): {text}",
                    a.action, a.reason
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
