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
