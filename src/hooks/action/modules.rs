//! What `require` may load in an Action, and finding `require('x')` calls before the first
//! login so a fixture that can never run fails at startup instead of at the first login.

/// An npm module auth0-mock provides itself (the Auth0 + Hasura guide uses it).
pub(super) const NODE_FETCH: &str = "node-fetch";
/// axios, over the same outbound client as `fetch` (`js/axios.js`).
pub(super) const AXIOS: &str = "axios";
/// node-auth0's ManagementClient, served by the mock itself (`js/auth0.js`).
pub(super) const AUTH0: &str = "auth0";
/// The npm modules auth0-mock provides, for messages.
const PROVIDED: &str = "node-fetch, axios, auth0 (ManagementClient, v3 and v4)";

/// Node.js built-in modules: Auth0's runtime has them, the embedded engine does not.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// The package a module specifier belongs to: `lodash/get` → `lodash`, `@a/b/c` → `@a/b`.
fn package_of(specifier: &str) -> &str {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next().unwrap_or("");
    if first.starts_with('@') {
        match parts.next() {
            Some(second) => &specifier[..first.len() + 1 + second.len()],
            None => specifier,
        }
    } else {
        first
    }
}

/// The name of a declared dependency (`name@version`, `@scope/name@version` or `name`).
fn dependency_name(dep: &str) -> &str {
    match dep.rfind('@') {
        Some(i) if i > 0 => &dep[..i],
        _ => dep,
    }
}

/// The major version a declared dependency names (`auth0@4.3.1`, `auth0@^3`), if it names one.
fn dependency_major(dep: &str) -> Option<u32> {
    let version = match dep.rfind('@') {
        Some(i) if i > 0 => &dep[i + 1..],
        _ => return None,
    };
    let digits: String = version
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The major version of `auth0` the Action declares, which decides the ManagementClient's API
/// (v3: flat methods resolving to data; v4: namespaced managers resolving to responses).
pub(super) fn auth0_major(dependencies: &[String]) -> Option<u32> {
    dependencies
        .iter()
        .find(|d| dependency_name(d) == AUTH0)
        .and_then(|d| dependency_major(d))
}

/// Why `require(specifier)` cannot work in auth0-mock, or `None` when it loads. The message
/// names the module and says what to do, since the author cannot see the mock's internals.
pub(super) fn require_error(specifier: &str, dependencies: &[String]) -> Option<String> {
    let package = package_of(specifier);
    let declared = dependencies.iter().find(|d| dependency_name(d) == package);
    if package == NODE_FETCH && specifier == NODE_FETCH {
        return match declared {
            Some(_) => None,
            None => Some(format!(
                "Cannot find module '{NODE_FETCH}': it is not among the Action's dependencies \
                 (Auth0 installs only declared modules; add {{ name: {NODE_FETCH}, version: 2.6.1 }} \
                 under dependencies, or use the global fetch)"
            )),
        };
    }
    if package == AXIOS && specifier == AXIOS && declared.is_some() {
        return None;
    }
    if package == AUTH0 && specifier == AUTH0 {
        match (declared, auth0_major(dependencies)) {
            (Some(_), Some(3 | 4)) => return None,
            (Some(dep), _) => {
                return Some(format!(
                    "auth0-mock provides the auth0 module's ManagementClient in its v3 and v4 APIs \
                     only, not {dep}: declare auth0@4 (or auth0@3) in the Action's dependencies"
                ));
            }
            (None, _) => {}
        }
    }
    let bare = specifier.strip_prefix("node:").unwrap_or(specifier);
    if NODE_BUILTINS.contains(&package_of(bare)) {
        return Some(format!(
            "auth0-mock cannot load Node.js built-in module '{specifier}': Actions run in an \
             embedded JavaScript engine without Node's standard library (available: console, \
             fetch, require() of {PROVIDED}, timers, atob/btoa, api.cache)"
        ));
    }
    Some(match declared {
        Some(dep) => format!(
            "auth0-mock cannot load npm module '{specifier}' (declared as {dep} in the Action's \
             dependencies): npm modules are not installed offline; built in are {PROVIDED} \
             (and the global fetch), or replace this Action with a native hook in tests"
        ),
        None => {
            format!("Cannot find module '{specifier}': it is not among the Action's dependencies")
        }
    })
}

/// Every `require('literal')` / `require("literal")` in JavaScript source, with its 1-based line.
/// Comments, strings, template literals and regular expressions are skipped, so a require in a
/// comment or a string is not reported.
pub(super) fn static_requires(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    let mut line = 1;
    // Brace depth of each `${` opened inside a template literal we are in.
    let mut templates: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    // Whether a `/` here would start a regular expression (no value just before it).
    let mut regex_ok = true;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            '/' if regex_ok => {
                i += 1;
                let mut in_class = false;
                while i < chars.len() && chars[i] != '\n' {
                    match chars[i] {
                        '\\' => i += 1,
                        '[' => in_class = true,
                        ']' => in_class = false,
                        '/' if !in_class => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                regex_ok = false;
            }
            '\'' | '"' => {
                i = skip_string(&chars, i, &mut line);
                regex_ok = false;
            }
            '`' => {
                i = skip_template(&chars, i + 1, &mut line, &mut templates, depth);
                regex_ok = false;
            }
            '{' => {
                depth += 1;
                i += 1;
                regex_ok = true;
            }
            '}' => {
                if templates.last() == Some(&depth) {
                    templates.pop();
                    i = skip_template(&chars, i + 1, &mut line, &mut templates, depth);
                    regex_ok = false;
                } else {
                    depth = depth.saturating_sub(1);
                    i += 1;
                    regex_ok = true;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let after_dot = chars[..start]
                    .iter()
                    .rev()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| *c == '.');
                if word == "require"
                    && !after_dot
                    && let Some(name) = literal_argument(&chars, i)
                {
                    found.push((line, name));
                }
                regex_ok = matches!(
                    word.as_str(),
                    "return"
                        | "typeof"
                        | "instanceof"
                        | "in"
                        | "of"
                        | "new"
                        | "delete"
                        | "void"
                        | "throw"
                        | "case"
                        | "do"
                        | "else"
                        | "yield"
                        | "await"
                );
            }
            ')' | ']' => {
                i += 1;
                regex_ok = false;
            }
            _ => {
                i += 1;
                regex_ok = true;
            }
        }
    }
    found
}

/// Skips a '…' or "…" string starting at `i`; returns the index after it.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    let quote = chars[i];
    i += 1;
    while i < chars.len() && chars[i] != quote {
        if chars[i] == '\\' {
            i += 1;
        }
        if chars.get(i) == Some(&'\n') {
            *line += 1;
        }
        i += 1;
    }
    i + 1
}

