use super::*;

fn binding(settings: Value) -> HookBinding {
    HookBinding::native("hasura-sync", "sync", settings)
}

fn build(settings: Value) -> Result<HasuraSync, String> {
    HasuraSync::from_binding(&binding(settings))
}

fn response(status: u16, body: &str) -> OutboundResponse {
    OutboundResponse::plain(status, body)
}

#[test]
fn defaults_follow_the_guide() {
    let h = build(json!({"url": "http://localhost:8080/v1/graphql"})).unwrap();
    assert_eq!(h.query, DEFAULT_QUERY);
    assert_eq!(h.timeout_ms, 5000);
    assert_eq!(h.on_failure, OnFailure::Deny);
    assert_eq!(h.admin_secret, None);
    let mut event = Event::empty();
    event.user = json!({"user_id": "auth0|alice", "name": "Alice Liddell"});
    assert_eq!(
        Value::Object(h.variables_for(&event)),
        json!({"userId": "auth0|alice", "userName": "Alice Liddell"})
    );
    event.user = json!({"user_id": "auth0|x"});
    assert_eq!(h.variables_for(&event)["userName"], Value::Null);
    let tenant = crate::tenant::load_embedded().unwrap();
    let hook = factory(&binding(json!({"url": "http://h/v1/graphql"})), &tenant).unwrap();
    assert_eq!(hook.kind(), "hasura-sync");
    assert!(!hook.pure(), "it does I/O");
}

#[test]
fn refuses_unknown_keys() {
    let err = build(json!({"url": "http://h/v1/graphql", "admin_secrte": "x"})).unwrap_err();
    assert!(err.contains("unknown field `admin_secrte`"), "{err}");
    assert!(err.starts_with("hasura-sync settings:"), "{err}");
}

#[test]
fn refuses_bad_urls() {
    for url in ["", "localhost:8080/v1/graphql", "ftp://h/x", "/v1/graphql"] {
        let err = build(json!({ "url": url })).unwrap_err();
        assert!(err.contains("absolute http(s) URL"), "{url}: {err}");
    }
    let err = build(json!({})).unwrap_err();
    assert!(err.contains("missing field `url`"), "{err}");
    assert!(build(json!({"url": "https://hasura.example/v1/graphql"})).is_ok());
}

#[test]
fn refuses_bad_on_failure() {
    let err = build(json!({"url": "http://h/", "on_failure": "ignore"})).unwrap_err();
    assert!(err.contains("unknown variant `ignore`"), "{err}");
    let ok = build(json!({"url": "http://h/", "on_failure": "continue"})).unwrap();
    assert_eq!(ok.on_failure, OnFailure::Continue);
}

#[test]
fn timeout_bounds() {
    for bad in [json!(0), json!(20_001)] {
        let err = build(json!({"url": "http://h/", "timeout_ms": bad})).unwrap_err();
        assert!(
            err.contains("timeout_ms must be between 1 and 20000"),
            "{err}"
        );
    }
    let err = build(json!({"url": "http://h/", "timeout_ms": -5})).unwrap_err();
    assert!(
        err.contains("timeout_ms") || err.contains("invalid value"),
        "{err}"
    );
    assert!(build(json!({"url": "http://h/", "timeout_ms": 1})).is_ok());
    assert!(build(json!({"url": "http://h/", "timeout_ms": 20_000})).is_ok());
}

