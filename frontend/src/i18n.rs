//! The client's language: which one is in force (a context every page reads), where it comes from (the
//! person's explicit choice kept in localStorage, else the browser's preferences, else English), and the
//! short forms pages use to fetch their words from the shared message files.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use gloo_storage::{LocalStorage, Storage};
use shared::i18n::Arg;
pub use shared::i18n::Language;
use yew::prelude::*;

/// Where an explicit choice is kept, so the next visit opens in it.
const STORAGE_KEY: &str = "otp-portal-language";

thread_local! {
    /// The language in force, for code outside the component tree: `api.rs` names it in every request's
    /// `Accept-Language`, so mails sent because of that request are written in it.
    static CURRENT: Cell<Language> = const { Cell::new(Language::ENGLISH) };
}

/// The language in force right now.
pub fn current() -> Language {
    CURRENT.with(Cell::get)
}

/// The words of the message files, fetched by id. Every id used through these methods is checked
/// against both files by a test that reads the sources (`every_message_id_in_the_code_exists`).
pub trait Words: Copy {
    /// The message `id`, without arguments.
    fn t(self, id: &str) -> String;
    /// The message `id` with its `{ $name }` arguments.
    fn tf(self, id: &str, args: &[(&str, Arg)]) -> String;
    /// A duration in words: "4 minutes 59 seconds".
    fn duration(self, seconds: u64) -> String;
}

impl Words for Language {
    fn t(self, id: &str) -> String {
        let text = shared::i18n::text(self, id);
        remember(&text, Said::Message(id.to_owned(), Vec::new()));
        text
    }

    fn tf(self, id: &str, args: &[(&str, Arg)]) -> String {
        let text = shared::i18n::format(self, id, args);
        let owned = args
            .iter()
            .map(|(name, value)| {
                let value = match *value {
                    Arg::Str(s) => OwnedArg::Str(s.to_owned()),
                    Arg::Num(n) => OwnedArg::Num(n),
                };
                ((*name).to_owned(), value)
            })
            .collect();
        remember(&text, Said::Message(id.to_owned(), owned));
        text
    }

    fn duration(self, seconds: u64) -> String {
        let text = shared::i18n::duration(self, seconds);
        remember(&text, Said::Duration(seconds));
        text
    }
}

/// How a text the client showed was made, so that it can be made again in another language.
#[derive(Clone)]
enum Said {
    Message(String, Vec<(String, OwnedArg)>),
    Duration(u64),
}

#[derive(Clone)]
enum OwnedArg {
    Str(String),
    Num(i64),
}

/// More distinct texts than a session shows; past it the memory starts afresh.
const SAID_LIMIT: usize = 4096;

thread_local! {
    /// Every text made from the message files, by the text. Pages keep messages they showed (a
    /// banner, a field's error from the server) as text; after a switch of language the components
    /// that show them say them again in the new one through [`in_language`].
    static SAID: RefCell<HashMap<String, Said>> = RefCell::new(HashMap::new());
}

fn remember(text: &str, said: Said) {
    SAID.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() >= SAID_LIMIT && !memory.contains_key(text) {
            memory.clear();
        }
        memory.insert(text.to_owned(), said);
    });
}

/// `text` as it reads in `lang`, when the client made it from the message files (its arguments, if
/// they were such texts, translated too); any other text as it is.
pub fn in_language(text: &str, lang: Language) -> String {
    let said = SAID.with(|memory| memory.borrow().get(text).cloned());
    match said {
        None => text.to_owned(),
        Some(Said::Duration(seconds)) => lang.duration(seconds),
        Some(Said::Message(id, args)) => {
            let translated: Vec<(String, OwnedArg)> = args
                .into_iter()
                .map(|(name, value)| match value {
                    OwnedArg::Str(s) => (name, OwnedArg::Str(in_language(&s, lang))),
                    number => (name, number),
                })
                .collect();
            let args: Vec<(&str, Arg)> = translated
                .iter()
                .map(|(name, value)| {
                    let value = match value {
                        OwnedArg::Str(s) => Arg::Str(s),
                        OwnedArg::Num(n) => Arg::Num(*n),
                    };
                    (name.as_str(), value)
                })
                .collect();
            lang.tf(&id, &args)
        }
    }
}