/// Skips template text from `i` up to the closing backtick or the next `${` (remembering the
/// brace depth to come back to); returns the index after what it consumed.
fn skip_template(
    chars: &[char],
    mut i: usize,
    line: &mut usize,
    templates: &mut Vec<usize>,
    depth: usize,
) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '`' => return i + 1,
            '$' if chars.get(i + 1) == Some(&'{') => {
                templates.push(depth);
                return i + 2;
            }
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// The string literal in `( 'name' )` right after `require`, if the call has exactly that form.
fn literal_argument(chars: &[char], mut i: usize) -> Option<String> {
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if chars.get(i) != Some(&'(') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    let quote = *chars.get(i)?;
    if quote != '\'' && quote != '"' && quote != '`' {
        return None;
    }
    i += 1;
    let start = i;
    while i < chars.len() && chars[i] != quote {
        if matches!(chars[i], '\\' | '\n' | '$') {
            return None;
        }
        i += 1;
    }
    let name: String = chars[start..i.min(chars.len())].iter().collect();
    i += 1;
    skip_ws(&mut i);
    (chars.get(i) == Some(&')')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps() -> Vec<String> {
        vec![
            "node-fetch@2.6.1".into(),
            "axios@1.6.0".into(),
            "auth0@4.3.1".into(),
            "@auth0/x@1".into(),
        ]
    }

    #[test]
    fn finds_literal_requires_only() {
        let src = "const fetch = require('node-fetch');\n// require('commented')\n/* require('block')\n*/ const s = \"require('in string')\";\nconst t = `x ${require(\"axios\")} y`;\nconst r = /require('re')/; foo.require('member');\nconst d = require(name);\nconst a = require( \"@auth0/x/sub\" )\n";
        let found = static_requires(src);
        assert_eq!(
            found,
            vec![
                (1, "node-fetch".to_string()),
                (5, "axios".to_string()),
                (8, "@auth0/x/sub".to_string()),
            ]
        );
    }

    #[test]
    fn auth0_loads_in_its_v3_and_v4_apis_only() {
        assert_eq!(auth0_major(&["auth0@^3.7.2".into()]), Some(3));
        assert_eq!(require_error("auth0", &["auth0@3.7.2".into()]), None);
        let e = require_error("auth0", &["auth0@5.0.0".into()]).unwrap();
        assert!(e.contains("v3 and v4") && e.contains("auth0@5.0.0"), "{e}");
        let e = require_error("auth0", &["auth0@latest".into()]).unwrap();
        assert!(e.contains("auth0@latest"), "{e}");
    }

    #[test]
    fn division_is_not_a_regex() {
        let src = "const x = a / b; const y = require('axios') / 2;";
        assert_eq!(static_requires(src), vec![(1, "axios".to_string())]);
    }

    #[test]
    fn policy_names_the_module() {
        assert_eq!(require_error("node-fetch", &deps()), None);
        let e = require_error("node-fetch", &[]).unwrap();
        assert!(e.contains("Cannot find module 'node-fetch'"), "{e}");
        assert_eq!(require_error("axios", &deps()), None);
        assert_eq!(require_error("auth0", &deps()), None);
        let e = require_error("axios/lib/core", &deps()).unwrap();
        assert!(
            e.contains("cannot load npm module 'axios/lib/core'") && e.contains("axios@1.6.0"),
            "{e}"
        );
        let e = require_error("axios", &[]).unwrap();
        assert!(e.contains("Cannot find module 'axios'"), "{e}");
        let e = require_error("@auth0/x/sub", &deps()).unwrap();
        assert!(
            e.contains("'@auth0/x/sub'") && e.contains("@auth0/x@1"),
            "{e}"
        );
        let e = require_error("node:crypto", &deps()).unwrap();
        assert!(e.contains("built-in module 'node:crypto'"), "{e}");
        let e = require_error("lodash", &deps()).unwrap();
        assert!(e.contains("Cannot find module 'lodash'"), "{e}");
    }
}
