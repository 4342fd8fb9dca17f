use super::*;
use serde_json::json;

#[test]
fn accepts_the_uris_tokens_carry() {
    for ok in [
        "https://tenant.auth0-mock.test/",
        "http://localhost:4455/",
        "https://api.auth0-mock.test",
        "urn:example:animal:ferret:nose",
        "mailto:alice@example.com",
        "a:",
        "file:///etc/hosts",
        "http://user:pw@host:8080/p/a?q=1&r=%20#frag/x?y",
        "http://[::1]:80/",
        "http://[fe80::1%25eth0]/",
        "http://[::ffff:1.2.3.4]/",
        "http://[v1.fe:80]/",
        "http://1.2.3.999/",
        "s+c-h.e:opaque;x=1",
    ] {
        assert!(is_uri(ok), "{ok}");
    }
}

#[test]
fn rejects_what_network_uri_rejects() {
    for bad in [
        "auth0|alice:x",
        "1a:b",
        ":nothing",
        "https://a b/",
        "https://tenant.test/ path",
        "https://café.test/",
        "https://tenant.test/é",
        "http://host/%zz",
        "http://host/a|b",
        "http://host/a\\b",
        "http://[::1/",
        "http://[1:2:3:4:5:6:7]/",
        "http://[1::2::3]/",
        "http://[::1.2.3.4.5]/",
        "http://host#a#b",
    ] {
        assert!(!is_uri(bad), "{bad}");
    }
}

#[test]
fn a_host_has_at_most_255_characters() {
    let host = "a".repeat(255);
    assert!(is_uri(&format!("http://{host}/")));
    let host = "a".repeat(256);
    assert!(!is_uri(&format!("http://{host}/")));
}

#[test]
fn string_or_uri_needs_a_uri_only_when_there_is_a_colon() {
    assert_eq!(
        parse_string_or_uri(&json!("auth0|alice")).unwrap(),
        "auth0|alice"
    );
    assert_eq!(parse_string_or_uri(&json!("a b c")).unwrap(), "a b c");
    assert_eq!(
        parse_string_or_uri(&json!("a b:c")).unwrap_err(),
        "failed to parse StringOrURI"
    );
    assert_eq!(
        parse_string_or_uri(&json!(1)).unwrap_err(),
        "parsing StringOrURI failed, expected String, but encountered Number"
    );
}

#[test]
fn an_audience_list_with_a_bad_element_reports_the_array() {
    assert_eq!(parse_audience(&json!(["a", "b"])).unwrap(), vec!["a", "b"]);
    assert_eq!(parse_audience(&json!("a")).unwrap(), vec!["a"]);
    assert_eq!(
        parse_audience(&json!(["ok", "x y:z"])).unwrap_err(),
        "parsing StringOrURI failed, expected String, but encountered Array"
    );
    assert_eq!(
        parse_audience(&json!("x y:z")).unwrap_err(),
        "failed to parse StringOrURI"
    );
}

#[test]
fn show_hides_the_password_like_network_uri() {
    assert_eq!(
        show_string_or_uri("https://u:secret@h/p"),
        "https://u:...@h/p"
    );
    assert_eq!(show_string_or_uri("https://u@h/p"), "https://u@h/p");
    assert_eq!(show_string_or_uri("https://u:@h/p"), "https://u:@h/p");
    assert_eq!(show_string_or_uri("urn:x:y"), "urn:x:y");
}
