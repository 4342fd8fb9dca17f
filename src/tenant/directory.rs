//! The Deploy CLI's directory format (`a0deploy export --format directory`), assembled into the
//! sections `tenant.yaml` has, so both formats go through one validation and load into the
//! same tenant.
//!
//! Followed from the Deploy CLI's `src/context/directory/handlers/*.ts`: each folder's `*.json`
//! files in name order (Node's `readdirSync` sorts), each read with keyword replacement before
//! `JSON.parse`; empty objects skipped for clients, grants, resource servers and connections;
//! `database-connections/<name>/database.json` per folder, skipped without one; email templates
//! skipped without their `.html`; the first `triggers/*.json`. Action `code` paths are relative
//! to the export's root (`./actions/<name>/code.js`) and left for the loader to read, as a
//! tenant.yaml's are. An error, or an unused field, found in the assembled sections is traced
//! back to the file the entry came from by [`Origins`].

use super::keywords::DeploySettings;
use super::source::FixtureSource;
use super::unused::{SummaryKind, summary};
use crate::error::FixtureError;
use serde_json::{Map, Value};
use std::path::Path;

/// The folders whose presence makes a directory a Deploy CLI export (besides `tenant.json`
/// and the connections folder, whose name config.json may change).
const EXPORT_FOLDERS: &[&str] = &[
    "clients",
    "resource-servers",
    "grants",
    "roles",
    "actions",
    "database-connections",
    "emails",
    "triggers",
    "organizations",
];

/// Root entries that belong to auth0-mock, not to the Deploy CLI.
const MOCK_ONLY: &[&str] = &["users.json", "keys", "scenarios", "config.json"];

/// Whether `dir` holds a Deploy CLI directory export (`tenant.json` or one of its folders).
pub(crate) fn looks_like_export(dir: &Path, connections_dir: &str) -> bool {
    dir.join("tenant.json").is_file()
        || EXPORT_FOLDERS
            .iter()
            .chain(std::iter::once(&connections_dir))
            .any(|d| dir.join(d).is_dir())
}

/// A directory export as one document with tenant.yaml's sections, where each entry came
/// from, and what was skipped on the way.
#[derive(Debug)]
pub(crate) struct Assembled {
    /// `{"tenant": {…}, "clients": […], …}`: only the sections the export has.
    pub document: Value,
    /// Where each entry of `document` came from.
    pub origins: Origins,
    /// Warning lines: entries skipped as the Deploy CLI skips them, parts not read.
    pub notes: Vec<String>,
}

/// Reads the export in `dir` (whose files `src` reads); errors in the document itself are
/// labelled `label` until [`Origins::relocate`] places them.
pub(crate) fn assemble(
    src: &FixtureSource,
    dir: &Path,
    label: &str,
    settings: &DeploySettings,
) -> Result<Assembled, FixtureError> {
    let mut r = Reader {
        src,
        dir,
        settings,
        doc: Map::new(),
        origins: Origins {
            document: label.to_string(),
            ..Origins::default()
        },
        notes: Vec::new(),
    };
    if let Some(tenant) = r.json_if_present("tenant.json")? {
        r.origins.tenant = Some(src.describe("tenant.json"));
        r.doc.insert("tenant".into(), tenant);
    }
    r.list_section("clients", "clients", true)?;
    r.list_section("resourceServers", "resource-servers", true)?;
    r.list_section("clientGrants", "grants", true)?;
    r.list_section("roles", "roles", false)?;
    r.databases()?;
    let connections = settings.connections_directory.clone();
    r.list_section("connections", &connections, true)?;
    r.list_section("actions", "actions", false)?;
    r.triggers()?;
    r.email_templates()?;
    r.list_section("organizations", "organizations", false)?;
    r.note_unread_root(&connections)?;
    Ok(Assembled {
        document: Value::Object(r.doc),
        origins: r.origins,
        notes: r.notes,
    })
}

struct Reader<'a> {
    src: &'a FixtureSource,
    dir: &'a Path,
    settings: &'a DeploySettings,
    doc: Map<String, Value>,
    origins: Origins,
    notes: Vec<String>,
}

