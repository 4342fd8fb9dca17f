//! The event the Action tester runs an Action on: for the fields the caller's event leaves out,
//! a sample in the shape Auth0's "Test" tab uses for that trigger, about a sample user of the
//! tenant's default database connection and its first application, so an Action reads the
//! fields it reads at a real login.

use crate::protocol::Trigger;
use crate::tenant::Tenant;
use serde_json::{Value, json};

/// The sample event of `trigger` on `tenant`, at `now` (Unix seconds).
pub(crate) fn sample(trigger: Trigger, tenant: &Tenant, now: i64) -> Value {
    let stamp = crate::clock::rfc3339(now);
    let connection = tenant.default_connection();
    let connection = json!({
        "id": connection.and_then(|c| c.id.clone()).unwrap_or_default(),
        "name": connection.map(|c| c.name.clone()).unwrap_or_default(),
        "strategy": "auth0",
        "metadata": {},
    });
    let client = tenant.clients.first().map_or(
        json!({}),
        |c| json!({ "client_id": c.client_id, "name": c.name, "metadata": c.client_metadata }),
    );
    let request = json!({
        "ip": "13.33.86.47",
        "method": "POST",
        "hostname": "auth0-mock.local",
        "language": "en",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "query": {},
        "body": {},
        "geoip": { "countryCode": "US", "countryCode3": "USA", "countryName": "United States of America", "cityName": "Bellevue", "timeZone": "America/Los_Angeles" },
    });
    let user = json!({
        "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
        "email": "j+smith@example.com",
        "email_verified": true,
        "name": "Jane Smith",
        "given_name": "Jane",
        "family_name": "Smith",
        "nickname": "j+smith",
        "picture": "https://s.gravatar.com/avatar/sample?s=480&r=pg",
        "created_at": stamp,
        "updated_at": stamp,
        "identities": [{ "provider": "auth0", "user_id": "5f7c8ec7c33c6c004bbafe82", "connection": connection["name"], "isSocial": false }],
        "app_metadata": {},
        "user_metadata": {},
        "enrolledFactors": [],
        "multifactor": [],
    });
    let tenant_id = json!({ "id": tenant.friendly_name });
    match trigger {
        Trigger::PostLogin => json!({
            "user": user,
            "authorization": { "roles": [] },
            "client": client,
            "connection": connection,
            "request": request,
            "transaction": {
                "id": "sample-transaction",
                "protocol": "oidc-basic-profile",
                "requested_scopes": ["openid", "profile", "email"],
                "locale": "en",
                "ui_locales": [],
            },
            "stats": { "logins_count": 62 },
            "tenant": tenant_id,
            "session": { "id": "sample-session" },
            "authentication": { "methods": [{ "name": "pwd", "timestamp": stamp }] },
        }),
        Trigger::PreUserRegistration
        | Trigger::PostUserRegistration
        | Trigger::PostChangePassword => {
            json!({ "user": user, "connection": connection, "request": request, "tenant": tenant_id })
        }
        Trigger::CredentialsExchange => json!({
            "client": client,
            "resource_server": { "identifier": tenant.default_api().map(|a| a.identifier.clone()).unwrap_or_default() },
            "request": request,
            "transaction": { "requested_scopes": [] },
            "tenant": tenant_id,
        }),
    }
}

/// `overrides` laid over `base`: objects merge key by key, anything else replaces.
pub(crate) fn merge(base: &mut Value, overrides: &Value) {
    match (base, overrides) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_merge_into_objects_and_replace_the_rest() {
        let mut base = json!({"user": {"email": "a", "app_metadata": {"x": 1}}, "stats": {"logins_count": 62}});
        merge(
            &mut base,
            &json!({"user": {"app_metadata": {"y": 2}}, "stats": 3}),
        );
        assert_eq!(
            base,
            json!({"user": {"email": "a", "app_metadata": {"x": 1, "y": 2}}, "stats": 3})
        );
    }

    #[test]
    fn the_post_login_sample_names_the_tenants_first_app_and_database() {
        let tenant = crate::tenant::load_embedded().unwrap();
        let e = sample(Trigger::PostLogin, &tenant, 0);
        assert_eq!(e["client"]["client_id"], tenant.clients[0].client_id);
        assert_eq!(e["connection"]["name"], "Username-Password-Authentication");
        assert_eq!(e["user"]["email"], "j+smith@example.com");
    }
}
