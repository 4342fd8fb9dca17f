//! Hasura's small JSONPath dialect (`$`, `.key`, `['key']`, `["key"]`, `[0]`).
//!
//! `claims_namespace_path` and the `path` values of `claims_map` use it.
//! The parser follows `Data.Parser.JSONPath` in graphql-engine, including its
//! error text, so configuration errors read the way Hasura prints them.

use serde_json::Value;

/// One step of a [`JsonPath`]: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathElement {
    /// Look up a key of a JSON object.
    Key(String),
    /// Look up an element of a JSON array.
    Index(usize),
}

/// A parsed JSONPath, as Hasura accepts it in the JWT configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(pub Vec<PathElement>);

impl JsonPath {
    /// Parses `text` with Hasura's grammar; the error is Hasura's message.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        if text == "$" {
            return Ok(JsonPath(Vec::new()));
        }
        let invalid = || {
            format!(
                "{text}. Accept letters, digits, underscore (_) or hyphen (-) only. \
                 Use quotes enclosed in bracket ([\"...\"]) if there is any special character"
            )
        };
        let chars: Vec<char> = text.chars().collect();
        let mut pos = 0;
        if chars.first() == Some(&'$') {
            pos = 1;
        }
        let mut elements = Vec::new();
        while pos < chars.len() {
            match parse_element(&chars, pos) {
                Some((element, next)) => {
                    elements.push(element);
                    pos = next;
                }
                None => return Err(invalid()),
            }
        }
        if elements.is_empty() {
            return Err(invalid());
        }
        Ok(JsonPath(elements))
    }

    /// Renders the path the way Hasura prints it in error messages.
    pub fn encode(&self) -> String {
        let mut out = String::from("$");
        for element in &self.0 {
            match element {
                PathElement::Index(i) => out.push_str(&format!("[{i}]")),
                PathElement::Key(key) => {
                    if needs_brackets(key) {
                        let quoted = serde_json::to_string(key).unwrap_or_default();
                        out.push('[');
                        out.push_str(&quoted);
                        out.push(']');
                    } else {
                        out.push('.');
                        out.push_str(key);
                    }
                }
            }
        }
        out
    }

    /// Follows the path inside `value`; `None` when a step is missing.
    pub fn lookup<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        let mut current = value;
        for element in &self.0 {
            current = match (element, current) {
                (PathElement::Key(key), Value::Object(map)) => map.get(key)?,
                (PathElement::Index(i), Value::Array(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(current)
    }
}

fn needs_brackets(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        None => true,
        Some(first) => {
            !(first.is_ascii_alphabetic() || first == '_')
                || chars.any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        }
    }
}

fn parse_element(chars: &[char], start: usize) -> Option<(PathElement, usize)> {
    // `.name` or `name`
    let mut pos = start;
    if chars.get(pos) == Some(&'.') {
        pos += 1;
    }
    if let Some((name, next)) = parse_name(chars, pos) {
        return Some((PathElement::Key(name), next));
    }
    // `[42]`, `["x"]`, `['x']`, optionally preceded by a dot.
    let mut pos = start;
    if chars.get(pos) == Some(&'.') {
        pos += 1;
    }
    if chars.get(pos) != Some(&'[') {
        return None;
    }
    pos += 1;
    let (element, next) = match chars.get(pos)? {
        c if c.is_ascii_digit() => {
            let mut end = pos;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
            let digits: String = chars[pos..end].iter().collect();
            let index = digits.parse::<usize>().unwrap_or(usize::MAX);
            (PathElement::Index(index), end)
        }
        '"' | '\'' => {
            let (key, next) = parse_quoted(chars, pos)?;
            (PathElement::Key(key), next)
        }
        _ => return None,
    };
    if chars.get(next) != Some(&']') {
        return None;
    }
    Some((element, next + 1))
}

fn parse_name(chars: &[char], start: usize) -> Option<(String, usize)> {
    let first = *chars.get(start)?;
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    let mut end = start + 1;
    while end < chars.len()
        && (chars[end].is_alphabetic()
            || chars[end].is_ascii_digit()
            || chars[end] == '-'
            || chars[end] == '_')
    {
        end += 1;
    }
    Some((chars[start..end].iter().collect(), end))
}

/// Parses a quoted key the way Hasura does: the inside is decoded as the
/// body of a JSON string (single quotes are translated first).
fn parse_quoted(chars: &[char], start: usize) -> Option<(String, usize)> {
    let delimiter = chars[start];
    let mut pos = start + 1;
    let mut body = String::new();
    loop {
        let c = *chars.get(pos)?;
        if c == delimiter {
            break;
        }
        if c == '\\' {
            let escaped = *chars.get(pos + 1)?;
            if delimiter == '\'' && escaped == '\'' {
                body.push('\'');
            } else {
                body.push('\\');
                body.push(escaped);
            }
            pos += 2;
            continue;
        }
        if delimiter == '\'' && c == '"' {
            body.push_str("\\\"");
        } else {
            body.push(c);
        }
        pos += 1;
    }
    let decoded: String = serde_json::from_str(&format!("\"{body}\"")).ok()?;
    Some((decoded, pos + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_forms_hasura_accepts() {
        let path = JsonPath::parse("$.hasura.claims").unwrap();
        assert_eq!(
            path.0,
            vec![
                PathElement::Key("hasura".into()),
                PathElement::Key("claims".into())
            ]
        );
        assert_eq!(JsonPath::parse("$").unwrap().0, vec![]);
        let path = JsonPath::parse("$['https://x.io/claims'][0].role-name").unwrap();
        assert_eq!(
            path.0,
            vec![
                PathElement::Key("https://x.io/claims".into()),
                PathElement::Index(0),
                PathElement::Key("role-name".into())
            ]
        );
        let path = JsonPath::parse(r#"$["a\"b"]"#).unwrap();
        assert_eq!(path.0, vec![PathElement::Key("a\"b".into())]);
        let path = JsonPath::parse("x.y").unwrap();
        assert_eq!(path.0.len(), 2);
    }

    #[test]
    fn rejects_invalid_paths_with_hasuras_message() {
        let err = JsonPath::parse("$.1abc").unwrap_err();
        assert!(
            err.starts_with("$.1abc. Accept letters, digits, underscore (_) or hyphen (-) only")
        );
        assert!(JsonPath::parse("").is_err());
        assert!(JsonPath::parse("$.").is_err());
        assert!(JsonPath::parse("$[abc]").is_err());
    }

    #[test]
    fn encodes_like_hasura() {
        let path = JsonPath::parse("$['https://hasura.io/jwt/claims'].x[2]").unwrap();
        assert_eq!(path.encode(), r#"$["https://hasura.io/jwt/claims"].x[2]"#);
        assert_eq!(JsonPath::parse("$").unwrap().encode(), "$");
    }

    #[test]
    fn looks_up_values() {
        let value = json!({"a": {"b": [1, {"c": "d"}]}});
        let path = JsonPath::parse("$.a.b[1].c").unwrap();
        assert_eq!(path.lookup(&value), Some(&json!("d")));
        assert_eq!(JsonPath::parse("$.a.x").unwrap().lookup(&value), None);
        assert_eq!(JsonPath::parse("$.a[0]").unwrap().lookup(&value), None);
    }
}
