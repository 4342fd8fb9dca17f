//! How Hasura's Haskell libraries render values in error messages.
//!
//! Hasura builds its `invalid-jwt` messages with `show` on jose's error type,
//! and jose's decode errors carry aeson's message text. To answer with the
//! same bytes we need GHC's `show` for strings and aeson's wording for type
//! mismatches and JSON paths.

use serde_json::Value;

/// GHC's `show` of a `String`: quoted, with Haskell escapes.
///
/// Non-ASCII characters become decimal escapes (`é` → `\233`), control
/// characters their ASCII names (`\SOH`), and `\&` separates an escape from
/// a following character that would otherwise extend it.
pub fn show_string(text: &str) -> String {
    const ASCII_NAMES: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a", "b", "t", "n", "v", "f", "r", "SO",
        "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
        "FS", "GS", "RS", "US",
    ];
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7f}' => out.push_str("\\DEL"),
            c if (c as u32) > 0x7f => {
                out.push('\\');
                out.push_str(&(c as u32).to_string());
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push_str("\\&");
                }
            }
            c if (c as u32) < 0x20 => {
                out.push('\\');
                out.push_str(ASCII_NAMES[c as usize]);
                if c == '\u{e}' && next == Some('H') {
                    out.push_str("\\&");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// aeson's name for the JSON type of `value` (`typeOf`).
pub fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

/// aeson's `prependContext name (typeMismatch expected value)` message.
pub fn type_mismatch(context: &str, expected: &str, value: &Value) -> String {
    format!(
        "parsing {context} failed, expected {expected}, but encountered {}",
        type_of(value)
    )
}

/// aeson's `Show Value`, as jose prints an unknown `kty`.
///
/// Exact for strings, booleans and null; numbers and containers are only
/// close (Haskell's `Scientific` and `KeyMap` have their own layouts).
pub fn show_value(value: &Value) -> String {
    match value {
        Value::Null => "Null".to_string(),
        Value::Bool(b) => format!("Bool {}", if *b { "True" } else { "False" }),
        Value::String(s) => format!("String {}", show_string(s)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("Number {i}.0"),
            None => format!("Number {n}"),
        },
        Value::Array(_) => format!("Array {value}"),
        Value::Object(_) => format!("Object {value}"),
    }
}

/// One step of an aeson `JSONPath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// aeson's `formatError`: `Error in $.a['b c'][0]: message`.
pub fn format_error(path: &[PathStep], message: &str) -> String {
    let mut rendered = String::from("$");
    for step in path {
        match step {
            PathStep::Index(i) => rendered.push_str(&format!("[{i}]")),
            PathStep::Key(key) => {
                let mut chars = key.chars();
                let identifier = chars.next().is_some_and(char::is_alphabetic)
                    && chars.all(char::is_alphanumeric);
                if identifier {
                    rendered.push('.');
                    rendered.push_str(key);
                } else {
                    rendered.push_str("['");
                    for c in key.chars() {
                        match c {
                            '\'' => rendered.push_str("\\'"),
                            '\\' => rendered.push_str("\\\\"),
                            c => rendered.push(c),
                        }
                    }
                    rendered.push_str("']");
                }
            }
        }
    }
    format!("Error in {rendered}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn show_string_escapes_like_ghc() {
        assert_eq!(show_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(show_string("é1"), r#""\233\&1""#);
        assert_eq!(show_string("é"), r#""\233""#);
        assert_eq!(show_string("\n\u{1}\u{e}H\u{7f}"), r#""\n\SOH\SO\&H\DEL""#);
    }

    #[test]
    fn format_error_brackets_keys_that_are_not_identifiers() {
        let path = [
            PathStep::Key("keys".into()),
            PathStep::Index(1),
            PathStep::Key("x5t#S256".into()),
            PathStep::Key("it's".into()),
        ];
        assert_eq!(
            format_error(&path, "boom"),
            r"Error in $.keys[1]['x5t#S256']['it\'s']: boom"
        );
        assert_eq!(format_error(&[], "boom"), "Error in $: boom");
    }

    #[test]
    fn show_value_renders_strings_as_aeson_does() {
        assert_eq!(show_value(&json!("XYZ")), r#"String "XYZ""#);
        assert_eq!(show_value(&json!(3)), "Number 3.0");
        assert_eq!(show_value(&json!(null)), "Null");
    }
}
