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

#[cfg(test)]
mod tests {
    /// Two files were once added to the folder and registered nowhere, so nothing trained or
    /// tested on them. The list stays in code (its order is the training order, which the
    /// committed head reproduces), and this walk of the folder keeps it whole.
    #[test]
    fn every_file_in_the_corpus_folder_is_registered_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/safety/corpus");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tsv"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = super::all().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "every corpus file, listed exactly once");
        for (name, text) in super::all() {
            let disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            assert_eq!(&disk, text, "{name} is compiled in from its own file");
        }
    }
}
