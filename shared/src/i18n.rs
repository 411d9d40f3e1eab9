//! The portal's languages: one Project Fluent file per language under `shared/locales/`, compiled into
//! server and client alike, so a mail and the page that asked for it use the same words, plural rules
//! and durations. Translators edit only the `.ftl` files.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// Every language, English first (the default and the fallback). Adding a language is its `.ftl` file
/// plus one line here.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en.ftl")),
    ("de", include_str!("../locales/de.ftl")),
];

/// One of the portal's languages; on the wire its code, `"en"` or `"de"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Language(u8);

impl Language {
    pub const ENGLISH: Language = Language(0);

    pub fn all() -> impl Iterator<Item = Language> {
        // The table has a handful of entries, far below 256.
        (0..LANGUAGES.len()).map(|i| Language(i as u8))
    }

    /// `"en"`, `"de"`.
    pub fn code(self) -> &'static str {
        LANGUAGES
            .get(usize::from(self.0))
            .map_or(LANGUAGES[0].0, |(code, _)| code)
    }

    /// The language of a code or a language tag, any case: `"de"`, `"DE"`, `"de-AT"`, `"de_CH"` are German.
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next()?;
        Language::all().find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The language an `Accept-Language` header asks for (RFC 9110, section 12.5.4): the portal's
    /// language with the highest weight, the first one listed among equals; English when the header
    /// names none of them, is empty or does not parse. A weight of 0 means "not this one".
    pub fn negotiate(accept_language: &str) -> Language {
        let mut wanted: Vec<(u16, &str)> = accept_language
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                if tag.is_empty() {
                    return None;
                }
                let mut weight = 1000;
                for param in parts {
                    let (name, value) = param.split_once('=')?;
                    if name.trim().eq_ignore_ascii_case("q") {
                        weight = parse_weight(value.trim())?;
                    }
                }
                Some((weight, tag))
            })
            .collect();
        // Stable: among equal weights the header's order decides.
        wanted.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
        let refused: Vec<Language> = wanted
            .iter()
            .filter(|(weight, _)| *weight == 0)
            .filter_map(|(_, tag)| Language::from_code(tag))
            .collect();
        for (weight, tag) in &wanted {
            if *weight == 0 {
                break;
            }
            if *tag == "*" {
                if let Some(lang) = Language::all().find(|lang| !refused.contains(lang)) {
                    return lang;
                }
            } else if let Some(lang) = Language::from_code(tag) {
                return lang;
            }
        }
        Language::ENGLISH
    }

    /// The language's own name ("English", "Deutsch"), for a language switch.
    pub fn name(self) -> String {
        text(self, "language-name")
    }
}

impl Default for Language {
    fn default() -> Self {
        Language::ENGLISH
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A `q` value in thousandths: "0", "0.5", "1", "1.000"; anything else does not parse.
fn parse_weight(value: &str) -> Option<u16> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = Cow::<'de, str>::deserialize(deserializer)?;
        Language::from_code(&code).ok_or_else(|| {
            let codes: Vec<&str> = Language::all().map(Language::code).collect();
            serde::de::Error::custom(format_args!(
                "unknown language {code:?}, expected one of {}",
                codes.join(", ")
            ))
        })
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Language {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Language::all().map(Language::code)))
            .description(Some("A language of the portal, by its code"))
            .examples([serde_json::json!("de")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Language {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Language")
    }
}

/// A value for a message's `{ $variable }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<i32> for Arg<'_> {
    fn from(n: i32) -> Self {
        Arg::Num(n.into())
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Num(n.into())
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle] {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        LANGUAGES
            .iter()
            .map(|(code, source)| bundle(code, source))
            .collect()
    })
}

/// A file with a syntax error still yields every message that parsed (the tests refuse such a file).
fn bundle(code: &str, source: &str) -> Bundle {
    let id: LanguageIdentifier = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Fluent would wrap every placeable in invisible bidi isolation marks (U+2068, U+2069): they would
    // end up inside codes, addresses and links of plain-text mails, where a reader copies them along.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    // Adding to an empty bundle only fails on a message defined twice, whose first definition stays.
    let _ = bundle.add_resource(resource);
    bundle
}

/// A message without variables.
pub fn text(lang: Language, id: &str) -> String {
    format(lang, id, &[])
}

/// A message with its variables. A message missing in `lang` comes from English, a message missing there
/// too is its id: a missing translation shows, it never fails.
pub fn format(lang: Language, id: &str, args: &[(&str, Arg)]) -> String {
    let bundles = bundles();
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match *value {
            Arg::Str(s) => FluentValue::from(s),
            Arg::Num(n) => FluentValue::from(n),
        };
        fluent_args.set(*name, value);
    }
    for bundle in [bundles.get(usize::from(lang.0)), bundles.first()]
        .into_iter()
        .flatten()
    {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
        }
    }
    id.to_owned()
}

