//! The second factor as plain data: the code typed at a second step, from the app's six boxes or a
//! recovery code's text field. No browser calls: tested natively.

use shared::api::FactorCode;

use crate::code::{joined, CodeBoxes};
use crate::messages::{check_code, check_recovery_code};

/// Which input a second step shows: the app's six boxes, or a text field for a recovery code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CodeKind {
    #[default]
    App,
    Recovery,
}

/// A second step's code as typed so far. Both inputs keep what was typed in them, so switching back
/// and forth loses nothing, but only the one on show counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FactorEntry {
    pub kind: CodeKind,
    pub boxes: CodeBoxes,
    pub recovery: String,
}

impl FactorEntry {
    /// The other input.
    pub fn switched(&self) -> Self {
        Self {
            kind: match self.kind {
                CodeKind::App => CodeKind::Recovery,
                CodeKind::Recovery => CodeKind::App,
            },
            ..self.clone()
        }
    }

    pub fn with_boxes(&self, boxes: CodeBoxes) -> Self {
        Self {
            boxes,
            ..self.clone()
        }
    }

    pub fn with_recovery(&self, recovery: String) -> Self {
        Self {
            recovery,
            ..self.clone()
        }
    }

    /// After a refused code: the input on show is emptied for another try; the other keeps its text.
    pub fn cleared(&self) -> Self {
        match self.kind {
            CodeKind::App => self.with_boxes(CodeBoxes::default()),
            CodeKind::Recovery => self.with_recovery(String::new()),
        }
    }

    /// What to send: the code of the input on show, in the form the server compares (a recovery code
    /// without dashes or blanks, in lower case), or the sentence saying what is wrong with it.
    pub fn code(&self) -> Result<String, String> {
        match self.kind {
            CodeKind::App => {
                let code = joined(&self.boxes);
                match check_code(&code) {
                    Some(problem) => Err(problem),
                    None => Ok(code),
                }
            }
            CodeKind::Recovery => match FactorCode::parse(&self.recovery) {
                // Six digits typed here are still a code the server takes.
                Ok(FactorCode::Recovery(code) | FactorCode::Totp(code)) => Ok(code),
                Err(_) => Err(check_recovery_code(&self.recovery).unwrap_or_default()),
            },
        }
    }

    /// The input's own check, for the message under it.
    pub fn check(&self) -> Option<String> {
        self.code().err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::boxes_from;

    fn app(code: &str) -> FactorEntry {
        FactorEntry {
            boxes: boxes_from(code),
            ..FactorEntry::default()
        }
    }

    #[test]
    fn a_second_step_starts_with_the_apps_code() {
        let entry = FactorEntry::default();
        assert_eq!(entry.kind, CodeKind::App);
        assert_eq!(app("042917").code().as_deref(), Ok("042917"));
        let half = app("042").code().unwrap_err();
        assert!(half.contains("6 digits"), "{half}");
    }

    #[test]
    fn switching_sends_the_input_on_show_and_keeps_what_was_typed_in_the_other() {
        let entry = app("042917").switched();
        assert_eq!(entry.kind, CodeKind::Recovery);
        // Nothing typed in the recovery field yet: the boxes' code does not go out instead.
        assert!(entry.code().is_err());
        let entry = entry.with_recovery("k7qm2-xw9pa".to_owned());
        assert_eq!(entry.code().as_deref(), Ok("k7qm2xw9pa"));
        // And back: the boxes still hold their code, which is sent again.
        let back = entry.switched();
        assert_eq!(back.kind, CodeKind::App);
        assert_eq!(back.code().as_deref(), Ok("042917"));
        assert_eq!(back.recovery, "k7qm2-xw9pa");
        assert_eq!(back.switched().switched(), back);
    }

    #[test]
    fn a_recovery_code_is_sent_without_dashes_blanks_or_capitals() {
        let entry = FactorEntry::default().switched();
        for typed in ["K7QM2-XW9PA", " k7qm2 xw9pa ", "k7qm2xw9pa"] {
            assert_eq!(
                entry.with_recovery(typed.to_owned()).code().as_deref(),
                Ok("k7qm2xw9pa"),
                "{typed:?}"
            );
        }
        // The app's six digits typed into the recovery field are taken as what they are.
        assert_eq!(
            entry.with_recovery("123 456".to_owned()).code().as_deref(),
            Ok("123456")
        );
        for bad in ["", "k7qm2", "k7qm2-xw9pa-x", "k7qm2-xw9p!"] {
            let problem = entry.with_recovery(bad.to_owned()).check().unwrap();
            assert!(problem.contains("recovery code"), "{bad:?}: {problem}");
        }
    }

    #[test]
    fn a_refused_code_empties_only_the_input_on_show() {
        let both = app("042917").with_recovery("k7qm2-xw9pa".to_owned());
        let cleared = both.cleared();
        assert_eq!(joined(&cleared.boxes), "");
        assert_eq!(cleared.recovery, "k7qm2-xw9pa");
        let cleared = both.switched().cleared();
        assert_eq!(cleared.recovery, "");
        assert_eq!(joined(&cleared.boxes), "042917");
    }
}