impl Reader<'_> {
    /// A JSON file, keywords replaced before parsing as the Deploy CLI's `loadJSON` does.
    fn json_if_present(&self, rel: &str) -> Result<Option<Value>, FixtureError> {
        let file = self.src.describe(rel);
        let Some(text) = self.src.read(rel)? else {
            return Ok(None);
        };
        let text = self.settings.keywords.apply(&file, &text)?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| FixtureError::Parse {
                file,
                path: "(document)".into(),
                reason: e.to_string(),
            })
    }

    /// The entries of a folder as `(name, is_folder)`, sorted by name; `None` when it does not
    /// exist. Hidden entries (`.DS_Store`, `.git`) are nobody's data.
    fn listing(&self, sub: &str) -> Result<Option<Vec<(String, bool)>>, FixtureError> {
        let path = if sub.is_empty() {
            self.dir.to_path_buf()
        } else {
            self.dir.join(sub)
        };
        if !path.exists() {
            return Ok(None);
        }
        if !path.is_dir() {
            return Err(FixtureError::invalid(
                path.display().to_string(),
                "(document)",
                "the Deploy CLI directory format expects a folder here, not a file",
            ));
        }
        let io = |e| FixtureError::Io {
            file: path.display().to_string(),
            source: e,
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&path).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.starts_with('.') {
                out.push((name, entry.path().is_dir()));
            }
        }
        out.sort();
        Ok(Some(out))
    }

    /// The `*.json` files of a folder as relative paths, sorted; `None` without the folder.
    fn json_files(&self, sub: &str) -> Result<Option<Vec<String>>, FixtureError> {
        Ok(self.listing(sub)?.map(|entries| {
            entries
                .into_iter()
                .filter(|(name, is_dir)| !is_dir && name.ends_with(".json"))
                .map(|(name, _)| format!("{sub}/{name}"))
                .collect()
        }))
    }

    fn push(&mut self, section: &'static str, rel: &str, entry: Value, name_key: &str) {
        let name = entry
            .get(name_key)
            .and_then(Value::as_str)
            .map(str::to_string);
        self.origins.add(section, self.src.describe(rel), name);
        if let Some(Value::Array(list)) = self.doc.get_mut(section) {
            list.push(entry);
        }
    }

    /// One entry per `*.json` file of `folder`, under `section`.
    fn list_section(
        &mut self,
        section: &'static str,
        folder: &str,
        skip_empty: bool,
    ) -> Result<(), FixtureError> {
        let Some(files) = self.json_files(folder)? else {
            return Ok(());
        };
        self.doc.insert(section.into(), Value::Array(Vec::new()));
        for rel in files {
            let Some(entry) = self.json_if_present(&rel)? else {
                continue;
            };
            if skip_empty && entry.as_object().is_some_and(Map::is_empty) {
                continue;
            }
            self.push(section, &rel, entry, "name");
        }
        Ok(())
    }

    /// `database-connections/<name>/database.json`, one per folder.
    fn databases(&mut self) -> Result<(), FixtureError> {
        let Some(entries) = self.listing("database-connections")? else {
            return Ok(());
        };
        self.doc
            .insert("databases".into(), Value::Array(Vec::new()));
        for (name, is_dir) in entries {
            if !is_dir {
                continue;
            }
            let rel = format!("database-connections/{name}/database.json");
            match self.json_if_present(&rel)? {
                None => self.notes.push(format!(
                    "{}: skipped, as the Deploy CLI skips it: it has no database.json",
                    self.src.describe(&format!("database-connections/{name}"))
                )),
                Some(db)
                    if !db
                        .as_object()
                        .is_some_and(|m| m.keys().any(|k| k != "options")) =>
                {
                    self.notes.push(format!(
                        "{}: skipped, as the Deploy CLI skips it: it holds nothing but options",
                        self.src.describe(&rel)
                    ));
                }
                Some(db) => self.push("databases", &rel, db, "name"),
            }
        }
        Ok(())
    }

    /// The first `triggers/*.json`, as the Deploy CLI reads it.
    fn triggers(&mut self) -> Result<(), FixtureError> {
        let Some(files) = self.json_files("triggers")? else {
            return Ok(());
        };
        let mut files = files.into_iter();
        let Some(first) = files.next() else {
            self.notes.push(format!(
                "{}: has no .json file, so no Action is bound to a trigger",
                self.src.describe("triggers")
            ));
            return Ok(());
        };
        let unread: Vec<String> = files.map(|f| self.src.describe(&f)).collect();
        if !unread.is_empty() {
            self.notes.push(format!(
                "not read, as the Deploy CLI reads only the first file of triggers/: {}",
                unread.join(", ")
            ));
        }
        if let Some(triggers) = self.json_if_present(&first)? {
            self.origins.triggers = Some(self.src.describe(&first));
            self.doc.insert("triggers".into(), triggers);
        }
        Ok(())
    }

    /// `emails/<template>.json`, each with its `.html` (the one `body` names, else the one of
    /// the same name); `emails/provider.json` is the email provider, which the mock has none of.
    fn email_templates(&mut self) -> Result<(), FixtureError> {
        let Some(files) = self.json_files("emails")? else {
            return Ok(());
        };
        self.doc
            .insert("emailTemplates".into(), Value::Array(Vec::new()));
        for rel in files {
            if rel == "emails/provider.json" {
                self.notes.push(format!(
                    "{}: not used by auth0-mock (the email provider: mail goes to the outbox)",
                    self.src.describe(&rel)
                ));
                continue;
            }
            let Some(meta) = self.json_if_present(&rel)? else {
                continue;
            };
            let named = match meta.get("body").and_then(Value::as_str) {
                Some(body) => self.src.read(&format!("emails/{body}"))?.is_some(),
                None => false,
            };
            let stem = rel.trim_start_matches("emails/").trim_end_matches(".json");
            if !named && self.src.read(&format!("emails/{stem}.html"))?.is_none() {
                self.notes.push(format!(
                    "{}: skipped, as the Deploy CLI skips it: no .html body beside it",
                    self.src.describe(&rel)
                ));
                continue;
            }
            self.push("emailTemplates", &rel, meta, "template");
        }
        Ok(())
    }

    /// One note naming the root entries neither the Deploy CLI part the mock reads nor the
    /// mock's own files: `pages/`, `rules/`, `prompts/`…
    fn note_unread_root(&mut self, connections: &str) -> Result<(), FixtureError> {
        let read: Vec<&str> = EXPORT_FOLDERS
            .iter()
            .copied()
            .chain([connections, "tenant.json"])
            .chain(MOCK_ONLY.iter().copied())
            .collect();
        let unread: Vec<String> = self
            .listing("")?
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, _)| !read.contains(&name.as_str()))
            .map(|(name, is_dir)| if is_dir { format!("{name}/") } else { name })
            .collect();
        if !unread.is_empty() {
            self.notes.push(format!(
                "{}: not used by auth0-mock (accepted, ignored): {}",
                self.origins.document,
                unread.join(", ")
            ));
        }
        Ok(())
    }
}

