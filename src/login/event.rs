//! Building the `event` Auth0 gives post-login Actions, from what a login knows.

use crate::hooks::Event;
use crate::tenant::{Client, User};
use serde_json::{Value, json};

/// The parts of an `event` every user login shares: the user, their roles, the client and the
/// API. Logins (and scenario minting) add transaction, request and connection details.
pub(crate) fn user_event(user: &User, client: &Client, audience: Option<&str>) -> Event {
    let mut event = Event::empty();
    event.user = user.to_auth0_json();
    event.authorization = json!({ "roles": user.roles });
    event.client = client_json(client);
    event.resource_server = match audience {
        Some(a) => json!({ "identifier": a }),
        None => Value::Null,
    };
    event
}

/// `event.client`, as every trigger that has a client shows it (`metadata` is the client's
/// `client_metadata`).
pub(crate) fn client_json(client: &Client) -> Value {
    json!({ "client_id": client.client_id, "name": client.name, "metadata": client.client_metadata })
}

/// `event.request` for a login arriving over HTTP.
pub(crate) fn request_json(
    issuer: &str,
    user_agent: &str,
    ip: &str,
    method: &str,
    query: Value,
) -> Value {
    json!({
        "ip": ip,
        "method": method,
        "hostname": issuer.trim_end_matches('/').split("://").nth(1).unwrap_or(""),
        "user_agent": user_agent,
        "language": "en",
        "query": query,
        "body": {},
        "geoip": {},
    })
}
