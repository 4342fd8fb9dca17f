//! Where a tenant's files are read from: a fixtures directory, or the default tenant compiled
//! into the binary, behind one reader so every loader (YAML, directory export, keywords) reads
//! files the same way and never outside the directory.

use crate::error::FixtureError;
use std::path::PathBuf;

/// Where fixture files are read from: a directory, or the default tenant compiled in.
#[derive(Debug, Clone)]
pub enum FixtureSource {
    /// A directory on disk.
    Dir(PathBuf),
    /// The embedded default tenant (`fixtures/default` at build time).
    Embedded,
}

/// The default tenant's files, compiled into the binary so `auth0-mock` needs no files at all.
pub const EMBEDDED_SOURCE: &[(&str, &str)] = &[
    (
        "tenant.yaml",
        include_str!("../../fixtures/default/tenant.yaml"),
    ),
    (
        "users.json",
        include_str!("../../fixtures/default/users.json"),
    ),
    (
        "keys/current.pem",
        include_str!("../../fixtures/default/keys/current.pem"),
    ),
    (
        "keys/next.pem",
        include_str!("../../fixtures/default/keys/next.pem"),
    ),
    (
        "keys/current.crt",
        include_str!("../../fixtures/default/keys/current.crt"),
    ),
    (
        "keys/next.crt",
        include_str!("../../fixtures/default/keys/next.crt"),
    ),
    (
        "scenarios/admin.yaml",
        include_str!("../../fixtures/default/scenarios/admin.yaml"),
    ),
    (
        "scenarios/no-roles.yaml",
        include_str!("../../fixtures/default/scenarios/no-roles.yaml"),
    ),
    (
        "scenarios/expired.yaml",
        include_str!("../../fixtures/default/scenarios/expired.yaml"),
    ),
    (
        "scenarios/not-yet-valid.yaml",
        include_str!("../../fixtures/default/scenarios/not-yet-valid.yaml"),
    ),
    (
        "scenarios/issued-in-future.yaml",
        include_str!("../../fixtures/default/scenarios/issued-in-future.yaml"),
    ),
    (
        "scenarios/wrong-issuer.yaml",
        include_str!("../../fixtures/default/scenarios/wrong-issuer.yaml"),
    ),
    (
        "scenarios/wrong-audience.yaml",
        include_str!("../../fixtures/default/scenarios/wrong-audience.yaml"),
    ),
    (
        "scenarios/unknown-key.yaml",
        include_str!("../../fixtures/default/scenarios/unknown-key.yaml"),
    ),
    (
        "scenarios/bad-signature.yaml",
        include_str!("../../fixtures/default/scenarios/bad-signature.yaml"),
    ),
    (
        "scenarios/unknown-kid.yaml",
        include_str!("../../fixtures/default/scenarios/unknown-kid.yaml"),
    ),
    (
        "scenarios/no-kid.yaml",
        include_str!("../../fixtures/default/scenarios/no-kid.yaml"),
    ),
    (
        "scenarios/alg-none.yaml",
        include_str!("../../fixtures/default/scenarios/alg-none.yaml"),
    ),
    (
        "scenarios/stringified-claims.yaml",
        include_str!("../../fixtures/default/scenarios/stringified-claims.yaml"),
    ),
    (
        "scenarios/default-role-not-allowed.yaml",
        include_str!("../../fixtures/default/scenarios/default-role-not-allowed.yaml"),
    ),
    (
        "scenarios/no-hasura-claims.yaml",
        include_str!("../../fixtures/default/scenarios/no-hasura-claims.yaml"),
    ),
    (
        "scenarios/m2m.yaml",
        include_str!("../../fixtures/default/scenarios/m2m.yaml"),
    ),
];

impl FixtureSource {
    /// How a file of this source is named in messages.
    pub fn describe(&self, rel: &str) -> String {
        match self {
            FixtureSource::Dir(d) => d.join(rel).display().to_string(),
            FixtureSource::Embedded => format!("<embedded>/{rel}"),
        }
    }

    /// Reads a file; `Ok(None)` when it does not exist.
    pub fn read(&self, rel: &str) -> Result<Option<String>, FixtureError> {
        match self {
            FixtureSource::Embedded => Ok(EMBEDDED_SOURCE
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| t.to_string())),
            FixtureSource::Dir(d) => {
                if !stays_inside(rel) {
                    return Err(FixtureError::invalid(
                        d.display().to_string(),
                        rel,
                        "a fixture file must be inside the fixtures directory (no absolute paths, no '..')",
                    ));
                }
                let path = d.join(rel);
                match std::fs::read_to_string(&path) {
                    Ok(t) => Ok(Some(t)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(FixtureError::Io {
                        file: path.display().to_string(),
                        source: e,
                    }),
                }
            }
        }
    }

    /// Lists `*.yaml`/`*.yml` files of a subdirectory, sorted, as relative paths.
    pub fn list_yaml(&self, sub: &str) -> Result<Vec<String>, FixtureError> {
        let mut out: Vec<String> = match self {
            FixtureSource::Embedded => EMBEDDED_SOURCE
                .iter()
                .map(|(p, _)| p.to_string())
                .filter(|p| p.starts_with(&format!("{sub}/")))
                .collect(),
            FixtureSource::Dir(d) => {
                let dir = d.join(sub);
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                    Err(e) => {
                        return Err(FixtureError::Io {
                            file: dir.display().to_string(),
                            source: e,
                        });
                    }
                };
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .map(|name| format!("{sub}/{name}"))
                    .collect()
            }
        };
        out.retain(|p| p.ends_with(".yaml") || p.ends_with(".yml"));
        out.sort();
        Ok(out)
    }
}

/// Whether a relative path named by a fixture stays inside the fixtures directory. Judged on
/// the text, because that is what an untrusted tenant file controls; a symlink inside the
/// directory was put there by whoever owns it.
fn stays_inside(rel: &str) -> bool {
    use std::path::Component;
    std::path::Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}
