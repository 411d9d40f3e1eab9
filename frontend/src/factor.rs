//! The second factor as plain data: the set-up secret in groups for typing, the QR code's image URL, the
//! recovery codes' text file, and the code typed at a second step, from the app's six boxes or a recovery
//! code's text field. No browser calls: tested natively.

use chrono::{DateTime, Utc};
use shared::api::FactorCode;

use crate::code::{joined, CodeBoxes};
use crate::download::file_name;
use crate::i18n::{Language, Words};
use crate::messages::{check_code, check_recovery_code};

/// The base32 secret as the person types it into an app: upper case, in groups of four ("JBSW Y3DP
/// EHPK 3PXP"). Blanks and padding are left out (apps ignore them).
pub fn secret_in_groups(secret: &str) -> String {
    let letters: Vec<char> = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    letters
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The server's QR code as an image URL. As an `<img>` the SVG is a picture, never part of the page:
/// nothing in it can run or reach the document, and the CSP's `img-src data:` admits it.
pub fn svg_data_url(svg: &str) -> String {
    format!("data:image/svg+xml;base64,{}", base64(svg.as_bytes()))
}

/// The recovery codes with what they are for: the text file's content, also what Copy puts on the
/// clipboard (it names the account, so a code found later in a note still says what it opens).
pub fn recovery_codes_text(
    lang: Language,
    account: &str,
    created: DateTime<Utc>,
    codes: &[String],
) -> String {
    let created = created.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut text = lang.tf(
        "recovery-codes-file-heading",
        &[("account", account.into()), ("created", (&created).into())],
    );
    text.push_str("\n\n");
    text.push_str(&lang.t("recovery-codes-file-explanation"));
    text.push_str("\n\n");
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

/// `otp-portal-recovery-codes-alice.txt`: the account in the name, and nothing a file system dislikes.
pub fn recovery_codes_file_name(account: &str) -> String {
    file_name("otp-portal-recovery-codes", account, "txt")
}

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
    pub fn code(&self, lang: Language) -> Result<String, String> {
        match self.kind {
            CodeKind::App => {
                let code = joined(&self.boxes);
                match check_code(lang, &code) {
                    Some(problem) => Err(problem),
                    None => Ok(code),
                }
            }
            CodeKind::Recovery => match FactorCode::parse(&self.recovery) {
                // Six digits typed here are still a code the server takes.
                Ok(FactorCode::Recovery(code) | FactorCode::Totp(code)) => Ok(code),
                Err(_) => Err(check_recovery_code(lang, &self.recovery).unwrap_or_default()),
            },
        }
    }

    /// The input's own check, for the message under it.
    pub fn check(&self, lang: Language) -> Option<String> {
        self.code(lang).err()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::code::boxes_from;

    #[test]
    fn the_secret_is_shown_in_groups_of_four() {
        assert_eq!(secret_in_groups("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        let long = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        assert_eq!(secret_in_groups(long).split(' ').count(), 8);
        // A length that is no multiple of four ends in a shorter group.
        assert_eq!(secret_in_groups("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn the_grouped_secret_drops_blanks_and_padding_and_is_upper_case() {
        assert_eq!(
            secret_in_groups(" jbsw y3dp\nehpk3pxp== "),
            "JBSW Y3DP EHPK 3PXP"
        );
        assert_eq!(secret_in_groups(""), "");
        // Grouping twice changes nothing: what is shown can be read back.
        let once = secret_in_groups("JBSWY3DPEHPK3PXPAB");
        assert_eq!(secret_in_groups(&once), once);
    }

    #[test]
    fn base64_follows_rfc_4648() {
        // The test vectors of RFC 4648 §10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_qr_code_becomes_an_image_url_carrying_no_markup() {
        let url = svg_data_url(r#"<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#);
        assert!(url.starts_with("data:image/svg+xml;base64,"), "{url}");
        let payload = url.trim_start_matches("data:image/svg+xml;base64,");
        assert!(payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')));
        // Non-ASCII text in the SVG (a title with an accent) is carried as its UTF-8 bytes.
        assert_eq!(svg_data_url("é"), "data:image/svg+xml;base64,w6k=");
    }

    fn codes() -> Vec<String> {
        ["k7qm2-xw9pa", "3hd8r-p2mzq", "x9w2k-aa7tb"]
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn the_recovery_codes_file_names_the_account_and_lists_every_code_on_its_own_line() {
        let created = Utc.with_ymd_and_hms(2025, 3, 9, 14, 5, 0).unwrap();
        let text = recovery_codes_text(Language::ENGLISH, "alice", created, &codes());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "OTP Portal recovery codes for alice");
        assert_eq!(lines[1], "Created 2025-03-09 14:05 UTC");
        assert!(text.contains("signs you in once"), "{text}");
        assert!(text.contains("stop working"), "{text}");
        assert_eq!(
            lines[lines.len() - 3..],
            ["k7qm2-xw9pa", "3hd8r-p2mzq", "x9w2k-aa7tb"]
        );
        assert!(text.ends_with("x9w2k-aa7tb\n"));
        // Every code appears exactly once.
        for code in codes() {
            assert_eq!(text.matches(&code).count(), 1, "{code}");
        }
    }

    #[test]
    fn the_recovery_codes_file_name_is_safe_for_any_file_system() {
        assert_eq!(
            recovery_codes_file_name("alice"),
            "otp-portal-recovery-codes-alice.txt"
        );
        assert_eq!(
            recovery_codes_file_name("a.b_c-d"),
            "otp-portal-recovery-codes-a.b_c-d.txt"
        );
        assert_eq!(
            recovery_codes_file_name("../x/y"),
            "otp-portal-recovery-codes-xy.txt"
        );
        assert_eq!(
            recovery_codes_file_name(""),
            "otp-portal-recovery-codes.txt"
        );
    }

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
        assert_eq!(
            app("042917").code(Language::ENGLISH).as_deref(),
            Ok("042917")
        );
        let half = app("042").code(Language::ENGLISH).unwrap_err();
        assert!(half.contains("6 digits"), "{half}");
    }

    #[test]
    fn switching_sends_the_input_on_show_and_keeps_what_was_typed_in_the_other() {
        let entry = app("042917").switched();
        assert_eq!(entry.kind, CodeKind::Recovery);
        // Nothing typed in the recovery field yet: the boxes' code does not go out instead.
        assert!(entry.code(Language::ENGLISH).is_err());
        let entry = entry.with_recovery("k7qm2-xw9pa".to_owned());
        assert_eq!(entry.code(Language::ENGLISH).as_deref(), Ok("k7qm2xw9pa"));
        // And back: the boxes still hold their code, which is sent again.
        let back = entry.switched();
        assert_eq!(back.kind, CodeKind::App);
        assert_eq!(back.code(Language::ENGLISH).as_deref(), Ok("042917"));
        assert_eq!(back.recovery, "k7qm2-xw9pa");
        assert_eq!(back.switched().switched(), back);
    }

    #[test]
    fn a_recovery_code_is_sent_without_dashes_blanks_or_capitals() {
        let entry = FactorEntry::default().switched();
        for typed in ["K7QM2-XW9PA", " k7qm2 xw9pa ", "k7qm2xw9pa"] {
            assert_eq!(
                entry
                    .with_recovery(typed.to_owned())
                    .code(Language::ENGLISH)
                    .as_deref(),
                Ok("k7qm2xw9pa"),
                "{typed:?}"
            );
        }
        // The app's six digits typed into the recovery field are taken as what they are.
        assert_eq!(
            entry
                .with_recovery("123 456".to_owned())
                .code(Language::ENGLISH)
                .as_deref(),
            Ok("123456")
        );
        for bad in ["", "k7qm2", "k7qm2-xw9pa-x", "k7qm2-xw9p!"] {
            let problem = entry
                .with_recovery(bad.to_owned())
                .check(Language::ENGLISH)
                .unwrap();
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