/// Where the entries of an assembled document came from, to name the file (and the path in
/// it) in errors and warnings instead of the document's section path.
#[derive(Debug, Default)]
pub(crate) struct Origins {
    /// The label the document's own errors carry.
    document: String,
    tenant: Option<String>,
    triggers: Option<String>,
    entries: Vec<(&'static str, Vec<Origin>)>,
}

#[derive(Debug)]
struct Origin {
    file: String,
    name: Option<String>,
}

impl Origins {
    fn add(&mut self, section: &'static str, file: String, name: Option<String>) {
        let origin = Origin { file, name };
        match self.entries.iter_mut().find(|(s, _)| *s == section) {
            Some((_, list)) => list.push(origin),
            None => self.entries.push((section, vec![origin])),
        }
    }

    fn section(&self, section: &str) -> &[Origin] {
        self.entries
            .iter()
            .find(|(s, _)| *s == section)
            .map_or(&[], |(_, list)| list.as_slice())
    }

    /// The triggers file the document's `triggers` came from.
    pub(crate) fn triggers_file(&self) -> Option<&str> {
        self.triggers.as_deref()
    }

    /// The file and the path inside it for a document path: `clients[2].callbacks[0]`,
    /// `connections[name=email].options.totp.length`, `triggers.post-login[0]`.
    pub(crate) fn locate(&self, path: &str) -> Option<(String, String)> {
        let split = path.find(['.', '[']).unwrap_or(path.len());
        let (section, rest) = path.split_at(split);
        let inner = |rest: &str| match rest.strip_prefix('.').unwrap_or(rest) {
            "" => "(document)".to_string(),
            r => r.to_string(),
        };
        match section {
            "tenant" => return self.tenant.clone().map(|f| (f, inner(rest))),
            "triggers" => return self.triggers.clone().map(|f| (f, inner(rest))),
            _ => {}
        }
        let rest = rest.strip_prefix('[')?;
        if let Some(named) = rest.strip_prefix("name=") {
            // The loader names connections of both folders `connections[name=…]`.
            let candidates: Vec<&Origin> = if section == "connections" {
                self.section("databases")
                    .iter()
                    .chain(self.section("connections"))
                    .collect()
            } else {
                self.section(section).iter().collect()
            };
            let (origin, name) = candidates
                .into_iter()
                .filter_map(|o| {
                    let n = o.name.as_deref()?;
                    named
                        .strip_prefix(n)
                        .is_some_and(|r| r.starts_with(']'))
                        .then_some((o, n))
                })
                .max_by_key(|(_, n)| n.len())?;
            return Some((origin.file.clone(), inner(&named[name.len() + 1..])));
        }
        let close = rest.find(']')?;
        let index: usize = rest[..close].parse().ok()?;
        let origin = self.section(section).get(index)?;
        Some((origin.file.clone(), inner(&rest[close + 1..])))
    }

