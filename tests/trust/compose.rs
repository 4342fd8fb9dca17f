//! The compose stack as shipped: nobody on the network may drive the mock, and Hasura's logs
//! keep what matters after a key rotation. (The stack itself needs Docker; its file does not.)

use serde_yaml_ng::Value;

fn compose() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docker-compose.yml");
    let text = std::fs::read_to_string(path).expect("docker-compose.yml");
    serde_yaml_ng::from_str(&text).expect("docker-compose.yml is YAML")
}

fn service(name: &str) -> Value {
    compose()["services"][name].clone()
}

fn env(service_name: &str, key: &str) -> Option<String> {
    service(service_name)["environment"][key]
        .as_str()
        .map(str::to_string)
}

#[test]
fn every_published_port_is_on_loopback() {
    for name in ["auth0-mock", "hasura"] {
        let ports = service(name)["ports"]
            .as_sequence()
            .cloned()
            .unwrap_or_default();
        assert!(!ports.is_empty(), "{name} publishes a port");
        for p in ports {
            let p = p.as_str().unwrap_or_default();
            assert!(p.starts_with("127.0.0.1:"), "{name} publishes {p}");
        }
    }
}

#[test]
fn the_mock_opens_its_control_api_by_token_not_to_everyone() {
    assert_eq!(env("auth0-mock", "AUTH0_MOCK_CONTROL_REMOTE"), None);
    let token = env("auth0-mock", "AUTH0_MOCK_CONTROL_TOKEN").unwrap_or_default();
    assert!(
        token.starts_with("${AUTH0_MOCK_CONTROL_TOKEN"),
        "the token comes from the environment: {token}"
    );
}

#[test]
fn hasura_logs_its_defaults_and_jwk_refresh() {
    let types = env("hasura", "HASURA_GRAPHQL_ENABLED_LOG_TYPES").unwrap_or_default();
    let types: Vec<&str> = types.split(',').map(str::trim).collect();
    for t in [
        "startup",
        "http-log",
        "webhook-log",
        "websocket-log",
        "jwk-refresh-log",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
}
