//! Deploy CLI keyword replacement, and the environment a fixture load sees.
//!
//! The Deploy CLI (`keywordReplace` in its `src/tools/utils.ts`) rewrites the raw text of every
//! file it reads, before parsing: first, for each mapping in order, `@@KEY@@` becomes
//! `JSON.stringify(value)`, and a pair of `'…'` or `"…"` quotes directly around the marker goes
//! with it, so `'@@ORIGINS@@'` in YAML turns into a real list; then, for each mapping,
//! `##KEY##` becomes the value as plain text. Both replace through a function, so `$` in a
//! value is never a replacement pattern. A marker with no mapping stays as written.
//!
//! Mappings come from `AUTH0_KEYWORD_REPLACE_MAPPINGS` in `config.json` (the Deploy CLI's
//! config file) and from the environment, where every variable is a keyword as with the
//! Deploy CLI's default `--env` (`Object.assign(mappings, process.env)` in its
//! `src/commands/import.ts`, whose memory store ranks above the config file, so a variable
//! wins over a config.json mapping of the same name).

use super::source::FixtureSource;
use crate::error::FixtureError;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// How many bytes keyword replacement may add to one file: far beyond any real tenant, and a
/// bound on what a few markers with a large value could otherwise make a load allocate.
pub(crate) const MAX_GROWTH: usize = 16 << 20;

/// Keyword replacement would have added more than [`MAX_GROWTH`] bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grown;

/// The configuration key (and environment variable) holding keyword mappings.
pub const MAPPINGS_KEY: &str = "AUTH0_KEYWORD_REPLACE_MAPPINGS";

/// config.json keys that only say how the Deploy CLI reaches and exports a real tenant: they
/// mean nothing offline, so they are accepted without a warning.
const OFFLINE_MEANINGLESS_CONFIG: &[&str] = &[
    "AUTH0_DOMAIN",
    "AUTH0_CLIENT_ID",
    "AUTH0_CLIENT_SECRET",
    "AUTH0_CLIENT_SIGNING_KEY_PATH",
    "AUTH0_CLIENT_SIGNING_ALGORITHM",
    "AUTH0_ACCESS_TOKEN",
    "AUTH0_AUDIENCE",
    "AUTH0_API_MAX_RETRIES",
    "AUTH0_ALLOW_DELETE",
    "AUTH0_EXPORT_IDENTIFIERS",
    "AUTH0_EXPORT_SECRETS",
    "AUTH0_EXPORT_ORDERED",
    "AUTH0_PRESERVE_KEYWORDS",
    "AUTH0_EXPERIMENTAL_EA",
    "AUTH0_DRY_RUN",
    "AUTH0_DRY_RUN_INTERACTIVE",
    "AUTH0_DRY_RUN_APPLY",
];

/// The config.json key naming the folder of non-database connections (`connections` by
/// default), which the Deploy CLI's directory format honours.
pub(crate) const CONNECTIONS_DIRECTORY_KEY: &str = "AUTH0_CONNECTIONS_DIRECTORY";

/// The environment variables one fixture load sees. Read from the process once per load (the
/// only place fixtures read the environment), or given, so tests need not touch the process
/// environment.
#[derive(Debug, Clone, Default)]
pub struct LoadEnv {
    vars: Vec<(String, String)>,
}

impl LoadEnv {
    /// The process environment; a variable whose name or value is not UTF-8 is left out, as it
    /// could not appear in a fixture's text anyway.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// Exactly these variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of one variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What `config.json` and the environment decide for a load: the keywords, the connections
/// folder of a directory export, and warnings about settings the mock does not apply.
#[derive(Debug)]
pub(crate) struct DeploySettings {
    /// The keyword mappings, applied to every Deploy CLI file read.
    pub keywords: Keywords,
    /// `AUTH0_CONNECTIONS_DIRECTORY`, else `connections`.
    pub connections_directory: String,
    /// One line per problem worth telling (settings not applied).
    pub warnings: Vec<String>,
}

impl DeploySettings {
    /// Reads `config.json` (optional) from the fixtures and merges the environment in.
    pub(crate) fn read(src: &FixtureSource, env: &LoadEnv) -> Result<Self, FixtureError> {
        let file = src.describe("config.json");
        let config = match src.read("config.json")? {
            Some(text) => {
                Some(
                    serde_json::from_str::<Value>(&text).map_err(|e| FixtureError::Parse {
                        file: file.clone(),
                        path: "(document)".into(),
                        reason: e.to_string(),
                    })?,
                )
            }
            None => None,
        };
        Self::from_parts(&file, config.as_ref(), env)
    }

