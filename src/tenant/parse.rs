//! Parsing a fixture file: YAML (JSON is YAML too) into a model type, naming the path of the
//! first mismatch, after refusing nesting deep enough to stall the parser.

use crate::error::FixtureError;
use serde::Deserialize;

/// Deepest `[`/`{` nesting a fixture may have. The YAML parser's cost grows with the square of
/// the depth (100,000 levels took 40 s to refuse); real tenants nest a dozen levels at most.
pub const MAX_DEPTH: usize = 100;

/// The line where flow nesting (`[`, `{`) first passes [`MAX_DEPTH`], found in one pass.
/// Brackets inside quoted strings do not count; a quote opens only where a YAML/JSON string
/// may start, so an apostrophe in a plain scalar (`Don't`) is text.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line, mut prev) = (0usize, 1usize, ' ');
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if prev.is_whitespace() || "[{,:".contains(prev) => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(line);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

/// Refuses a text nested deeper than [`MAX_DEPTH`] before a parser spends time on it.
pub(super) fn check_depth(file: &str, text: &str) -> Result<(), FixtureError> {
    match too_deep(text) {
        Some(line) => Err(FixtureError::Parse {
            file: file.to_string(),
            path: "(document)".to_string(),
            reason: format!(
                "nested deeper than {MAX_DEPTH} levels at line {line}; fixtures are not that deep"
            ),
        }),
        None => Ok(()),
    }
}

/// Parses YAML (JSON is YAML too) into `T`, reporting the path of the first mismatch.
pub fn parse_yaml<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, FixtureError> {
    check_depth(file, text)?;
    let de = serde_yaml_ng::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| FixtureError::Parse {
        file: file.to_string(),
        path: match e.path().to_string() {
            p if p == "?" || p == "." => "(document)".to_string(),
            p => p,
        },
        reason: e.inner().to_string(),
    })
}
