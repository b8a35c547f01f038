//! When Hearth must say that it is an AI, not a person and not a therapist.
//!
//! The rule (New York GBL Art. 47, California SB 243 and plain honesty): at the first
//! conversation, after every three hours of conversation since the last disclosure, after a
//! week without use, and whenever the person asks ("are you a real person", "is this a bot").
//! The policy is pure: the caller passes the times it keeps, in milliseconds.

use serde::Serialize;

/// Why Hearth is saying it is an AI now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureReason {
    /// Nothing has been disclosed yet.
    FirstConversation,
    /// Three hours of conversation since the last disclosure.
    ThreeHours,
    /// Seven days or more since Hearth was last used.
    AfterAWeekAway,
    /// The person asked whether they are talking to a person, a bot or a therapist.
    Asked,
}

/// The disclosure schedule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisclosurePolicy;

impl DisclosurePolicy {
    /// Conversation time between disclosures.
    pub const CONVERSATION_MS: u64 = 3 * 60 * 60 * 1000;
    /// Time away after which Hearth introduces itself again.
    pub const AWAY_MS: u64 = 7 * 24 * 60 * 60 * 1000;

    /// Whether a disclosure is due before Hearth speaks.
    ///
    /// - `last_disclosed_at_ms`: when Hearth last said it is an AI (`None`: never).
    /// - `conversation_ms_since_disclosure`: time spent in conversation since then.
    /// - `last_used_at_ms`: when the person last used Hearth before now (`None`: never).
    /// - `now_ms`: the current time.
    pub fn due(
        last_disclosed_at_ms: Option<u64>,
        conversation_ms_since_disclosure: u64,
        last_used_at_ms: Option<u64>,
        now_ms: u64,
    ) -> Option<DisclosureReason> {
        if last_disclosed_at_ms.is_none() {
            return Some(DisclosureReason::FirstConversation);
        }
        if let Some(used) = last_used_at_ms {
            if now_ms.saturating_sub(used) >= Self::AWAY_MS {
                return Some(DisclosureReason::AfterAWeekAway);
            }
        }
        if conversation_ms_since_disclosure >= Self::CONVERSATION_MS {
            return Some(DisclosureReason::ThreeHours);
        }
        None
    }

    /// Same as [`due`](Self::due), with the person's question taken into account: asking
    /// always gets an answer.
    pub fn due_for(
        asked: bool,
        last_disclosed_at_ms: Option<u64>,
        conversation_ms_since_disclosure: u64,
        last_used_at_ms: Option<u64>,
        now_ms: u64,
    ) -> Option<DisclosureReason> {
        if asked {
            return Some(DisclosureReason::Asked);
        }
        Self::due(
            last_disclosed_at_ms,
            conversation_ms_since_disclosure,
            last_used_at_ms,
            now_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = 60 * 60 * 1000;
    const D: u64 = 24 * H;

    #[test]
    fn first_conversation() {
        assert_eq!(
            DisclosurePolicy::due(None, 0, None, 1_000),
            Some(DisclosureReason::FirstConversation)
        );
        assert_eq!(
            DisclosurePolicy::due(None, 0, Some(10), 1_000),
            Some(DisclosureReason::FirstConversation)
        );
    }

    #[test]
    fn every_three_hours_of_conversation() {
        let now = 100 * D;
        assert_eq!(
            DisclosurePolicy::due(Some(now - 4 * H), 3 * H - 1, Some(now - 60_000), now),
            None
        );
        assert_eq!(
            DisclosurePolicy::due(Some(now - 4 * H), 3 * H, Some(now - 60_000), now),
            Some(DisclosureReason::ThreeHours)
        );
        // Wall-clock time alone does not count: a disclosure a day ago with ten minutes of talk since.
        assert_eq!(
            DisclosurePolicy::due(Some(now - D), 10 * 60_000, Some(now - 60_000), now),
            None
        );
    }

    #[test]
    fn after_a_week_away() {
        let now = 100 * D;
        assert_eq!(
            DisclosurePolicy::due(Some(now - 8 * D), 0, Some(now - 7 * D), now),
            Some(DisclosureReason::AfterAWeekAway)
        );
        assert_eq!(
            DisclosurePolicy::due(Some(now - 8 * D), 0, Some(now - 7 * D + 1), now),
            None
        );
        // A clock that went backwards never panics.
        assert_eq!(
            DisclosurePolicy::due(Some(now), 0, Some(now + D), now),
            None
        );
    }

    #[test]
    fn asking_always_answers() {
        let now = 100 * D;
        assert_eq!(
            DisclosurePolicy::due_for(true, Some(now), 0, Some(now), now),
            Some(DisclosureReason::Asked)
        );
        assert_eq!(
            DisclosurePolicy::due_for(false, Some(now), 0, Some(now), now),
            None
        );
    }
}
