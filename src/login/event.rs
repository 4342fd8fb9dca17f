//! Building the `event` Auth0 gives post-login Actions, from what a login knows.

use crate::hooks::Event;
use crate::tenant::{Client, User};
use serde_json::{Value, json};

/// The parts of an `event` every user login shares: the user, their roles, the client and the
/// API. Logins (and scenario minting) add transaction, request and connection details.
pub(crate) fn user_event(user: &User, client: &Client, audience: Option<&str>) -> Event {
    let mut event = Event::empty();
    event.user = user.to_auth0_json();
    if let Some(u) = event.user.as_object_mut() {
        let (enrolled, providers) = factors_json(user.mfa.as_ref());
        u.insert("enrolledFactors".into(), enrolled);
        u.insert("multifactor".into(), providers);
    }
    event.authorization = json!({ "roles": user.roles });
    event.client = client_json(client);
    event.resource_server = match audience {
        Some(a) => json!({ "identifier": a }),
        None => Value::Null,
    };
    event
}

/// `event.user.enrolledFactors` and `event.user.multifactor` for the user's factors: `otp`,
/// `phone` and `email` entries (`[]` for none, as Auth0's test events), and `["guardian"]`
/// once a TOTP or phone is enrolled (Guardian enrols those; an email factor is no provider).
/// Actions branch on these to enrol or challenge.
fn factors_json(factors: Option<&crate::tenant::MfaFactors>) -> (Value, Value) {
    let Some(f) = factors else {
        return (json!([]), json!([]));
    };
    let mut enrolled = Vec::new();
    if f.totp_secret.is_some() {
        enrolled.push(json!({ "type": "otp" }));
    }
    if f.phone_number.is_some() {
        enrolled.push(json!({ "type": "phone" }));
    }
    if f.email.is_some() {
        enrolled.push(json!({ "type": "email" }));
    }
    let guardian = f.totp_secret.is_some() || f.phone_number.is_some();
    let providers = if guardian {
        json!(["guardian"])
    } else {
        json!([])
    };
    (Value::Array(enrolled), providers)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::MfaFactors;

    #[test]
    fn a_user_with_no_factor_has_empty_lists() {
        assert_eq!(factors_json(None), (json!([]), json!([])));
    }

    #[test]
    fn a_totp_and_a_phone_are_guardian_factors() {
        let f = MfaFactors {
            totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
            phone_number: Some("+14155550123".into()),
            ..Default::default()
        };
        let (enrolled, providers) = factors_json(Some(&f));
        assert_eq!(enrolled, json!([{ "type": "otp" }, { "type": "phone" }]));
        assert_eq!(providers, json!(["guardian"]));
    }

    #[test]
    fn an_email_factor_alone_names_no_provider() {
        let f = MfaFactors {
            email: Some("carol@example.com".into()),
            ..Default::default()
        };
        assert_eq!(factors_json(Some(&f)).1, json!([]));
    }
}
