//! What a fixture holds that the mock does not read: Auth0 exports carry dozens of sections and
//! fields auth0-mock has no use for (`pages`, `prompts`, a client's `logo_uri`…). They are
//! accepted, and listed once at startup so a user knows what is not imitated.
//!
//! Found by parsing through `serde_ignored`, which reports every input path the model structs
//! skip, so the list can never drift from the structs.

use crate::error::FixtureError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses YAML (or JSON) into `T` as [`super::parse::parse_yaml`] does, also returning the paths of
/// everything `T` does not read (`clients[0].logo_uri`).
pub(crate) fn parse_yaml_noting_unused<T: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<(T, Vec<String>), FixtureError> {
    super::parse::check_depth(file, text)?;
    let mut unused = Vec::new();
    let mut note = |p: serde_ignored::Path| unused.push(path_text(&p));
    let de =
        serde_ignored::Deserializer::new(serde_yaml_ng::Deserializer::from_str(text), &mut note);
    let parsed = serde_path_to_error::deserialize(de).map_err(|e| parse_error(file, e))?;
    Ok((parsed, unused))
}

/// [`parse_yaml_noting_unused`] for a document already assembled as JSON (a directory export).
pub(crate) fn from_value_noting_unused<T: DeserializeOwned>(
    file: &str,
    value: Value,
) -> Result<(T, Vec<String>), FixtureError> {
    let mut unused = Vec::new();
    let mut note = |p: serde_ignored::Path| unused.push(path_text(&p));
    let de = serde_ignored::Deserializer::new(value, &mut note);
    let parsed = serde_path_to_error::deserialize(de).map_err(|e| parse_error(file, e))?;
    Ok((parsed, unused))
}

fn parse_error<E: std::fmt::Display>(file: &str, e: serde_path_to_error::Error<E>) -> FixtureError {
    FixtureError::Parse {
        file: file.to_string(),
        path: match e.path().to_string() {
            p if p == "?" || p == "." => "(document)".to_string(),
            p => p,
        },
        reason: e.inner().to_string(),
    }
}

/// A `serde_ignored` path written as the mock's error paths are: `clients[0].logo_uri`.
fn path_text(p: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match p {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_text(parent)),
        Path::Map { parent, key } => match path_text(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_text(parent),
    }
}

/// A path with its list indices dropped (`clients[].logo_uri`), so a field every entry has is
/// listed once.
fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' if in_index => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// What kind of file a summary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SummaryKind {
    /// A whole tenant document (tenant.yaml): its top-level names are sections.
    Tenant,
    /// One entry's file (`clients/App.json`) or users.json: every path is a field.
    Entry,
    /// A directory export's triggers file: every path is a trigger.
    Triggers,
}

/// The one warning line for a file's unused paths, each pattern once, in document order;
/// `None` when everything was used.
pub(crate) fn summary(file: &str, unused: &[String], kind: SummaryKind) -> Option<String> {
    let mut tops: Vec<String> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    for p in unused {
        let is_top = !p.contains(['.', '[']);
        let list = if kind == SummaryKind::Tenant && is_top {
            &mut tops
        } else {
            &mut fields
        };
        let p = pattern(p);
        if !list.contains(&p) {
            list.push(p);
        }
    }
    let mut parts = Vec::new();
    if !tops.is_empty() {
        parts.push(format!("sections {}", tops.join(", ")));
    }
    if !fields.is_empty() {
        let label = if kind == SummaryKind::Tenant {
            "fields "
        } else {
            ""
        };
        parts.push(format!("{label}{}", fields.join(", ")));
    }
    if parts.is_empty() {
        return None;
    }
    let mut line = format!(
        "{file}: not used by auth0-mock (accepted, ignored): {}",
        parts.join("; ")
    );
    let names_triggers = match kind {
        SummaryKind::Tenant => unused.iter().any(|p| p.starts_with("triggers.")),
        SummaryKind::Triggers => true,
        SummaryKind::Entry => false,
    };
    if names_triggers {
        line.push_str(&format!(
            " (auth0-mock runs the triggers {})",
            crate::protocol::Trigger::ALL.map(|t| t.id()).join(", ")
        ));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        #[serde(default)]
        clients: Vec<Entry>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Entry {
        name: String,
        #[serde(default)]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(default)]
        alg: String,
    }

    #[test]
    fn every_path_the_structs_skip_is_reported() {
        let (_, unused): (Doc, _) = parse_yaml_noting_unused(
            "t.yaml",
            "pages: {a: 1}\nclients:\n  - name: A\n    logo_uri: x\n    inner: {alg: RS256, secret_encoded: false}\n",
        )
        .unwrap();
        assert_eq!(
            unused,
            [
                "pages",
                "clients[0].logo_uri",
                "clients[0].inner.secret_encoded"
            ]
        );
    }

    #[test]
    fn a_value_document_reports_the_same_paths_as_its_yaml() {
        let value = serde_json::json!({"clients": [{"name": "A", "logo_uri": "x"}], "prompts": {}});
        let (_, unused): (Doc, _) = from_value_noting_unused("dir", value).unwrap();
        assert_eq!(unused, ["clients[0].logo_uri", "prompts"]);
    }

    #[test]
    fn a_type_error_still_names_the_path() {
        let e = parse_yaml_noting_unused::<Doc>("t.yaml", "clients:\n  - name: [1]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.yaml") && e.contains("clients[0].name"), "{e}");
    }

    #[test]
    fn the_summary_lists_sections_apart_and_each_field_once() {
        let line = summary(
            "t.yaml",
            &[
                "pages".into(),
                "clients[0].logo_uri".into(),
                "clients[1].logo_uri".into(),
                "prompts".into(),
            ],
            SummaryKind::Tenant,
        )
        .unwrap();
        assert_eq!(
            line,
            "t.yaml: not used by auth0-mock (accepted, ignored): sections pages, prompts; fields clients[].logo_uri"
        );
    }

    #[test]
    fn a_file_without_sections_lists_its_top_level_fields_as_fields() {
        let line = summary(
            "clients/a.json",
            &["logo_uri".into(), "sso".into()],
            SummaryKind::Entry,
        )
        .unwrap();
        assert!(line.ends_with("ignored): logo_uri, sso"), "{line}");
    }

    #[test]
    fn nothing_unused_gives_no_line() {
        assert!(summary("t.yaml", &[], SummaryKind::Tenant).is_none());
    }

    #[test]
    fn an_unused_trigger_names_the_triggers_the_mock_runs() {
        let line = summary(
            "t.yaml",
            &["triggers.send-phone-message".into()],
            SummaryKind::Tenant,
        )
        .unwrap();
        assert!(line.contains("runs the triggers post-login"), "{line}");
    }
}