/// Marks a message id kept in a table or a variable for a later lookup, so that the test of the ids in
/// the code finds it too.
pub const fn msg(id: &'static str) -> &'static str {
    id
}

/// The language a page opens in: the explicit choice if one was made (and is still offered), else the
/// first of the browser's preferences the portal speaks, else English.
pub fn initial_language(stored: Option<&str>, browser_preferences: &[String]) -> Language {
    if let Some(chosen) = stored.and_then(Language::from_code) {
        return chosen;
    }
    Language::negotiate(&browser_preferences.join(","))
}

fn stored_choice() -> Option<String> {
    LocalStorage::get::<String>(STORAGE_KEY).ok()
}

fn browser_preferences() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|value| value.as_string())
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// Puts `language` in force for requests and for the document (`<html lang>`, which screen readers
/// read the page with).
fn apply(language: Language) {
    CURRENT.with(|current| current.set(language));
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", language.code());
    }
}

/// The context value: the language in force and the way to change it.
#[derive(Clone, PartialEq)]
pub struct LanguageChoice {
    pub current: Language,
    set: Callback<Language>,
}

impl LanguageChoice {
    /// Switches the whole client to `language` and remembers it as this browser's choice.
    pub fn choose(&self, language: Language) {
        let _ = LocalStorage::set(STORAGE_KEY, language.code());
        apply(language);
        self.set.emit(language);
    }
}

#[derive(Properties, PartialEq)]
pub struct LanguageProviderProps {
    pub children: Html,
}

/// Holds the language for everything below it; a change re-renders every page that shows words.
#[function_component(LanguageProvider)]
pub fn language_provider(props: &LanguageProviderProps) -> Html {
    let language = use_state_eq(|| {
        let language = initial_language(stored_choice().as_deref(), &browser_preferences());
        apply(language);
        language
    });
    let choice = LanguageChoice {
        current: *language,
        set: {
            let language = language.clone();
            Callback::from(move |chosen| language.set(chosen))
        },
    };
    html! {
        <ContextProvider<LanguageChoice> context={choice}>
            { props.children.clone() }
        </ContextProvider<LanguageChoice>>
    }
}

/// The language context of the surrounding [`LanguageProvider`].
#[hook]
#[allow(clippy::expect_used)] // A page outside the provider is a programming error, caught at once.
pub fn use_language() -> LanguageChoice {
    use_context::<LanguageChoice>().expect("use_language called outside LanguageProvider")
}

/// The language the calling component shows its words in (it re-renders when it changes).
#[hook]
pub fn use_lang() -> Language {
    use_language().current
}

#[cfg(test)]
pub mod tests {
    use std::path::Path;

    use super::*;

    const FILES: [(&str, &str); 2] = [
        ("en", include_str!("../../shared/locales/en.ftl")),
        ("de", include_str!("../../shared/locales/de.ftl")),
    ];

    pub fn german() -> Language {
        Language::from_code("de").unwrap()
    }

    /// Fails unless `id` is a message of every language's own file (the lookup itself would quietly
    /// fall back to English, then to the id).
    pub fn defined_in_every_language(id: &str) {
        for (code, source) in FILES {
            let defined = source.lines().any(|line| {
                line.strip_prefix(id)
                    .is_some_and(|rest| rest.starts_with(" ="))
            });
            assert!(defined, "message {id:?} is missing in {code}.ftl");
        }
        assert!(
            Language::all().count() == FILES.len(),
            "a language without its file in this test"
        );
    }

