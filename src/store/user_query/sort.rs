//! `sort` and `fields`/`include_fields` of the user list.

use super::rules::{METADATA_FIELDS, QueryError};
use super::tree::Target;
use super::user_values::LeafValue;
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// Sorts users by Auth0's `sort` parameter, `field:1` (ascending) or `field:-1` (descending).
/// Refuses a malformed spec and metadata fields, which Auth0 does not sort by ("Sorting by
/// app_metadata or user_metadata is not supported"). Users without the field come last in both
/// directions (Elasticsearch's default), and the sort is stable so equal users keep their order.
pub(crate) fn sort_users(users: &mut [Value], sort: &str) -> Result<(), QueryError> {
    let spec = SortSpec::parse(sort)?;
    users.sort_by(|a, b| spec.compare(a, b));
    Ok(())
}

pub(super) struct SortSpec {
    pub(super) target: Target,
    pub(super) descending: bool,
}

impl SortSpec {
    pub(super) fn parse(sort: &str) -> Result<SortSpec, QueryError> {
        let invalid = || QueryError::InvalidSort { sort: sort.into() };
        let (field, order) = sort.rsplit_once(':').ok_or_else(invalid)?;
        let field_ok = !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let descending = match order {
            "1" if field_ok => false,
            "-1" if field_ok => true,
            _ => return Err(invalid()),
        };
        let root = field.split('.').next().unwrap_or(field);
        if METADATA_FIELDS.contains(&root) {
            return Err(QueryError::MetadataSort { sort: sort.into() });
        }
        Ok(SortSpec {
            target: Target::of(field),
            descending,
        })
    }

    pub(super) fn key(&self, user: &Value) -> Option<SortKey> {
        self.target
            .leaves(user)
            .iter()
            .find_map(|leaf| match leaf.value {
                LeafValue::Json(Value::Bool(b)) => Some(SortKey::Bool(*b)),
                LeafValue::Json(Value::Number(n)) => n.as_f64().map(SortKey::Number),
                _ => leaf.folded_text().map(|t| SortKey::Text(t.into_owned())),
            })
    }

    pub(super) fn compare(&self, a: &Value, b: &Value) -> Ordering {
        match (self.key(a), self.key(b)) {
            (Some(a), Some(b)) if self.descending => b.order(&a),
            (Some(a), Some(b)) => a.order(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

/// A sortable value; a field holding mixed types orders booleans, then numbers, then text.
pub(super) enum SortKey {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl SortKey {
    pub(super) fn order(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    pub(super) fn rank(&self) -> u8 {
        match self {
            SortKey::Bool(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

/// Applies Auth0's `fields` and `include_fields` (default true) to one user: with `include`,
/// keep only the listed top-level fields; without, drop them. An empty list keeps everything
/// ("Leave empty to retrieve all fields"). Nothing is kept implicitly, `user_id` included:
/// Auth0's parameter docs promise only the fields listed. Names are trimmed and unknown ones
/// ignored; the user's own key order is kept.
pub(crate) fn project(user: &Value, fields: &str, include: bool) -> Value {
    let listed: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let Some(object) = user.as_object() else {
        return user.clone();
    };
    if listed.is_empty() {
        return user.clone();
    }
    let kept: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| listed.contains(&key.as_str()) == include)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}