/// A duration in words: "5 minutes", "1 minute", "4 minutes 59 seconds", "1 hour 30 minutes"; German
/// "5 Minuten", "4 Minuten 59 Sekunden". Parts that are zero are left out; no time at all is "0 seconds".
pub fn duration(lang: Language, seconds: u64) -> String {
    let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let parts: Vec<String> = [
        ("duration-hours", hours),
        ("duration-minutes", minutes),
        ("duration-seconds", secs),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(id, n)| format(lang, id, &[("n", n.into())]))
    .collect();
    match parts.as_slice() {
        [] => format(lang, "duration-seconds", &[("n", 0u64.into())]),
        [one] => one.clone(),
        [first, second] => format(
            lang,
            "duration-two-parts",
            &[("first", first.into()), ("second", second.into())],
        ),
        [first, second, third, ..] => format(
            lang,
            "duration-three-parts",
            &[
                ("first", first.into()),
                ("second", second.into()),
                ("third", third.into()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    fn de() -> Language {
        Language::from_code("de").unwrap()
    }

    /// Every message and term of a file, each with the variables it uses (its attributes' included).
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("the file does not parse: {errors:?}"));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_owned(), m.value, m.attributes),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(t.value), t.attributes),
                _ => continue,
            };
            let mut vars = BTreeSet::new();
            for pattern in value.iter().chain(attributes.iter().map(|a| &a.value)) {
                pattern_variables(pattern, &mut vars);
            }
            out.insert(id, vars);
        }
        out
    }

    fn pattern_variables(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, vars);
            }
        }
    }

    fn expression_variables(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, vars);
                for variant in variants {
                    pattern_variables(&variant.value, vars);
                }
            }
            ast::Expression::Inline(inline) => inline_variables(inline, vars),
        }
    }

    fn inline_variables(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => {
                expression_variables(expression, vars)
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for arg in &arguments.positional {
                    inline_variables(arg, vars);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_language_has_every_message_with_the_same_variables() {
        let english = messages(LANGUAGES[0].1);
        assert!(english.len() > 5, "{english:?}");
        for (code, source) in LANGUAGES {
            let other = messages(source);
            for (id, vars) in &english {
                assert_eq!(other.get(id), Some(vars), "{code}: message {id}");
            }
            for id in other.keys() {
                assert!(english.contains_key(id), "{code}: {id} is not in English");
            }
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        for (lang, (code, source)) in Language::all().zip(LANGUAGES) {
            let bundle = &bundles()[usize::from(lang.0)];
            for (id, vars) in messages(source) {
                if id.starts_with('-') {
                    continue;
                }
                let mut args = FluentArgs::new();
                for var in &vars {
                    args.set(var.clone(), FluentValue::from(2));
                }
                let pattern = bundle.get_message(&id).and_then(|m| m.value()).unwrap();
                let mut errors = Vec::new();
                let out = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{code}: {id}: {errors:?}");
                assert!(!out.contains(['\u{2068}', '\u{2069}']), "{code}: {id}");
            }
        }
    }

    #[test]
    fn codes_round_trip_and_tags_name_their_language() {
        for lang in Language::all() {
            assert_eq!(Language::from_code(lang.code()), Some(lang));
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.code()));
            assert_eq!(serde_json::from_str::<Language>(&json).unwrap(), lang);
        }
        assert_eq!(Language::from_code("de-AT"), Some(de()));
        assert_eq!(Language::from_code("DE"), Some(de()));
        assert_eq!(Language::from_code("en_GB"), Some(Language::ENGLISH));
        assert_eq!(Language::from_code("fr"), None);
        assert_eq!(Language::from_code(""), None);
        assert!(serde_json::from_str::<Language>("\"xx\"").is_err());
        assert!(serde_json::from_str::<Language>("3").is_err());
        assert_eq!(Language::ENGLISH.name(), "English");
        assert_eq!(de().name(), "Deutsch");
    }

    #[test]
    fn negotiation_follows_the_weights() {
        let cases = [
            ("de-DE,de;q=0.9,en;q=0.8", "de"),
            ("fr, de;q=0.5", "de"),
            ("en;q=0, de", "de"),
            ("en;q=0.5, de;q=0.7", "de"),
            ("de;q=0.5, en;q=0.5", "de"),
            ("en-US,en;q=0.9,de;q=0.8", "en"),
            ("*", "en"),
            ("en;q=0, *", "de"),
            ("fr", "en"),
            ("", "en"),
            ("de;q=0", "en"),
            ("de;q=2", "en"),
            ("de;q=abc, en", "en"),
            ("de;q=0.0001", "en"),
            ("  DE-at ;Q=0.3 ", "de"),
            (";;;,,,=q=", "en"),
            ("\u{0}\u{ffff}ü-ß;q=é", "en"),
        ];
        for (header, code) in cases {
            assert_eq!(Language::negotiate(header).code(), code, "{header:?}");
        }
    }

    #[test]
    fn durations_read_naturally_in_both_languages() {
        let en = Language::ENGLISH;
        for (seconds, english, german) in [
            (300, "5 minutes", "5 Minuten"),
            (60, "1 minute", "1 Minute"),
            (299, "4 minutes 59 seconds", "4 Minuten 59 Sekunden"),
            (59, "59 seconds", "59 Sekunden"),
            (1, "1 second", "1 Sekunde"),
            (0, "0 seconds", "0 Sekunden"),
            (90, "1 minute 30 seconds", "1 Minute 30 Sekunden"),
            (3600, "1 hour", "1 Stunde"),
            (5400, "1 hour 30 minutes", "1 Stunde 30 Minuten"),
            (7205, "2 hours 5 seconds", "2 Stunden 5 Sekunden"),
            (
                86400 + 61,
                "24 hours 1 minute 1 second",
                "24 Stunden 1 Minute 1 Sekunde",
            ),
        ] {
            assert_eq!(duration(en, seconds), english);
            assert_eq!(duration(de(), seconds), german);
        }
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_its_id() {
        assert_eq!(text(de(), "no-such-message"), "no-such-message");
        assert_eq!(
            format(Language(200), "language-name", &[]),
            "English",
            "an index past the table reads English"
        );
    }

    #[test]
    fn placeables_are_not_wrapped_in_isolation_marks() {
        let out = format(
            Language::ENGLISH,
            "duration-two-parts",
            &[("first", "a".into()), ("second", "b".into())],
        );
        assert_eq!(out, "a b");
    }
}