    /// [`DeploySettings::read`] on an already parsed config (`None`: no config.json).
    pub(crate) fn from_parts(
        file: &str,
        config: Option<&Value>,
        env: &LoadEnv,
    ) -> Result<Self, FixtureError> {
        let mut mappings: Vec<(String, Value)> = Vec::new();
        let mut warnings = Vec::new();
        let mut connections_directory = "connections".to_string();
        if let Some(config) = config {
            let Value::Object(config) = config else {
                return Err(FixtureError::invalid(
                    file,
                    "(document)",
                    "the Deploy CLI config must be a JSON object",
                ));
            };
            if let Some(m) = config.get(MAPPINGS_KEY) {
                mappings = mapping_entries(m).map_err(|reason| {
                    FixtureError::invalid(file, MAPPINGS_KEY, reason.to_string())
                })?;
            }
            match config.get(CONNECTIONS_DIRECTORY_KEY) {
                Some(Value::String(dir)) => connections_directory = dir.clone(),
                Some(_) => {
                    return Err(FixtureError::invalid(
                        file,
                        CONNECTIONS_DIRECTORY_KEY,
                        "must be a folder name",
                    ));
                }
                None => {}
            }
            let not_applied: Vec<&str> = config
                .keys()
                .map(String::as_str)
                .filter(|k| {
                    *k != MAPPINGS_KEY
                        && *k != CONNECTIONS_DIRECTORY_KEY
                        && !OFFLINE_MEANINGLESS_CONFIG.contains(k)
                })
                .collect();
            if !not_applied.is_empty() {
                warnings.push(format!(
                    "{file}: Deploy CLI settings auth0-mock does not apply (it loads every section it reads, whole): {}",
                    not_applied.join(", ")
                ));
            }
        }
        for (k, v) in &env.vars {
            if k != MAPPINGS_KEY {
                upsert(&mut mappings, k, Value::String(v.clone()));
            }
        }
        // The variable itself is the strongest source: with it set, the Deploy CLI uses its
        // mappings alone. auth0-mock layers it on top instead, which resolves every keyword
        // the Deploy CLI resolves the same way and more.
        if let Some(text) = env.get(MAPPINGS_KEY) {
            let parsed: Value = serde_json::from_str(text).map_err(|e| {
                FixtureError::invalid(
                    format!("environment variable {MAPPINGS_KEY}"),
                    "(document)",
                    format!("not JSON: {e}"),
                )
            })?;
            for (k, v) in mapping_entries(&parsed).map_err(|reason| {
                FixtureError::invalid(
                    format!("environment variable {MAPPINGS_KEY}"),
                    "(document)",
                    reason,
                )
            })? {
                upsert(&mut mappings, &k, v);
            }
        }
        Ok(Self {
            keywords: Keywords::new(mappings),
            connections_directory,
            warnings,
        })
    }
}

/// The entries of a mappings value: an object, or a string holding one (the Deploy CLI
/// JSON-decodes string values of its object settings).
fn mapping_entries(value: &Value) -> Result<Vec<(String, Value)>, &'static str> {
    let decoded;
    let object: &Map<String, Value> = match value {
        Value::Object(m) => m,
        Value::String(s) => {
            decoded = serde_json::from_str::<Value>(s)
                .map_err(|_| "must be an object of KEY: value (or a string of JSON holding one)")?;
            match &decoded {
                Value::Object(m) => m,
                _ => return Err("must be an object of KEY: value"),
            }
        }
        _ => return Err("must be an object of KEY: value"),
    };
    Ok(object.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

fn upsert(mappings: &mut Vec<(String, Value)>, key: &str, value: Value) {
    match mappings.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => mappings.push((key.to_string(), value)),
    }
}

/// Keyword mappings, in the order the Deploy CLI applies them, and the markers left without a
/// mapping in the files they were applied to.
#[derive(Debug, Default)]
pub(crate) struct Keywords {
    mappings: Vec<(String, Value)>,
    /// Marker → files it was left in, in the order seen.
    leftovers: RefCell<BTreeMap<String, Vec<String>>>,
}

impl Keywords {
    /// Mappings in insertion order; reordered as JavaScript's `Object.keys` lists an object's
    /// keys (integer-like keys first, ascending), since the order decides what a value that
    /// itself holds a marker turns into.
    pub(crate) fn new(mappings: Vec<(String, Value)>) -> Self {
        let (mut indices, names): (Vec<_>, Vec<_>) = mappings
            .into_iter()
            .partition(|(k, _)| array_index(k).is_some());
        indices.sort_by_key(|(k, _)| array_index(k));
        indices.extend(names);
        Self {
            mappings: indices,
            leftovers: RefCell::default(),
        }
    }

