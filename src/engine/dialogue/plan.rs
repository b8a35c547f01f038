//! A person's spoken safety plan: the Stanley-Brown steps in Hearth's own words, filled in by
//! the safety-plan flow and read back on request or by the crisis protocol.

use serde::{Deserialize, Serialize};

/// One section of the safety plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanField {
    /// Signs that a hard time is starting.
    WarningSigns,
    /// Things the person can do on their own to feel a little better.
    Coping,
    /// People and places that take their mind off things.
    Distractions,
    /// People they can ask for help.
    People,
    /// Professionals, services and crisis lines.
    Professionals,
    /// Making their surroundings safer.
    Environment,
}

impl PlanField {
    /// All sections, in the order they are built and read.
    pub const ALL: [PlanField; 6] = [
        PlanField::WarningSigns,
        PlanField::Coping,
        PlanField::Distractions,
        PlanField::People,
        PlanField::Professionals,
        PlanField::Environment,
    ];
}

/// The plan's contents, as the person said them (kept with their consent: they asked to make it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SafetyPlan {
    pub warning_signs: Vec<String>,
    pub coping: Vec<String>,
    pub distractions: Vec<String>,
    pub people: Vec<String>,
    pub professionals: Vec<String>,
    pub environment: Vec<String>,
}

impl SafetyPlan {
    /// The entries of one section.
    pub fn field(&self, f: PlanField) -> &[String] {
        match f {
            PlanField::WarningSigns => &self.warning_signs,
            PlanField::Coping => &self.coping,
            PlanField::Distractions => &self.distractions,
            PlanField::People => &self.people,
            PlanField::Professionals => &self.professionals,
            PlanField::Environment => &self.environment,
        }
    }

    /// The entries of one section, to add to.
    pub fn field_mut(&mut self, f: PlanField) -> &mut Vec<String> {
        match f {
            PlanField::WarningSigns => &mut self.warning_signs,
            PlanField::Coping => &mut self.coping,
            PlanField::Distractions => &mut self.distractions,
            PlanField::People => &mut self.people,
            PlanField::Professionals => &mut self.professionals,
            PlanField::Environment => &mut self.environment,
        }
    }

    /// Whether nothing has been written down.
    pub fn is_empty(&self) -> bool {
        PlanField::ALL.iter().all(|f| self.field(*f).is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let mut p = SafetyPlan::default();
        assert!(p.is_empty());
        p.field_mut(PlanField::People).push("my sister".into());
        assert_eq!(p.field(PlanField::People), ["my sister".to_string()]);
        assert!(!p.is_empty());
        let json = serde_json::to_string(&p).unwrap_or_default();
        let back: SafetyPlan = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, p);
    }
}
