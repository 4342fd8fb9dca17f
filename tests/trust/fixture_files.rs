//! A tenant file is often someone else's (an export, a colleague's branch): what it names must
//! stay inside the fixtures directory, and its shape must not cost more than its size.

use crate::support::*;

/// The actions example with the first Action's `code:` replaced by `path`.
fn actions_example_with_code(path: &str) -> tempfile::TempDir {
    let dir = copy_of_shipped_fixtures("actions-example");
    let tenant = dir.path().join("tenant.yaml");
    let text = std::fs::read_to_string(&tenant).unwrap();
    let edited = text.replacen(
        "code: ./actions/hasura-jwt-claims/code.js",
        &format!("code: {path}"),
        1,
    );
    assert_ne!(text, edited, "the example's code path changed");
    std::fs::write(&tenant, edited).unwrap();
    dir
}

#[tokio::test]
async fn an_action_code_path_that_climbs_out_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("evil.js"),
        "exports.onExecutePostLogin = async () => {};",
    )
    .unwrap();
    let dir = actions_example_with_code("../evil.js");
    // Put the file where `../evil.js` would find it.
    let parent = dir.path().parent().unwrap().join("evil.js");
    std::fs::copy(outside.path().join("evil.js"), &parent).unwrap();
    let err = try_start_with_fixtures(dir.path()).await.err();
    let _ = std::fs::remove_file(&parent);
    let err = err.expect("the mock refuses the fixtures");
    assert!(err.contains("inside the fixtures directory"), "{err}");
}

#[tokio::test]
async fn an_absolute_action_code_path_is_refused() {
    let dir = actions_example_with_code("/etc/hostname");
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("the mock refuses the fixtures");
    assert!(err.contains("/etc/hostname"), "{err}");
    assert!(err.contains("inside the fixtures directory"), "{err}");
}

#[tokio::test]
async fn deeply_nested_metadata_is_refused_before_parsing() {
    let dir = copy_of_shipped_fixtures("default");
    let depth = 100_000;
    let users = format!(
        r#"[{{"email":"deep@example.com","password":"x","user_metadata":{{"a":{}{}}}}}]"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(dir.path().join("users.json"), users).unwrap();
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("the mock refuses the fixtures");
    assert!(err.contains("users.json"), "{err}");
    assert!(err.contains("nested deeper than 100 levels"), "{err}");
}

#[tokio::test]
async fn brackets_inside_quoted_strings_do_not_count_as_nesting() {
    let dir = copy_of_shipped_fixtures("default");
    let users = std::fs::read_to_string(dir.path().join("users.json")).unwrap();
    let deep_text = "[".repeat(500);
    let edited = users.replacen(
        r#""nickname": "alice""#,
        &format!(r#""nickname": "{deep_text}""#),
        1,
    );
    assert_ne!(users, edited, "the default users changed shape");
    std::fs::write(dir.path().join("users.json"), edited).unwrap();
    start_with_fixtures(dir.path()).await;
}