    /// The text with every mapped keyword replaced, as the Deploy CLI's `keywordReplace`;
    /// `Err` when that would add more than [`MAX_GROWTH`] bytes.
    pub(crate) fn replace(&self, text: &str) -> Result<String, Grown> {
        let limit = text.len().saturating_add(MAX_GROWTH);
        let mut out = text.to_string();
        for (fence, eat_quotes) in [("@@", true), ("##", false)] {
            if !out.contains(fence) {
                continue;
            }
            for (key, value) in &self.mappings {
                let marker = format!("{fence}{key}{fence}");
                if !out.contains(&marker) {
                    continue;
                }
                let value = if eat_quotes {
                    js_json(value)
                } else {
                    js_string(value)
                };
                out = replace_marker(&out, &marker, eat_quotes, &value, limit)?;
            }
        }
        Ok(out)
    }

    /// [`Keywords::replace`] on the text of `file`, noting the markers left in it.
    pub(crate) fn apply(&self, file: &str, text: &str) -> Result<String, FixtureError> {
        let out = self.replace(text).map_err(|Grown| {
            FixtureError::invalid(
                file,
                "(document)",
                format!(
                    "keyword replacement would make it more than {} MiB larger; no tenant needs values that large or repeated that often",
                    MAX_GROWTH >> 20
                ),
            )
        })?;
        let mut leftovers = self.leftovers.borrow_mut();
        for marker in leftover_markers(&out) {
            let files = leftovers.entry(marker).or_default();
            if !files.iter().any(|f| f == file) {
                files.push(file.to_string());
            }
        }
        Ok(out)
    }