    /// The error with the document's path replaced by the entry's file and its path there.
    pub(crate) fn relocate(&self, e: FixtureError) -> FixtureError {
        match e {
            FixtureError::Parse { file, path, reason } if file == self.document => {
                let (file, path) = self.locate(&path).unwrap_or((file, path));
                FixtureError::Parse { file, path, reason }
            }
            FixtureError::Invalid { file, path, reason } if file == self.document => {
                let (file, path) = self.locate(&path).unwrap_or((file, path));
                FixtureError::Invalid { file, path, reason }
            }
            other => other,
        }
    }

    /// One warning line per file for the document's unused paths.
    pub(crate) fn summaries(&self, unused: &[String]) -> Vec<String> {
        let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
        for p in unused {
            let (file, inner) = self
                .locate(p)
                .unwrap_or_else(|| (self.document.clone(), p.clone()));
            match by_file.iter_mut().find(|(f, _)| *f == file) {
                Some((_, list)) => list.push(inner),
                None => by_file.push((file, vec![inner])),
            }
        }
        by_file
            .into_iter()
            .filter_map(|(file, paths)| {
                let kind = if Some(&file) == self.triggers.as_ref() {
                    SummaryKind::Triggers
                } else if file == self.document {
                    SummaryKind::Tenant
                } else {
                    SummaryKind::Entry
                };
                summary(&file, &paths, kind)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::keywords::LoadEnv;
    use serde_json::json;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn assembled(root: &Path, env: &[(&str, &str)]) -> Assembled {
        let src = FixtureSource::Dir(root.to_path_buf());
        let settings =
            DeploySettings::read(&src, &LoadEnv::from_pairs(env.iter().copied())).unwrap();
        assemble(&src, root, "DOC", &settings).unwrap()
    }

    #[test]
    fn a_directory_without_export_files_is_not_an_export() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "users.json", "[]");
        assert!(!looks_like_export(d.path(), "connections"));
        write(d.path(), "grants/a.json", "{}");
        assert!(looks_like_export(d.path(), "connections"));
    }

    #[test]
    fn each_folder_becomes_the_yaml_section_of_the_same_resource() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "tenant.json", r#"{"friendly_name": "T"}"#);
        write(root, "clients/App.json", r#"{"name": "App"}"#);
        write(
            root,
            "resource-servers/API.json",
            r#"{"identifier": "https://api"}"#,
        );
        write(
            root,
            "grants/App-API.json",
            r#"{"client_id": "App", "audience": "https://api"}"#,
        );
        write(root, "roles/admin.json", r#"{"name": "admin"}"#);
        write(
            root,
            "database-connections/db/database.json",
            r#"{"name": "db", "strategy": "auth0"}"#,
        );
        write(
            root,
            "connections/email.json",
            r#"{"name": "email", "strategy": "email"}"#,
        );
        write(
            root,
            "actions/a.json",
            r#"{"name": "a", "code": "./actions/a/code.js"}"#,
        );
        write(
            root,
            "triggers/triggers.json",
            r#"{"post-login": [{"action_name": "a"}]}"#,
        );
        write(
            root,
            "emails/verify_email.json",
            r#"{"template": "verify_email"}"#,
        );
        write(root, "emails/verify_email.html", "<p>hi</p>");
        write(
            root,
            "organizations/acme.json",
            r#"{"name": "acme", "connections": [{"name": "db"}]}"#,
        );
        let a = assembled(root, &[]);
        assert_eq!(
            a.document,
            json!({
                "tenant": {"friendly_name": "T"},
                "clients": [{"name": "App"}],
                "resourceServers": [{"identifier": "https://api"}],
                "clientGrants": [{"client_id": "App", "audience": "https://api"}],
                "roles": [{"name": "admin"}],
                "databases": [{"name": "db", "strategy": "auth0"}],
                "connections": [{"name": "email", "strategy": "email"}],
                "actions": [{"name": "a", "code": "./actions/a/code.js"}],
                "triggers": {"post-login": [{"action_name": "a"}]},
                "emailTemplates": [{"template": "verify_email"}],
                "organizations": [{"name": "acme", "connections": [{"name": "db"}]}],
            })
        );
        assert!(a.notes.is_empty(), "{:?}", a.notes);
    }

    #[test]
    fn files_are_read_in_name_order() {
        let d = tempfile::tempdir().unwrap();
        for name in ["b", "C", "a"] {
            write(
                d.path(),
                &format!("clients/{name}.json"),
                &format!(r#"{{"name": "{name}"}}"#),
            );
        }
        let a = assembled(d.path(), &[]);
        assert_eq!(
            a.document["clients"],
            json!([{"name": "C"}, {"name": "a"}, {"name": "b"}])
        );
    }

    #[test]
    fn keywords_are_replaced_in_each_json_file_before_parsing() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "config.json",
            r#"{"AUTH0_KEYWORD_REPLACE_MAPPINGS": {"ORIGINS": ["http://a"], "AUD": "https://api"}}"#,
        );
        write(
            d.path(),
            "clients/App.json",
            r#"{"name": "App", "web_origins": "@@ORIGINS@@", "description": "for ##AUD##"}"#,
        );
        let a = assembled(d.path(), &[]);
        assert_eq!(a.document["clients"][0]["web_origins"], json!(["http://a"]));
        assert_eq!(a.document["clients"][0]["description"], "for https://api");
    }

    #[test]
    fn empty_client_files_are_skipped_as_the_deploy_cli_skips_them() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "clients/empty.json", "{}");
        write(d.path(), "clients/real.json", r#"{"name": "real"}"#);
        assert_eq!(
            assembled(d.path(), &[]).document["clients"],
            json!([{"name": "real"}])
        );
    }

