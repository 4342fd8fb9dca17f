//! Which scopes each Management API endpoint requires: Auth0's table, one row per route, where
//! a token needs any one of a row's scopes (Auth0's "expected any of"). One table, so the
//! scope enforcement test can walk every endpoint and a route added without a row is refused
//! rather than open.

use axum::http::Method;

/// `(method, route path as registered, any-of scopes)`: every Management API endpoint the mock
/// serves and the scopes Auth0 requires for it. Public so that tests and tools can walk the
/// whole API (the mock's own scope enforcement test does).
pub const RULES: &[(&str, &str, &[&str])] = &[
    ("GET", "/api/v2/users", &["read:users"]),
    ("POST", "/api/v2/users", &["create:users"]),
    (
        "GET",
        "/api/v2/users/{id}",
        &["read:users", "read:current_user", "read:user_idp_tokens"],
    ),
    (
        "PATCH",
        "/api/v2/users/{id}",
        &[
            "update:users",
            "update:users_app_metadata",
            "update:current_user_metadata",
        ],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}",
        &["delete:users", "delete:current_user"],
    ),
    ("GET", "/api/v2/users-by-email", &["read:users"]),
    (
        "POST",
        "/api/v2/users/{id}/multifactor/actions/invalidate-remember-browser",
        &["update:users"],
    ),
    (
        "GET",
        "/api/v2/users/{id}/authentication-methods",
        &["read:authentication_methods"],
    ),
    (
        "POST",
        "/api/v2/users/{id}/authentication-methods",
        &["create:authentication_methods"],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}/authentication-methods",
        &["delete:authentication_methods"],
    ),
    (
        "GET",
        "/api/v2/users/{id}/authentication-methods/{method_id}",
        &["read:authentication_methods"],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}/authentication-methods/{method_id}",
        &["delete:authentication_methods"],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}/authenticators",
        &["delete:guardian_enrollments"],
    ),
    (
        "GET",
        "/api/v2/users/{id}/enrollments",
        &["read:users", "read:current_user"],
    ),
    (
        "POST",
        "/api/v2/users/{id}/recovery-code-regeneration",
        &["update:users"],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}/multifactor/{provider}",
        &["update:users"],
    ),
    (
        "GET",
        "/api/v2/guardian/enrollments/{id}",
        &["read:guardian_enrollments"],
    ),
    (
        "DELETE",
        "/api/v2/guardian/enrollments/{id}",
        &["delete:guardian_enrollments"],
    ),
    (
        "GET",
        "/api/v2/users/{id}/roles",
        &["read:users", "read:roles", "read:role_members"],
    ),
    (
        "POST",
        "/api/v2/users/{id}/roles",
        &["update:users", "create:role_members"],
    ),
    (
        "DELETE",
        "/api/v2/users/{id}/roles",
        &["update:users", "delete:role_members"],
    ),
    ("GET", "/api/v2/users/{id}/permissions", &["read:users"]),
    ("POST", "/api/v2/users/{id}/permissions", &["update:users"]),
    (
        "DELETE",
        "/api/v2/users/{id}/permissions",
        &["update:users"],
    ),
    ("GET", "/api/v2/roles", &["read:roles"]),
    ("POST", "/api/v2/roles", &["create:roles"]),
    ("GET", "/api/v2/roles/{id}", &["read:roles"]),
    ("PATCH", "/api/v2/roles/{id}", &["update:roles"]),
    ("DELETE", "/api/v2/roles/{id}", &["delete:roles"]),
    (
        "GET",
        "/api/v2/roles/{id}/users",
        &["read:users", "read:roles", "read:role_members"],
    ),
    (
        "POST",
        "/api/v2/roles/{id}/users",
        &["update:roles", "create:role_members"],
    ),
    ("GET", "/api/v2/roles/{id}/permissions", &["read:roles"]),
    ("POST", "/api/v2/roles/{id}/permissions", &["update:roles"]),
    (
        "DELETE",
        "/api/v2/roles/{id}/permissions",
        &["update:roles"],
    ),
    (
        "GET",
        "/api/v2/resource-servers",
        &["read:resource_servers"],
    ),
    (
        "POST",
        "/api/v2/resource-servers",
        &["create:resource_servers"],
    ),
    (
        "GET",
        "/api/v2/resource-servers/{id}",
        &["read:resource_servers"],
    ),
    (
        "GET",
        "/api/v2/clients",
        &["read:clients", "read:client_keys"],
    ),
    ("POST", "/api/v2/clients", &["create:clients"]),
    (
        "GET",
        "/api/v2/clients/{id}",
        &["read:clients", "read:client_keys"],
    ),
    ("GET", "/api/v2/client-grants", &["read:client_grants"]),
    ("POST", "/api/v2/client-grants", &["create:client_grants"]),
    ("GET", "/api/v2/connections", &["read:connections"]),
    ("GET", "/api/v2/connections/{id}", &["read:connections"]),
    ("POST", "/api/v2/jobs/users-imports", &["create:users"]),
    ("GET", "/api/v2/jobs/{id}", &["create:users", "read:users"]),
    (
        "GET",
        "/api/v2/jobs/{id}/errors",
        &["create:users", "read:users"],
    ),
    ("POST", "/api/v2/jobs/verification-email", &["update:users"]),
    (
        "POST",
        "/api/v2/tickets/email-verification",
        &["create:user_tickets"],
    ),
    (
        "POST",
        "/api/v2/tickets/password-change",
        &["create:user_tickets"],
    ),
    ("GET", "/api/v2/stats/active-users", &["read:stats"]),
    (
        "GET",
        "/api/v2/organizations",
        &["read:organizations", "read:organizations_summary"],
    ),
    ("POST", "/api/v2/organizations", &["create:organizations"]),
    ("GET", "/api/v2/organizations/{id}", &["read:organizations"]),
    (
        "PATCH",
        "/api/v2/organizations/{id}",
        &["update:organizations"],
    ),
    (
        "DELETE",
        "/api/v2/organizations/{id}",
        &["delete:organizations"],
    ),
    (
        "GET",
        "/api/v2/organizations/name/{name}",
        &["read:organizations"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/enabled_connections",
        &["read:organization_connections"],
    ),
    (
        "POST",
        "/api/v2/organizations/{id}/enabled_connections",
        &["create:organization_connections"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/enabled_connections/{connection_id}",
        &["read:organization_connections"],
    ),
    (
        "PATCH",
        "/api/v2/organizations/{id}/enabled_connections/{connection_id}",
        &["update:organization_connections"],
    ),
    (
        "DELETE",
        "/api/v2/organizations/{id}/enabled_connections/{connection_id}",
        &["delete:organization_connections"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/members",
        &["read:organization_members"],
    ),
    (
        "POST",
        "/api/v2/organizations/{id}/members",
        &["create:organization_members"],
    ),
    (
        "DELETE",
        "/api/v2/organizations/{id}/members",
        &["delete:organization_members"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/members/{user_id}/roles",
        &["read:organization_member_roles"],
    ),
    (
        "POST",
        "/api/v2/organizations/{id}/members/{user_id}/roles",
        &["create:organization_member_roles"],
    ),
    (
        "DELETE",
        "/api/v2/organizations/{id}/members/{user_id}/roles",
        &["delete:organization_member_roles"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/invitations",
        &["read:organization_invitations"],
    ),
    (
        "POST",
        "/api/v2/organizations/{id}/invitations",
        &["create:organization_invitations"],
    ),
    (
        "GET",
        "/api/v2/organizations/{id}/invitations/{invitation_id}",
        &["read:organization_invitations"],
    ),
    (
        "DELETE",
        "/api/v2/organizations/{id}/invitations/{invitation_id}",
        &["delete:organization_invitations"],
    ),
    (
        "GET",
        "/api/v2/users/{id}/organizations",
        &["read:organizations"],
    ),
];

/// The scopes a route requires; none (so: refused) for a route without a row.
pub(crate) fn required_scopes(method: &Method, path: &str) -> &'static [&'static str] {
    RULES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, scopes)| *scopes)
        .unwrap_or(&[])
}

/// Every scope some endpoint requires: what the embedded tenant grants its M2M client.
#[cfg(test)]
pub(crate) fn all_scopes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in RULES.iter().flat_map(|(_, _, s)| s.iter()) {
        if !out.contains(s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_without_a_row_requires_a_scope_no_token_has() {
        assert!(required_scopes(&Method::GET, "/api/v2/nowhere").is_empty());
        assert_eq!(
            required_scopes(&Method::GET, "/api/v2/users"),
            &["read:users"]
        );
    }

    #[test]
    fn the_embedded_tenant_grants_every_scope_an_endpoint_requires() {
        let tenant = crate::tenant::load_embedded().unwrap();
        let grant = tenant.management_grant("auth0-mock-m2m").unwrap();
        for s in all_scopes() {
            assert!(grant.scope.iter().any(|g| g == s), "missing {s}");
        }
    }
}