    /// The text inside the parentheses opening at `open` (balanced, string literals skipped).
    fn parenthesised(source: &str, open: usize) -> &str {
        let mut depth = 0;
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in source[open..].char_indices() {
            match (in_string, c) {
                (true, _) if escaped => escaped = false,
                (true, '\\') => escaped = true,
                (true, '"') => in_string = false,
                (true, _) => {}
                (false, '"') => in_string = true,
                (false, '(') => depth += 1,
                (false, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        return &source[open + 1..open + i];
                    }
                }
                _ => {}
            }
        }
        ""
    }

    /// The string literals of `text` that can be message ids; a match arm's pattern
    /// (`"username" => "field-name-username"`) is the value looked at, not an id.
    fn id_literals(text: &str) -> Vec<String> {
        let parts: Vec<&str> = text.split('"').collect();
        (1..parts.len())
            .step_by(2)
            .filter(|&i| {
                let after = parts.get(i + 1).map_or("", |a| a.trim_start());
                !after.starts_with("=>") && !after.starts_with('|')
            })
            .map(|i| parts[i])
            .filter(|s| {
                s.starts_with(|c: char| c.is_ascii_lowercase())
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c))
            })
            .map(str::to_owned)
            .collect()
    }

    /// Every message id the client's code names: the literals given to `.t(…)`, the first argument of
    /// `.tf(…)` and the ids marked with `msg(…)`.
    fn ids_in(source: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for (marker, whole) in [(".t(", true), ("msg(", true), (".tf(", false)] {
            for (at, _) in source.match_indices(marker) {
                let inside = parenthesised(source, at + marker.len() - 1);
                let id_part = if whole {
                    inside
                } else {
                    // The arguments start at the `&[`; their names are not message ids.
                    inside.split("&[").next().unwrap_or_default()
                };
                ids.extend(id_literals(id_part));
            }
        }
        ids
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_message_id_in_the_code_exists_in_every_language() {
        let mut files = Vec::new();
        rust_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut count = 0;
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            // Tests name ids of their own (and this one examples); the code before them is what ships.
            let shipped = source.split("#[cfg(test)]").next().unwrap_or_default();
            for id in ids_in(shipped) {
                count += 1;
                assert!(
                    std::panic::catch_unwind(|| defined_in_every_language(&id)).is_ok(),
                    "{}: {id}",
                    file.display()
                );
            }
        }
        // The scan itself works: the client names hundreds of messages.
        assert!(count > 200, "only {count} message ids found");
    }

    #[test]
    fn the_scan_finds_ids_in_calls_and_marks() {
        let source = r#"lang.t("a-b"); lang.tf("c-d", &[("name", x.into())]);
            lang.t(if busy { "e-f" } else { "g" }); (msg("h-i"), "not-this");
            lang.t(match field { "name" => "j-k", "a" | "b" => "l", _ => "m" })"#;
        assert_eq!(
            ids_in(source),
            ["a-b", "e-f", "g", "j-k", "l", "m", "h-i", "c-d"]
        );
    }

    #[test]
    fn an_explicit_choice_wins_over_the_browser() {
        let browser = ["de-DE".to_owned(), "en".to_owned()];
        assert_eq!(initial_language(Some("en"), &browser), Language::ENGLISH);
        assert_eq!(initial_language(None, &browser), german());
        // A stored code no longer offered counts as no choice.
        assert_eq!(initial_language(Some("xx"), &browser), german());
        assert_eq!(
            initial_language(None, &["fr".to_owned()]),
            Language::ENGLISH
        );
        assert_eq!(initial_language(None, &[]), Language::ENGLISH);
        assert_eq!(
            initial_language(None, &["fr-FR".to_owned(), "de".to_owned()]),
            german()
        );
    }

    #[test]
    fn a_shown_message_is_said_again_in_another_language() {
        let en = Language::ENGLISH;
        let wait = en.tf("wait-in", &[("duration", (&en.duration(299)).into())]);
        let shown = en.tf("problem-resend_cooldown", &[("wait", (&wait).into())]);
        assert_eq!(
            in_language(&shown, german()),
            "Gerade wurde ein Code verschickt. Einen weiteren können Sie in 4 Minuten 59 Sekunden \
             anfordern."
        );
        let notice = en.t("login-notice-signed-out");
        assert_eq!(in_language(&notice, german()), "Sie sind abgemeldet.");
        assert_eq!(in_language(&notice, en), notice);
        // Words that never came from the files (the server's own, say) stay as they are.
        assert_eq!(
            in_language("is your own account", german()),
            "is your own account"
        );
    }

    #[test]
    fn every_language_offers_itself_by_its_own_name() {
        let names: Vec<String> = Language::all().map(Language::name).collect();
        assert_eq!(names, ["English", "Deutsch"]);
    }
}
