//! What a rehearsed person answers: `hearth flow NAME --dry-run` (and the engine's tests) answer
//! each question with a canned line for the kind of step, a moment after it has been heard.

use super::prompts::Expect;

/// How long the simulated person takes to start answering once the microphone opens.
pub const ANSWER_DELAY_MS: u64 = 1_500;

/// The answer the dry run gives to a step of this kind.
pub fn canned_answer(expect: Option<Expect>) -> Option<String> {
    let a = match expect? {
        Expect::Free => "I went for a walk after dinner.",
        Expect::MoodScore => "About a six, I guess.",
        Expect::Feelings => "A bit tired but calm.",
        Expect::Note => "No, that's all.",
        Expect::Frequency => "Several days.",
        Expect::Things => "The lamp, the window, my cup, a book and the door.",
    };
    Some(a.to_string())
}
