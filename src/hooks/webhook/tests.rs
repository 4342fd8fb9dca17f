use super::*;
use serde_json::json;

fn binding(settings: Value) -> HookBinding {
    HookBinding::native("webhook", "hook", settings)
}

fn build(settings: Value) -> Result<Webhook, String> {
    Webhook::from_binding(&binding(settings))
}

fn response(status: u16, body: &str) -> OutboundResponse {
    OutboundResponse::plain(status, body)
}

#[test]
fn defaults() {
    let h = build(json!({"url": "http://localhost:9000/hook"})).unwrap();
    assert_eq!(h.timeout_ms, 5000);
    assert_eq!(h.on_failure, OnFailure::Deny);
    assert!(h.secret.is_none() && h.headers.is_empty());
    let tenant = crate::tenant::load_embedded().unwrap();
    let hook = factory(&binding(json!({"url": "http://h/"})), &tenant).unwrap();
    assert_eq!(hook.kind(), "webhook");
    assert!(!hook.pure(), "it does I/O");
}

#[test]
fn refuses_unknown_keys() {
    let err = build(json!({"url": "http://h/", "header": {}})).unwrap_err();
    assert!(err.contains("unknown field `header`"), "{err}");
    assert!(err.starts_with("webhook settings:"), "{err}");
}

#[test]
fn refuses_bad_urls() {
    for url in ["", "h/hook", "mailto:a@b.c", "file:///tmp/x"] {
        let err = build(json!({ "url": url })).unwrap_err();
        assert!(err.contains("absolute http(s) URL"), "{url}: {err}");
    }
    let err = build(json!({"secret": "x"})).unwrap_err();
    assert!(err.contains("missing field `url`"), "{err}");
}

#[test]
fn refuses_bad_on_failure() {
    let err = build(json!({"url": "http://h/", "on_failure": "retry"})).unwrap_err();
    assert!(err.contains("unknown variant `retry`"), "{err}");
    let ok = build(json!({"url": "http://h/", "on_failure": "continue"})).unwrap();
    assert_eq!(ok.on_failure, OnFailure::Continue);
}

#[test]
fn timeout_bounds() {
    for bad in [0, 20_001, 60_000] {
        let err = build(json!({"url": "http://h/", "timeout_ms": bad})).unwrap_err();
        assert!(
            err.contains("timeout_ms must be between 1 and 20000"),
            "{err}"
        );
    }
    assert_eq!(
        build(json!({"url": "http://h/", "timeout_ms": 250}))
            .unwrap()
            .timeout_ms,
        250
    );
}

#[test]
fn headers_and_secret() {
    let h =
        build(json!({"url": "http://h/", "headers": {"X-Env": "test"}, "secret": "tok"})).unwrap();
    assert_eq!(h.headers, vec![("x-env".to_string(), "test".to_string())]);
    assert_eq!(h.secret.as_deref(), Some("tok"));
    let mut b = binding(json!({"url": "http://h/"}));
    b.secrets.insert("secret".into(), json!("from-secrets"));
    assert_eq!(
        Webhook::from_binding(&b).unwrap().secret.as_deref(),
        Some("from-secrets")
    );
    for (headers, needle) in [
        (json!({"bad header": "x"}), "not a valid header name"),
        (
            json!({"Content-Type": "text/plain"}),
            "set by the hook itself",
        ),
        (json!({"x-n": 2}), "must be a string"),
        (json!({"x-n": "a\nb"}), "not a valid header value"),
    ] {
        let err = build(json!({"url": "http://h/", "headers": headers})).unwrap_err();
        assert!(err.contains(needle), "{err}");
    }
    let err =
        build(json!({"url": "http://h/", "secret": "s", "headers": {"Authorization": "Basic x"}}))
            .unwrap_err();
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn replies() {
    let h = build(json!({"url": "http://h/hook"})).unwrap();
    let empty = h.parse_reply(&response(204, "")).unwrap();
    assert!(empty.access_token.is_none() && empty.deny.is_none());
    let err = h.parse_reply(&response(500, "boom")).err().unwrap();
    assert_eq!(err, "http://h/hook answered HTTP 500: boom");
    let err = h.parse_reply(&response(200, "<html>")).err().unwrap();
    assert!(err.contains("not JSON: <html>"), "{err}");
    let err = h.parse_reply(&response(200, "[1]")).err().unwrap();
    assert!(err.contains("cannot use"), "{err}");
    let err = h
        .parse_reply(&response(200, r#"{"acces_token":{}}"#))
        .err()
        .unwrap();
    assert!(err.contains("unknown field `acces_token`"), "{err}");
    let err = h
        .parse_reply(&response(200, r#"{"add_scopes":["a b"]}"#))
        .err()
        .unwrap();
    assert!(err.contains("not a single scope"), "{err}");

    let reply = h
        .parse_reply(&response(
            200,
            r#"{"access_token":{"claims":{"https://x/a":1,"sub":"evil"}},"id_token":{"claims":{"https://x/b":2}},
               "app_metadata":{"k":"v"},"user_metadata":{"t":null},"add_scopes":["read:users"],"remove_scopes":["read:own"]}"#,
        ))
        .unwrap();
    let mut api = Api::new(reqwest::Client::new());
    let summary = h.apply(reply, &mut api);
    assert!(summary.contains("2 access-token claim(s)"), "{summary}");
    let e = api.effects();
    assert_eq!(e.access_claims.get("https://x/a"), Some(&json!(1)));
    assert!(
        !e.access_claims.contains_key("sub"),
        "restricted claims are dropped"
    );
    assert_eq!(e.id_claims.get("https://x/b"), Some(&json!(2)));
    assert_eq!(e.app_metadata.get("k"), Some(&json!("v")));
    assert_eq!(e.user_metadata.get("t"), Some(&Value::Null));
    assert_eq!(e.add_scopes, vec!["read:users"]);
    assert_eq!(e.remove_scopes, vec!["read:own"]);
    assert!(e.deny.is_none());

    let reply = h
        .parse_reply(&response(200, r#"{"deny":"no entry"}"#))
        .unwrap();
    let mut api = Api::new(reqwest::Client::new());
    h.apply(reply, &mut api);
    assert_eq!(api.effects().deny.as_deref(), Some("no entry"));
}
