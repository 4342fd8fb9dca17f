//! Fixture directories for tests: copies of the shipped ones, edited in a temp dir.

use std::path::{Path, PathBuf};

/// A fixtures directory shipped in the repository (`default`, `actions-example`, …).
pub fn shipped_fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        }
    }
}

/// A temp-dir copy of a shipped fixtures directory, to edit before starting a mock on it.
pub fn copy_of_shipped_fixtures(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    copy_dir(&shipped_fixtures(name), dir.path());
    dir
}

/// The default tenant's `tenant.yaml` and `users.json` in a temp dir, with `entry` (YAML list
/// items, indented for `triggers.post-login`) as the first post-login bindings.
pub fn default_fixtures_with_post_login(entry: &str) -> tempfile::TempDir {
    let root = shipped_fixtures("default");
    let tenant_yaml = std::fs::read_to_string(root.join("tenant.yaml")).expect("tenant.yaml");
    let marker = "triggers:\n  post-login:\n";
    assert!(
        tenant_yaml.contains(marker),
        "default tenant.yaml changed shape"
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("tenant.yaml"),
        tenant_yaml.replacen(marker, &format!("{marker}{entry}"), 1),
    )
    .expect("write tenant.yaml");
    std::fs::copy(root.join("users.json"), dir.path().join("users.json")).expect("users.json");
    dir
}
