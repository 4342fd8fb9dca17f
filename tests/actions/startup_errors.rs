//! Action code that cannot run is refused when the fixtures load, naming the file and line.

use crate::support::*;
use crate::{Action, fixture};

/// The startup error of a mock with this one Action.
async fn startup_error(action: Action<'_>) -> String {
    let dir = fixture(&[action], &[]);
    try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup must fail")
}

#[tokio::test]
async fn a_declared_npm_module_is_refused_at_startup_naming_it() {
    let mut action = Action::new(
        "uses-lodash",
        "const get = require('lodash/get');\nexports.onExecutePostLogin = async () => {};\n",
    );
    action.dependencies = &["{ name: lodash, version: 4.17.21 }"];
    let err = startup_error(action).await;
    assert!(err.contains("actions/uses-lodash/code.js:1:"), "{err}");
    assert!(
        err.contains("auth0-mock cannot load npm module 'lodash/get' (declared as lodash@4.17.21"),
        "{err}"
    );
}

#[tokio::test]
async fn an_undeclared_module_is_refused_at_startup() {
    let code = "exports.onExecutePostLogin = async () => {\n  // require('commented') is fine\n  const _ = require(\"lodash\");\n};\n";
    let err = startup_error(Action::new("uses-lodash", code)).await;
    assert!(err.contains("actions/uses-lodash/code.js:3:"), "{err}");
    assert!(
        err.contains("Cannot find module 'lodash': it is not among the Action's dependencies"),
        "{err}"
    );
}

#[tokio::test]
async fn a_syntax_error_is_reported_with_file_and_line() {
    let code =
        "exports.onExecutePostLogin = async (event, api) => {\n  const a = 1;\n  const b = ;\n};\n";
    let err = startup_error(Action::new("broken", code)).await;
    assert!(
        err.contains("actions/broken/code.js:3: SyntaxError:"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_on_execute_post_login_export_is_reported_at_startup() {
    let err = startup_error(Action::new(
        "no-export",
        "exports.onExecuteCredentialsExchange = async () => {};\n",
    ))
    .await;
    assert!(
        err.contains("actions/no-export/code.js: no onExecutePostLogin export"),
        "{err}"
    );
}

#[tokio::test]
async fn a_throwing_top_level_is_reported_at_startup_with_its_line() {
    let err = startup_error(Action::new(
        "bad-top",
        "const x = 1;\nnull.boom;\nexports.onExecutePostLogin = async () => {};\n",
    ))
    .await;
    assert!(
        err.contains("actions/bad-top/code.js:2: TypeError:"),
        "{err}"
    );
}