    /// One line naming every marker left without a mapping, once, with where it was seen;
    /// markers seen in the same files are listed together.
    pub(crate) fn leftover_warning(&self) -> Option<String> {
        let leftovers = self.leftovers.borrow();
        if leftovers.is_empty() {
            return None;
        }
        let mut groups: Vec<(&[String], Vec<&str>)> = Vec::new();
        for (marker, files) in leftovers.iter() {
            match groups.iter_mut().find(|(f, _)| *f == files.as_slice()) {
                Some((_, markers)) => markers.push(marker),
                None => groups.push((files, vec![marker])),
            }
        }
        let listed: Vec<String> = groups
            .iter()
            .map(|(files, markers)| {
                let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
                let more = match files.len().saturating_sub(3) {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!("{} (in {}{more})", markers.join(", "), shown.join(", "))
            })
            .collect();
        Some(format!(
            "keywords without a mapping, left as written (map them under {MAPPINGS_KEY} in config.json or set them as environment variables): {}",
            listed.join("; ")
        ))
    }
}

/// JavaScript's array-index keys (`"0"`, `"42"`, below 2³² − 1), which `Object.keys` lists
/// first.
fn array_index(key: &str) -> Option<u64> {
    let canonical = key == "0"
        || (key.len() <= 10
            && key.starts_with(|c: char| ('1'..='9').contains(&c))
            && key.bytes().all(|b| b.is_ascii_digit()));
    key.parse::<u64>()
        .ok()
        .filter(|n| canonical && *n < u64::from(u32::MAX))
}

/// Replaces every `marker` with `value`, left to right; with `eat_quotes`, a pair of matching
/// quotes directly around a marker goes too (the Deploy CLI's `'@@K@@'|"@@K@@"|@@K@@`,
/// leftmost match first). `Err` as soon as the text would pass `limit` bytes.
fn replace_marker(
    text: &str,
    marker: &str,
    eat_quotes: bool,
    value: &str,
    limit: usize,
) -> Result<String, Grown> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    while let Some(found) = text[cursor..].find(marker) {
        let at = cursor + found;
        let end = at + marker.len();
        let quoted = eat_quotes
            && at > cursor
            && matches!(bytes[at - 1], b'\'' | b'"')
            && bytes.get(end) == Some(&bytes[at - 1]);
        let (start, stop) = if quoted { (at - 1, end + 1) } else { (at, end) };
        if out.len() + (start - cursor) + value.len() + (text.len() - stop) > limit {
            return Err(Grown);
        }
        out.push_str(&text[cursor..start]);
        out.push_str(value);
        cursor = stop;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// `##NAME##` and `@@NAME@@` markers (NAME of letters, digits and `_`) in a text.
fn leftover_markers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for fence in ["@@", "##"] {
        let mut rest = text;
        while let Some(at) = rest.find(fence) {
            let after = &rest[at + 2..];
            let name = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if name > 0 && after[name..].starts_with(fence) {
                found.push(format!("{fence}{}{fence}", &after[..name]));
                rest = &after[name + 2..];
            } else {
                rest = &rest[at + 1..];
            }
        }
    }
    found
}

/// `JSON.stringify(value)`: compact, numbers as JavaScript writes them.
fn js_json(value: &Value) -> String {
    match value {
        Value::Number(n) => js_number(n),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(js_json).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), js_json(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        other => other.to_string(),
    }
}

/// `String(value)`, what a JavaScript replacement function's return becomes in the text.
fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => js_number(n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::Null => String::new(),
                    v => js_string(v),
                })
                .collect();
            items.join(",")
        }
        Value::Object(_) => "[object Object]".into(),
    }
}