#[test]
fn checks_variables_against_the_query() {
    let err = build(json!({"url": "http://h/", "query": "mutation { x }"})).unwrap_err();
    assert!(err.contains("default variable $userId"), "{err}");
    assert!(build(json!({"url": "http://h/", "query": "mutation { x }", "variables": {}})).is_ok());
    let err =
        build(json!({"url": "http://h/", "variables": {"user": "user.user_id"}})).unwrap_err();
    assert!(err.contains("not used by the query"), "{err}");
    let err =
        build(json!({"url": "http://h/", "variables": {"userId": "usr.user_id"}})).unwrap_err();
    assert!(err.contains("not an event path"), "{err}");
    let err = build(json!({"url": "http://h/", "variables": {"userId": 3}})).unwrap_err();
    assert!(err.contains("must be an event path"), "{err}");
    let err =
        build(json!({"url": "http://h/", "variables": {"user-id": "user.user_id"}})).unwrap_err();
    assert!(err.contains("not a GraphQL variable name"), "{err}");
    // `$userIdX` does not count as a use of `$userId`.
    let q = "mutation($userIdX: String!) { f(id: $userIdX) { id } }";
    assert!(
        build(json!({"url": "http://h/", "query": q, "variables": {"userId": "user.user_id"}}))
            .is_err()
    );
    let ok = build(json!({"url": "http://h/", "query": q, "variables": {"userIdX": "user.app_metadata.org_id"}})).unwrap();
    assert_eq!(
        ok.variables,
        vec![(
            "userIdX".to_string(),
            "user.app_metadata.org_id".to_string()
        )]
    );
}

#[test]
fn admin_secret_from_settings_or_secrets() {
    let h = build(json!({"url": "http://h/", "admin_secret": "s3cret"})).unwrap();
    assert_eq!(h.admin_secret.as_deref(), Some("s3cret"));
    let mut b = binding(json!({"url": "http://h/"}));
    b.secrets
        .insert("admin_secret".into(), json!("from-secrets"));
    let h = HasuraSync::from_binding(&b).unwrap();
    assert_eq!(h.admin_secret.as_deref(), Some("from-secrets"));
    let h = build(json!({"url": "http://h/", "admin_secret": ""})).unwrap();
    assert_eq!(h.admin_secret, None, "an empty ${{ENV:-}} means no secret");
}

#[test]
fn graphql_errors_under_200_are_failures() {
    let h = build(json!({"url": "http://h/v1/graphql"})).unwrap();
    let ok = r#"{"data":{"insert_users_one":{"userId":"auth0|alice"}}}"#;
    assert_eq!(h.check_response(&response(200, ok)), None);
    let err = h
        .check_response(&response(
            200,
            r#"{"errors":[{"message":"invalid x-hasura-admin-secret/x-hasura-access-key","extensions":{"path":"$","code":"access-denied"}}]}"#,
        ))
        .unwrap();
    assert_eq!(
        err,
        "Hasura at http://h/v1/graphql answered errors: invalid x-hasura-admin-secret/x-hasura-access-key (access-denied)"
    );
    let err = h.check_response(&response(500, "boom")).unwrap();
    assert_eq!(err, "Hasura at http://h/v1/graphql answered HTTP 500: boom");
    let err = h.check_response(&response(200, "<html>")).unwrap();
    assert!(err.contains("not JSON: <html>"), "{err}");
    let err = h.check_response(&response(200, "{}")).unwrap();
    assert!(err.contains("without data"), "{err}");
    let err = h
        .check_response(&response(
            200,
            r#"{"errors":[{"message":"a"},{"message":"b"}]}"#,
        ))
        .unwrap();
    assert!(err.ends_with("answered errors: a and 1 more"), "{err}");
}

#[test]
fn transport_reasons_are_clear() {
    assert_eq!(
        transport_reason(&OutboundError::TimedOut, 2000),
        "timed out after 2000 ms"
    );
    assert_eq!(
        transport_reason(
            &OutboundError::Connect("Connection refused (os error 111)".into()),
            5
        ),
        "connection failed: Connection refused (os error 111)"
    );
    assert_eq!(
        transport_reason(&OutboundError::TooLarge { status: 200 }, 5),
        "HTTP 200 reply with a body over the 1048576 bytes auth0-mock reads from an upstream"
    );
    assert_eq!(snippet(&"x".repeat(300), 5), "xxxxx…");
    assert_eq!(snippet("  a\nb ", 50), "a b");
}