    #[test]
    fn a_database_folder_without_database_json_is_skipped_with_a_note() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "database-connections/db/login.js",
            "function login() {}",
        );
        let a = assembled(d.path(), &[]);
        assert_eq!(a.document["databases"], json!([]));
        assert!(a.notes[0].contains("no database.json"), "{:?}", a.notes);
    }

    #[test]
    fn an_email_template_without_its_html_is_skipped_with_a_note() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "emails/reset_email.json",
            r#"{"template": "reset_email", "body": "./missing.html"}"#,
        );
        let a = assembled(d.path(), &[]);
        assert_eq!(a.document["emailTemplates"], json!([]));
        assert!(a.notes[0].contains("no .html body"), "{:?}", a.notes);
    }

    #[test]
    fn only_the_first_triggers_file_is_read_and_the_rest_are_noted() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "triggers/a.json", r#"{"post-login": []}"#);
        write(
            d.path(),
            "triggers/b.json",
            r#"{"credentials-exchange": []}"#,
        );
        let a = assembled(d.path(), &[]);
        assert_eq!(a.document["triggers"], json!({"post-login": []}));
        assert!(a.notes[0].contains("b.json"), "{:?}", a.notes);
    }

    #[test]
    fn root_entries_the_mock_does_not_read_are_noted_in_one_line() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "tenant.json", "{}");
        write(d.path(), "users.json", "[]");
        write(d.path(), "pages/login.html", "<html>");
        write(d.path(), "rules/r.js", "");
        write(d.path(), ".DS_Store", "");
        let a = assembled(d.path(), &[]);
        assert_eq!(a.notes.len(), 1, "{:?}", a.notes);
        assert!(
            a.notes[0].ends_with("ignored): pages/, rules/"),
            "{}",
            a.notes[0]
        );
    }

    #[test]
    fn a_json_syntax_error_names_the_file_and_the_line() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "roles/admin.json", "{\n  \"name\": \"admin\",\n}");
        let src = FixtureSource::Dir(d.path().to_path_buf());
        let settings = DeploySettings::read(&src, &LoadEnv::default()).unwrap();
        let e = assemble(&src, d.path(), "DOC", &settings)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("roles/admin.json") && e.contains("line 3"),
            "{e}"
        );
    }

    fn origins() -> Origins {
        let mut o = Origins {
            document: "DOC".into(),
            tenant: Some("tenant.json".into()),
            triggers: Some("triggers/triggers.json".into()),
            entries: Vec::new(),
        };
        o.add("clients", "clients/A.json".into(), Some("A".into()));
        o.add("clients", "clients/B.json".into(), Some("B".into()));
        o.add(
            "databases",
            "database-connections/db/database.json".into(),
            Some("db".into()),
        );
        o.add(
            "connections",
            "connections/email.json".into(),
            Some("email".into()),
        );
        o.add(
            "connections",
            "connections/email.x.json".into(),
            Some("email.x".into()),
        );
        o
    }

    #[test]
    fn an_indexed_path_is_placed_in_its_entry_file() {
        assert_eq!(
            origins().locate("clients[1].callbacks[0]"),
            Some(("clients/B.json".into(), "callbacks[0]".into()))
        );
    }

    #[test]
    fn a_named_connection_path_is_placed_in_either_connections_folder() {
        let o = origins();
        assert_eq!(
            o.locate("connections[name=db].options.x"),
            Some((
                "database-connections/db/database.json".into(),
                "options.x".into()
            ))
        );
        assert_eq!(
            o.locate("connections[name=email.x]"),
            Some(("connections/email.x.json".into(), "(document)".into()))
        );
    }

    #[test]
    fn tenant_and_trigger_paths_are_placed_in_their_files() {
        let o = origins();
        assert_eq!(
            o.locate("tenant.default_audience"),
            Some(("tenant.json".into(), "default_audience".into()))
        );
        assert_eq!(
            o.locate("triggers.post-login[0]"),
            Some(("triggers/triggers.json".into(), "post-login[0]".into()))
        );
    }

    #[test]
    fn an_error_of_the_document_is_relocated_and_others_are_kept() {
        let o = origins();
        let moved = o.relocate(FixtureError::invalid(
            "DOC",
            "clients[0].client_secret",
            "needs one",
        ));
        assert_eq!(
            moved.to_string(),
            "clients/A.json: at client_secret: needs one"
        );
        let kept = o.relocate(FixtureError::invalid("users.json", "[0].roles", "unknown"));
        assert_eq!(kept.to_string(), "users.json: at [0].roles: unknown");
    }

    #[test]
    fn unused_paths_give_one_line_per_entry_file() {
        let lines = origins().summaries(&[
            "clients[0].logo_uri".into(),
            "clients[0].sso".into(),
            "clients[1].logo_uri".into(),
        ]);
        assert_eq!(
            lines,
            [
                "clients/A.json: not used by auth0-mock (accepted, ignored): logo_uri, sso",
                "clients/B.json: not used by auth0-mock (accepted, ignored): logo_uri",
            ]
        );
    }
}