/// A number as JavaScript's `Number.prototype.toString` writes it (ECMA-262 Number::toString):
/// the shortest digits that round-trip, plain between 1e-7 and 1e21, else `d.ddde±x`.
fn js_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let Some(f) = n.as_f64() else {
        return n.to_string();
    };
    if f == 0.0 {
        return "0".into();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    // Rust's `{:e}` is the shortest round-tripping form, as ECMAScript requires.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        match digits.split_at(1) {
            (first, "") => format!("{first}e{e}"),
            (first, rest) => format!("{first}.{rest}e{e}"),
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keywords(pairs: &[(&str, Value)]) -> Keywords {
        Keywords::new(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn settings(config: Option<Value>, env: &[(&str, &str)]) -> DeploySettings {
        DeploySettings::from_parts(
            "config.json",
            config.as_ref(),
            &LoadEnv::from_pairs(env.iter().copied()),
        )
        .unwrap()
    }

    #[test]
    fn a_hash_keyword_is_replaced_by_the_value_as_plain_text() {
        let k = keywords(&[("ENV", json!("dev"))]);
        assert_eq!(
            k.replace("name: '##ENV## tenant'").unwrap(),
            "name: 'dev tenant'"
        );
    }

    #[test]
    fn an_at_keyword_becomes_the_json_of_the_value() {
        let k = keywords(&[("ORIGINS", json!(["http://a", "http://b"]))]);
        assert_eq!(
            k.replace("web_origins: @@ORIGINS@@").unwrap(),
            r#"web_origins: ["http://a","http://b"]"#
        );
    }

    #[test]
    fn an_at_keyword_takes_surrounding_single_quotes_along() {
        let k = keywords(&[("ORIGINS", json!(["http://a"]))]);
        assert_eq!(
            k.replace("web_origins: '@@ORIGINS@@'").unwrap(),
            r#"web_origins: ["http://a"]"#
        );
    }

    #[test]
    fn an_at_keyword_takes_surrounding_double_quotes_along() {
        let k = keywords(&[("PORT", json!(3000))]);
        assert_eq!(
            k.replace(r#"{"port": "@@PORT@@"}"#).unwrap(),
            r#"{"port": 3000}"#
        );
    }

    #[test]
    fn an_at_keyword_between_mismatched_quotes_keeps_them() {
        let k = keywords(&[("A", json!("x"))]);
        assert_eq!(k.replace(r#"'@@A@@""#).unwrap(), r#"'"x"""#);
    }

    #[test]
    fn an_at_keyword_with_a_string_value_becomes_a_quoted_string() {
        let k = keywords(&[("A", json!("say \"hi\""))]);
        assert_eq!(k.replace("v: @@A@@").unwrap(), r#"v: "say \"hi\"""#);
    }

    #[test]
    fn dollar_sequences_in_a_value_are_inserted_as_written() {
        let k = keywords(&[("P", json!("a$&b$'c$1"))]);
        assert_eq!(
            k.replace("##P## @@P@@").unwrap(),
            r#"a$&b$'c$1 "a$&b$'c$1""#
        );
    }

    #[test]
    fn a_keyword_without_a_mapping_is_left_as_written() {
        let k = keywords(&[("KNOWN", json!("x"))]);
        assert_eq!(
            k.replace("##UNKNOWN## @@UNKNOWN@@ ##KNOWN##").unwrap(),
            "##UNKNOWN## @@UNKNOWN@@ x"
        );
    }

    #[test]
    fn the_at_pass_runs_before_the_hash_pass() {
        // The value written by the @@ pass holds a ## marker that the ## pass then fills.
        let k = keywords(&[("OUTER", json!("##INNER##")), ("INNER", json!("in"))]);
        assert_eq!(k.replace("@@OUTER@@").unwrap(), r#""in""#);
    }

    #[test]
    fn a_hash_keyword_with_a_list_value_is_joined_with_commas_like_javascript() {
        let k = keywords(&[
            ("L", json!(["a", null, 1, ["b", "c"]])),
            ("O", json!({"a": 1})),
        ]);
        assert_eq!(
            k.replace("##L## ##O##").unwrap(),
            "a,,1,b,c [object Object]"
        );
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        let k = keywords(&[
            ("A", json!(100.0)),
            ("B", json!(1.5)),
            ("C", json!(1e21)),
            ("D", json!(0.0000015)),
            ("E", json!(1.5e-7)),
            ("F", json!(-2.5)),
        ]);
        assert_eq!(
            k.replace("##A## ##B## ##C## ##D## ##E## ##F##").unwrap(),
            "100 1.5 1e+21 0.0000015 1.5e-7 -2.5"
        );
    }

    #[test]
    fn integer_like_mapping_keys_are_applied_first_as_javascript_orders_them() {
        // "10" comes before "X" in Object.keys, so X's value, written later, keeps its marker.
        let k = keywords(&[("X", json!("##10##")), ("10", json!("ten"))]);
        assert_eq!(k.replace("##X##").unwrap(), "##10##");
    }

    #[test]
    fn every_environment_variable_is_a_keyword() {
        let s = settings(None, &[("API_HOST", "api.example.com")]);
        assert_eq!(
            s.keywords.replace("https://##API_HOST##/").unwrap(),
            "https://api.example.com/"
        );
    }

    #[test]
    fn an_environment_variable_wins_over_a_config_json_mapping_of_the_same_name() {
        let s = settings(
            Some(json!({ MAPPINGS_KEY: { "ENV": "from-config", "ONLY": "config" } })),
            &[("ENV", "from-env")],
        );
        assert_eq!(
            s.keywords.replace("##ENV## ##ONLY##").unwrap(),
            "from-env config"
        );
    }

    #[test]
    fn the_mappings_environment_variable_wins_over_both() {
        let s = settings(
            Some(json!({ MAPPINGS_KEY: { "ENV": "from-config" } })),
            &[("ENV", "from-env"), (MAPPINGS_KEY, r#"{"ENV": ["x"]}"#)],
        );
        assert_eq!(s.keywords.replace("'@@ENV@@'").unwrap(), r#"["x"]"#);
    }

    #[test]
    fn config_mappings_written_as_a_json_string_are_decoded() {
        let s = settings(Some(json!({ MAPPINGS_KEY: r#"{"ENV":"dev"}"# })), &[]);
        assert_eq!(s.keywords.replace("##ENV##").unwrap(), "dev");
    }

    #[test]
    fn a_mappings_environment_variable_that_is_not_json_is_refused_naming_it() {
        let e = DeploySettings::from_parts(
            "config.json",
            None,
            &LoadEnv::from_pairs([(MAPPINGS_KEY, "ENV=dev")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(MAPPINGS_KEY) && e.contains("not JSON"), "{e}");
    }

    #[test]
    fn config_json_mappings_that_are_not_an_object_are_refused_naming_the_key() {
        let e = DeploySettings::from_parts(
            "config.json",
            Some(&json!({ MAPPINGS_KEY: ["ENV"] })),
            &LoadEnv::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("config.json") && e.contains(&format!("at {MAPPINGS_KEY}")),
            "{e}"
        );
    }

    #[test]
    fn config_json_settings_that_change_an_import_are_warned_and_credentials_are_not() {
        let s = settings(
            Some(json!({
                "AUTH0_DOMAIN": "t.auth0.com",
                "AUTH0_CLIENT_SECRET": "s",
                "AUTH0_EXCLUDED": ["rules"],
                "EXCLUDED_PROPS": {}
            })),
            &[],
        );
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(
            s.warnings[0].contains("AUTH0_EXCLUDED, EXCLUDED_PROPS")
                && !s.warnings[0].contains("AUTH0_DOMAIN"),
            "{}",
            s.warnings[0]
        );
    }

    #[test]
    fn the_connections_folder_follows_config_json() {
        let s = settings(Some(json!({ CONNECTIONS_DIRECTORY_KEY: "conns" })), &[]);
        assert_eq!(s.connections_directory, "conns");
        assert_eq!(settings(None, &[]).connections_directory, "connections");
    }

    #[test]
    fn leftover_keywords_are_listed_once_each_with_their_files() {
        let k = keywords(&[]);
        k.apply("a.json", "##MISSING## ##MISSING## @@LIST@@ ##ALSO_A##")
            .unwrap();
        k.apply("b.json", "##MISSING## and ## not a marker ## and ####")
            .unwrap();
        let w = k.leftover_warning().unwrap();
        assert!(
            w.contains("##ALSO_A##, @@LIST@@ (in a.json)")
                && w.contains("##MISSING## (in a.json, b.json)"),
            "{w}"
        );
        assert_eq!(w.matches("##MISSING##").count(), 1, "{w}");
    }

    #[test]
    fn replacement_that_would_grow_a_file_past_the_bound_is_refused_naming_it() {
        let k = keywords(&[("BIG", json!("x".repeat(1 << 20)))]);
        assert!(k.apply("a.json", &"##BIG##".repeat(8)).is_ok());
        let e = k
            .apply("b.json", &"##BIG##".repeat(17))
            .unwrap_err()
            .to_string();
        assert!(e.contains("b.json") && e.contains("16 MiB larger"), "{e}");
    }

    #[test]
    fn no_leftover_keywords_give_no_warning() {
        let k = keywords(&[("A", json!("x"))]);
        k.apply("a.json", "##A##").unwrap();
        assert!(k.leftover_warning().is_none());
    }
}
