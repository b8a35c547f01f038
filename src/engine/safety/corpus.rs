//! Hearth's labelled safety corpus: thousands of utterances in the speech-recognition style,
//! each with the action it must get (`expected<TAB>utterance`, `#` comments).
//!
//! The same tables serve two purposes: the table-driven tests check the engine against them, and
//! the statistical reading ([`super::model`]) is trained on them. The curated tables must pass
//! phrase by phrase; the bulk tables (written to teach the model breadth) must meet the
//! targets as a whole. A held-out
//! set that the model never sees lives in `tests/data/safety-heldout.tsv`; keep it out of here,
//! or it stops measuring anything.

/// Curated tables, every phrase of which the engine must get right: file name and contents
/// (compiled into the binary).
pub const TABLES: &[(&str, &str)] = &[
    ("emergency.tsv", include_str!("corpus/emergency.tsv")),
    ("crisis.tsv", include_str!("corpus/crisis.tsv")),
    ("refer.tsv", include_str!("corpus/refer.tsv")),
    ("support.tsv", include_str!("corpus/support.tsv")),
    ("none.tsv", include_str!("corpus/none.tsv")),
    ("adversarial.tsv", include_str!("corpus/adversarial.tsv")),
    ("rounds.tsv", include_str!("corpus/rounds.tsv")),
    ("fresh2.tsv", include_str!("corpus/fresh2.tsv")),
    ("fresh3.tsv", include_str!("corpus/fresh3.tsv")),
    ("fresh4.tsv", include_str!("corpus/fresh4.tsv")),
    ("ordinary.tsv", include_str!("corpus/ordinary.tsv")),
    ("ask.tsv", include_str!("corpus/ask.tsv")),
    ("dangers.tsv", include_str!("corpus/dangers.tsv")),
    ("recall.tsv", include_str!("corpus/recall.tsv")),
    ("refer_shape.tsv", include_str!("corpus/refer_shape.tsv")),
    ("asr_style.tsv", include_str!("corpus/asr_style.tsv")),
];

/// Bulk tables for breadth: file name and contents.
pub const BULK: &[(&str, &str)] = &[
    ("bulk_crisis.tsv", include_str!("corpus/bulk_crisis.tsv")),
    ("bulk_crisis2.tsv", include_str!("corpus/bulk_crisis2.tsv")),
    (
        "bulk_emergency2.tsv",
        include_str!("corpus/bulk_emergency2.tsv"),
    ),
    (
        "bulk_emergency.tsv",
        include_str!("corpus/bulk_emergency.tsv"),
    ),
    ("bulk_refer.tsv", include_str!("corpus/bulk_refer.tsv")),
    ("bulk_none.tsv", include_str!("corpus/bulk_none.tsv")),
    (
        "bulk_none_distress.tsv",
        include_str!("corpus/bulk_none_distress.tsv"),
    ),
    (
        "bulk_commands.tsv",
        include_str!("corpus/bulk_commands.tsv"),
    ),
    (
        "bulk_everyday.tsv",
        include_str!("corpus/bulk_everyday.tsv"),
    ),
    ("bulk_round5.tsv", include_str!("corpus/bulk_round5.tsv")),
    ("bulk_round6.tsv", include_str!("corpus/bulk_round6.tsv")),
];

/// Every table, curated and bulk.
pub fn all() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    TABLES.iter().chain(BULK.iter())
}
