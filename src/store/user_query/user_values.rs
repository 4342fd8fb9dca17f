//! The values a user holds as Auth0's index sees them: the leaves a field path reaches (arrays
//! skipped along the way), each with its case rule, and what counts as indexed.

use super::rules::{CASE_INSENSITIVE_FIELDS, MAX_VALUE_DEPTH, METADATA_FIELDS};
use serde_json::Value;
use std::borrow::Cow;

/// A value found in a user, with whether it compares case-insensitively.
pub(super) struct Leaf<'a> {
    pub(super) value: LeafValue<'a>,
    pub(super) fold: bool,
}

pub(super) enum LeafValue<'a> {
    Json(&'a Value),
    /// A slice of a stored string (the domain of `email`).
    Str(&'a str),
}

impl<'a> Leaf<'a> {
    /// The text a term is compared with; `None` for what Auth0 does not index as text.
    pub(super) fn text(&self) -> Option<Cow<'a, str>> {
        match self.value {
            LeafValue::Str(s) => Some(Cow::Borrowed(s)),
            LeafValue::Json(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
            LeafValue::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            LeafValue::Json(Value::Bool(b)) => {
                Some(Cow::Borrowed(if *b { "true" } else { "false" }))
            }
            LeafValue::Json(_) => None,
        }
    }

    pub(super) fn folded_text(&self) -> Option<Cow<'a, str>> {
        let text = self.text()?;
        Some(if self.fold {
            Cow::Owned(text.to_lowercase())
        } else {
            text
        })
    }

    pub(super) fn number(&self) -> Option<f64> {
        match self.value {
            LeafValue::Json(Value::Number(n)) => n.as_f64(),
            _ => None,
        }
    }

    pub(super) fn is_indexed(&self) -> bool {
        match self.value {
            LeafValue::Str(_) => true,
            LeafValue::Json(v) => is_indexed(v, 0),
        }
    }

    pub(super) fn normalize<'s>(&self, s: &'s str) -> Cow<'s, str> {
        if self.fold {
            Cow::Owned(s.to_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    }
}

pub(super) fn is_case_insensitive(field: &str) -> bool {
    CASE_INSENSITIVE_FIELDS.contains(&field)
}

pub(super) fn top_level_strings(user: &Value) -> Vec<Leaf<'_>> {
    let Some(object) = user.as_object() else {
        return Vec::new();
    };
    object
        .iter()
        .filter(|(key, value)| value.is_string() && !METADATA_FIELDS.contains(&key.as_str()))
        .map(|(key, value)| Leaf {
            value: LeafValue::Json(value),
            fold: is_case_insensitive(key),
        })
        .collect()
}

pub(super) fn email_domain(user: &Value) -> Option<Leaf<'_>> {
    let email = user.get("email")?.as_str()?;
    let (_, domain) = email.rsplit_once('@')?;
    Some(Leaf {
        value: LeafValue::Str(domain),
        fold: true,
    })
}

/// The values at `path`, skipping arrays along the way and flattening arrays at the end, the
/// way Elasticsearch indexes `user_metadata.addresses.city` for an array of addresses.
pub(super) fn resolve<'a>(root: &'a Value, path: &[String]) -> Vec<&'a Value> {
    let mut current = vec![root];
    for key in path {
        current = current
            .into_iter()
            .flat_map(|v| flatten(v, 0))
            .filter_map(|v| v.as_object().and_then(|o| o.get(key)))
            .collect();
    }
    current.into_iter().flat_map(|v| flatten(v, 0)).collect()
}

/// An array's elements (nested arrays too, down to [`MAX_VALUE_DEPTH`]), or the value itself.
pub(super) fn flatten(value: &Value, depth: usize) -> Vec<&Value> {
    match value {
        Value::Array(items) if depth < MAX_VALUE_DEPTH => {
            items.iter().flat_map(|v| flatten(v, depth + 1)).collect()
        }
        Value::Array(_) => Vec::new(),
        other => vec![other],
    }
}

/// Whether Auth0 would index anything here: not `null`, not an empty array or object.
pub(super) fn is_indexed(value: &Value, depth: usize) -> bool {
    if depth >= MAX_VALUE_DEPTH {
        return false;
    }
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().any(|v| is_indexed(v, depth + 1)),
        Value::Object(fields) => fields.values().any(|v| is_indexed(v, depth + 1)),
        _ => true,
    }
}
