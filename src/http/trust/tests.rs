use super::*;
use axum::http::HeaderValue;

const ISSUER: &str = "http://localhost:4455/";

fn local() -> Option<IpAddr> {
    Some("127.0.0.1".parse().unwrap())
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn a_remote_caller_is_refused_by_default() {
    let remote = Some("10.1.2.3".parse().unwrap());
    let err = check_caller(
        &ControlAccess::default(),
        ISSUER,
        &HeaderMap::new(),
        remote,
        None,
    );
    assert_eq!(err, Err(Refusal::Remote));
}

#[test]
fn a_remote_caller_passes_in_remote_mode() {
    let open = ControlAccess {
        allow_remote: true,
        ..ControlAccess::default()
    };
    let remote = Some("10.1.2.3".parse().unwrap());
    assert!(check_caller(&open, ISSUER, &HeaderMap::new(), remote, Some("mock:4455")).is_ok());
}

#[test]
fn the_control_token_passes_from_anywhere() {
    let access = ControlAccess {
        token: Some("t0k3n".into()),
        ..ControlAccess::default()
    };
    let remote = Some("10.1.2.3".parse().unwrap());
    let good = headers(&[("authorization", "Bearer t0k3n")]);
    assert!(check_caller(&access, ISSUER, &good, remote, Some("localhost:4455")).is_ok());
    let bad = headers(&[("authorization", "Bearer wrong")]);
    assert!(check_caller(&access, ISSUER, &bad, remote, None).is_err());
}

#[test]
fn the_control_token_does_not_lift_the_host_check() {
    let access = ControlAccess {
        token: Some("t0k3n".into()),
        ..ControlAccess::default()
    };
    let good = headers(&[("authorization", "Bearer t0k3n")]);
    let err = check_caller(&access, ISSUER, &good, local(), Some("rebind.evil.example"));
    assert_eq!(err, Err(Refusal::Host("rebind.evil.example".into())));
}

#[test]
fn an_ipv4_mapped_loopback_address_is_loopback() {
    assert!(is_loopback("::ffff:127.0.0.1".parse().unwrap()));
    assert!(!is_loopback("::ffff:10.0.0.1".parse().unwrap()));
}

#[test]
fn a_foreign_host_is_refused() {
    let err = check_caller(
        &ControlAccess::default(),
        ISSUER,
        &HeaderMap::new(),
        local(),
        Some("rebind.evil.example:4455"),
    );
    assert_eq!(err, Err(Refusal::Host("rebind.evil.example:4455".into())));
}

#[test]
fn loopback_names_the_issuer_host_and_allowed_hosts_are_served() {
    let access = ControlAccess {
        allowed_hosts: vec!["auth0-mock".into()],
        ..ControlAccess::default()
    };
    let issuer = "https://tenant.example.test/";
    for host in [
        "localhost:4455",
        "127.0.0.1:4455",
        "[::1]:4455",
        "app.localhost",
        "tenant.example.test",
        "AUTH0-MOCK:4455",
    ] {
        assert!(
            check_caller(&access, issuer, &HeaderMap::new(), local(), Some(host)).is_ok(),
            "{host}"
        );
    }
}

#[test]
fn a_foreign_origin_is_refused() {
    let h = headers(&[("origin", "https://evil.example")]);
    let err = check_caller(&ControlAccess::default(), ISSUER, &h, local(), None);
    assert_eq!(err, Err(Refusal::CrossSite("https://evil.example".into())));
}

#[test]
fn a_null_origin_is_refused() {
    let h = headers(&[("origin", "null")]);
    assert!(check_caller(&ControlAccess::default(), ISSUER, &h, local(), None).is_err());
}

#[test]
fn a_cross_site_fetch_without_origin_is_refused() {
    let h = headers(&[("sec-fetch-site", "cross-site")]);
    assert!(check_caller(&ControlAccess::default(), ISSUER, &h, local(), None).is_err());
}

#[test]
fn local_pages_and_allowed_origins_pass() {
    let access = ControlAccess {
        allowed_origins: vec!["https://ci.example.test/".into()],
        ..ControlAccess::default()
    };
    for origin in [
        "http://localhost:3000",
        "http://127.0.0.1:5173",
        "https://ci.example.test",
    ] {
        let h = headers(&[("origin", origin), ("sec-fetch-site", "cross-site")]);
        assert!(
            check_caller(&access, ISSUER, &h, local(), Some("localhost:4455")).is_ok(),
            "{origin}"
        );
    }
}

#[test]
fn the_same_origin_passes_in_remote_mode() {
    let open = ControlAccess {
        allow_remote: true,
        ..ControlAccess::default()
    };
    let h = headers(&[("origin", "http://mock.internal:4455")]);
    assert!(check_caller(&open, ISSUER, &h, local(), Some("mock.internal:4455")).is_ok());
    let other = headers(&[("origin", "http://evil.example:4455")]);
    assert!(check_caller(&open, ISSUER, &other, local(), Some("mock.internal:4455")).is_err());
}
